using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// Reads the items or entries of a collection being stored, once and in its own order, checking for cancellation
    /// every 1,024 (a lazy enumerable can be long or slow).
    /// </summary>
    internal static class SourceCollections
    {
        private const int CancelCheckMask = 0x3FF;

        public static IReadOnlyList<object> Items(IList list) => list as IReadOnlyList<object> ?? new ListItems(list);

        public static List<object> Items(IEnumerable source, CancellationToken cancel)
        {
            var items = new List<object>();
            foreach (var item in source)
            {
                items.Add(item);
                if ((items.Count & CancelCheckMask) == 0) cancel.ThrowIfCancellationRequested();
            }
            return items;
        }

        /// <summary>
        /// The entries of a dictionary in its IDictionaryEnumerator's order: the order PowerShell's serializer and
        /// ConvertTo-Json write them in (a Hashtable class may list them in another order when enumerated as an
        /// IEnumerable, as $PSVersionTable does for Format-Table; one stored order cannot be both).
        /// </summary>
        public static void Entries(IDictionary source, CancellationToken cancel, out object[] keys, out object[] values)
        {
            var k = new List<object>();
            var v = new List<object>();
            var e = source.GetEnumerator();
            try
            {
                while (e.MoveNext())
                {
                    var entry = e.Entry;
                    k.Add(entry.Key);
                    v.Add(entry.Value);
                    if ((k.Count & CancelCheckMask) == 0) cancel.ThrowIfCancellationRequested();
                }
            }
            finally
            {
                (e as IDisposable)?.Dispose();
            }
            keys = k.ToArray();
            values = v.ToArray();
        }

        /// <summary>
        /// The entries of a dictionary that is only IEnumerable&lt;KeyValuePair&lt;K, V&gt;&gt;, through the pair type's
        /// properties; false (keys and values null) when its non-generic enumerator, the one PowerShell uses, gives
        /// anything but those pairs: the caller then stores what it gives as a list.
        /// </summary>
        public static bool Pairs(IEnumerable source, TypeProfile profile, CancellationToken cancel, out object[] keys, out object[] values)
        {
            var k = new List<object>();
            var v = new List<object>();
            var pairType = profile.PairKey.DeclaringType;
            keys = values = null;
            foreach (var pair in source)
            {
                if (!pairType.IsInstanceOfType(pair)) return false;
                k.Add(profile.PairKey.GetValue(pair));
                v.Add(profile.PairValue.GetValue(pair));
                if ((k.Count & CancelCheckMask) == 0) cancel.ThrowIfCancellationRequested();
            }
            keys = k.ToArray();
            values = v.ToArray();
            return true;
        }

        /// <summary>
        /// Puts the entries of a dictionary stored as a Hashtable in place of another dictionary type (one met inside a
        /// .NET object stored by its properties) in the order PowerShell's deserializer gives them: it rebuilds such a
        /// dictionary as a Hashtable whose string keys compare ignoring case under the current culture, so Import-Clixml's
        /// copy enumerates in that table's order, not the source's. Hashtable order follows string hash codes, which .NET
        /// randomizes per process: the order matches Import-Clixml's in the process that stores the value. Entries whose
        /// keys are not all distinct strings under that comparison keep the source's order.
        /// </summary>
        public static void InDeserializedHashtableOrder(object[] keys, object[] values)
        {
            if (keys.Length < 2) return;
            var table = new Hashtable(StringComparer.CurrentCultureIgnoreCase);
            for (int i = 0; i < keys.Length; i++)
            {
                if (!(keys[i] is string key) || table.ContainsKey(key)) return;
                table.Add(key, i);
            }
            var oldKeys = (object[])keys.Clone();
            var oldValues = (object[])values.Clone();
            int at = 0;
            foreach (DictionaryEntry entry in table)
            {
                int from = (int)entry.Value;
                keys[at] = oldKeys[from];
                values[at] = oldValues[from];
                at++;
            }
        }

        private sealed class ListItems : IReadOnlyList<object>
        {
            private readonly IList _list;
            public ListItems(IList list) { _list = list; }
            public object this[int index] => _list[index];
            public int Count => _list.Count;
            public IEnumerator<object> GetEnumerator() { foreach (var o in _list) yield return o; }
            IEnumerator IEnumerable.GetEnumerator() => _list.GetEnumerator();
        }
    }
}
