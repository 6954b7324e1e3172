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

        /// <summary>
        /// The items of a collection; where its enumerator throws, the items read before and a call of
        /// <paramref name="failed"/> (PowerShell's serializer keeps those items too). Cancellation is not a failure.
        /// </summary>
        public static List<object> Items(IEnumerable source, CancellationToken cancel, Action<Exception> failed)
        {
            var items = new List<object>();
            IEnumerator e = null;
            try
            {
                e = source.GetEnumerator();
                while (e.MoveNext())
                {
                    items.Add(e.Current);
                    if ((items.Count & CancelCheckMask) == 0) cancel.ThrowIfCancellationRequested();
                }
            }
            catch (Exception x) when (IsSourceFailure(x, cancel))
            {
                failed?.Invoke(x);
            }
            finally
            {
                Dispose(e);
            }
            return items;
        }

        // An exception of the source's own code: not a cancellation, nor the runtime running out of memory or stack.
        private static bool IsSourceFailure(Exception x, CancellationToken cancel)
            => !(x is OperationCanceledException) && !(x is OutOfMemoryException) && !cancel.IsCancellationRequested;

        private static void Dispose(object enumerator)
        {
            try { (enumerator as IDisposable)?.Dispose(); }
            catch (Exception) { } // a failing Dispose of a source's enumerator loses nothing already read
        }

        /// <summary>
        /// The entries of a dictionary in its IDictionaryEnumerator's order: the order PowerShell's serializer and
        /// ConvertTo-Json write them in (a Hashtable class may list them in another order when enumerated as an
        /// IEnumerable, as $PSVersionTable does for Format-Table; one stored order cannot be both).
        /// </summary>
        public static void Entries(IDictionary source, CancellationToken cancel, Action<Exception> failed, out object[] keys, out object[] values)
        {
            var k = new List<object>();
            var v = new List<object>();
            IDictionaryEnumerator e = null;
            try
            {
                e = source.GetEnumerator();
                while (e.MoveNext())
                {
                    var entry = e.Entry;
                    k.Add(entry.Key);
                    v.Add(entry.Value);
                    if ((k.Count & CancelCheckMask) == 0) cancel.ThrowIfCancellationRequested();
                }
            }
            catch (Exception x) when (IsSourceFailure(x, cancel))
            {
                failed?.Invoke(x);
            }
            finally
            {
                Dispose(e);
            }
            keys = k.ToArray();
            values = v.ToArray();
        }

        /// <summary>
        /// The entries of a dictionary that is only IEnumerable&lt;KeyValuePair&lt;K, V&gt;&gt;, through the pair type's
        /// properties; false (keys and values null) when its non-generic enumerator, the one PowerShell uses, gives
        /// anything but those pairs: the caller then stores what it gives as a list.
        /// </summary>
        public static bool Pairs(IEnumerable source, TypeProfile profile, CancellationToken cancel, Action<Exception> failed, out object[] keys, out object[] values)
        {
            var k = new List<object>();
            var v = new List<object>();
            var pairType = profile.PairKey.DeclaringType;
            keys = values = null;
            IEnumerator e = null;
            try
            {
                e = source.GetEnumerator();
                while (e.MoveNext())
                {
                    object pair = e.Current;
                    if (!pairType.IsInstanceOfType(pair)) return false;
                    object key = profile.PairKey.GetValue(pair);
                    object value = profile.PairValue.GetValue(pair);
                    k.Add(key);
                    v.Add(value);
                    if ((k.Count & CancelCheckMask) == 0) cancel.ThrowIfCancellationRequested();
                }
            }
            catch (Exception x) when (IsSourceFailure(x, cancel))
            {
                failed?.Invoke(x);
            }
            finally
            {
                Dispose(e);
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
