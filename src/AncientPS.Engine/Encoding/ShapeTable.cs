using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The names and record shapes of one write, each written once (docs/format-values.md "Shape"): a name is a string
    /// node every shape and enum of the write refers to, and a shape is shared by every record of the same type names,
    /// property names and flags.
    /// </summary>
    internal sealed class ShapeTable
    {
        private readonly INodeSink _sink;
        private readonly Dictionary<string, long> _names = new Dictionary<string, long>(StringComparer.Ordinal);
        private readonly Dictionary<ShapeKey, long> _shapes = new Dictionary<ShapeKey, long>();

        // The last shape asked for: records of one type usually come in runs.
        private object _lastTypes, _lastNames;
        private string[] _lastTypeCopy, _lastNameCopy;
        private long _last;
        private byte _lastFlags;

        public ShapeTable(INodeSink sink)
        {
            _sink = sink;
        }

        /// <summary>Type and property names: written once per write, and never inline, so a name is always a node offset.</summary>
        public long Name(string s)
        {
            if (s == null) s = "";
            if (_names.TryGetValue(s, out long offset)) return offset;
            offset = StringNode.Write(_sink, s);
            _names[s] = offset;
            return offset;
        }

        /// <summary>The offset of the shape node for these names and flag, written on first use.</summary>
        public long Shape(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, bool isPropertyBag, bool hasText = false)
        {
            byte flags = (byte)((isPropertyBag ? ShapeNode.PropertyBagFlag : 0) | (hasText ? ShapeNode.TextFlag : 0));
            // Reflection hands the same arrays for every object of a type: skip the lookup then.
            if (ReferenceEquals(typeNames, _lastTypes) && ReferenceEquals(names, _lastNames) && _last != 0 && _lastFlags == flags)
                return _last;
            // Consecutive records of one shape usually repeat the same name strings: compare before hashing.
            if (_last != 0 && _lastFlags == flags && SameNames(typeNames, _lastTypeCopy) && SameNames(names, _lastNameCopy))
            {
                _lastTypes = typeNames;
                _lastNames = names;
                return _last;
            }
            var probe = new ShapeKey(typeNames, names, flags);
            if (!_shapes.TryGetValue(probe, out long offset))
            {
                var typeCopy = Copy(typeNames);
                var nameCopy = Copy(names);
                int t = typeCopy.Length, n = nameCopy.Length;
                var offsets = new long[t + n];
                for (int i = 0; i < t; i++) offsets[i] = Name(typeCopy[i]);
                for (int i = 0; i < n; i++) offsets[t + i] = Name(nameCopy[i]);
                if (((long)t + n) * 8 > int.MaxValue) throw new ArgumentException("A record has too many properties.");
                offset = ShapeNode.Write(_sink, isPropertyBag, hasText, t, offsets);
                _shapes[new ShapeKey(typeCopy, nameCopy, flags)] = offset;
                _lastTypeCopy = typeCopy;
                _lastNameCopy = nameCopy;
            }
            else
            {
                _lastTypeCopy = Copy(typeNames);
                _lastNameCopy = Copy(names);
            }
            Debug.Assert(offset > 0 && (offset & 7) == 0, "a shape is a node");
            _lastTypes = typeNames;
            _lastNames = names;
            _last = offset;
            _lastFlags = flags;
            return offset;
        }

        private static bool SameNames(IReadOnlyList<string> list, string[] copy)
        {
            if (copy == null || list.Count != copy.Length) return false;
            for (int i = 0; i < copy.Length; i++)
            {
                string s = list[i];
                if (!ReferenceEquals(s, copy[i]) && !string.Equals(s ?? "", copy[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        private static string[] Copy(IReadOnlyList<string> list)
        {
            var a = new string[list.Count];
            for (int i = 0; i < a.Length; i++) a[i] = list[i] ?? "";
            return a;
        }

        /// <summary>Shape identity: type names, property names (ordinal) and the flags (property bag, text slot).</summary>
        private readonly struct ShapeKey : IEquatable<ShapeKey>
        {
            private readonly IReadOnlyList<string> _types;
            private readonly IReadOnlyList<string> _names;
            private readonly byte _flags;
            private readonly int _hash;

            public ShapeKey(IReadOnlyList<string> types, IReadOnlyList<string> names, byte flags)
            {
                _types = types;
                _names = names;
                _flags = flags;
                int h = flags;
                for (int i = 0; i < types.Count; i++) h = h * 31 + (types[i]?.GetHashCode() ?? 0);
                h = h * 17 + names.Count;
                for (int i = 0; i < names.Count; i++) h = h * 31 + (names[i]?.GetHashCode() ?? 0);
                _hash = h;
            }

            public bool Equals(ShapeKey other)
            {
                if (_hash != other._hash || _flags != other._flags || _types.Count != other._types.Count || _names.Count != other._names.Count) return false;
                for (int i = 0; i < _types.Count; i++) if (!string.Equals(_types[i] ?? "", other._types[i] ?? "", StringComparison.Ordinal)) return false;
                for (int i = 0; i < _names.Count; i++) if (!string.Equals(_names[i] ?? "", other._names[i] ?? "", StringComparison.Ordinal)) return false;
                return true;
            }

            public override bool Equals(object obj) => obj is ShapeKey k && Equals(k);
            public override int GetHashCode() => _hash;
        }
    }
}
