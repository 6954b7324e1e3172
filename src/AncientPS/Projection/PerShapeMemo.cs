using System;
using System.Collections.Generic;

namespace AncientPS.Projection
{
    /// <summary>
    /// Values remembered per stored record shape, keyed by a list the shape hands out (its names or type names: one
    /// instance per shape and read). The code using it runs in every runspace at once, so the few entries live in an
    /// array that is only ever replaced whole: a hit reads and never writes, and the newest entry is found first.
    /// </summary>
    internal sealed class PerShapeMemo<T>
    {
        private readonly int _capacity;
        private volatile KeyValuePair<object, T>[] _entries = new KeyValuePair<object, T>[0];

        public PerShapeMemo(int capacity)
        {
            _capacity = capacity;
        }

        public bool TryGet(object shapeKey, out T value)
        {
            var entries = _entries;
            for (int i = 0; i < entries.Length; i++)
            {
                if (ReferenceEquals(entries[i].Key, shapeKey))
                {
                    value = entries[i].Value;
                    return true;
                }
            }
            value = default;
            return false;
        }

        /// <summary>Remembers a value, dropping the oldest entry when full.</summary>
        public void Add(object shapeKey, T value)
        {
            var known = _entries;
            var grown = new KeyValuePair<object, T>[Math.Min(known.Length + 1, _capacity)];
            grown[0] = new KeyValuePair<object, T>(shapeKey, value);
            Array.Copy(known, 0, grown, 1, grown.Length - 1);
            _entries = grown;
        }
    }
}
