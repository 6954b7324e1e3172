using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Hands a stored list or dictionary to PowerShell inside a PSObject that carries the type names of the collection it
    /// was stored from (System.Object[], System.Array, System.Object for an array; System.Collections.Hashtable,
    /// System.Object for a hashtable), as PowerShell names the original: in PSTypeNames, Get-Member's header,
    /// Export-Clixml and every crossing. The serializer of Start-Job and remoting reads the names off the PSObject, in any
    /// runspace or none, so the far side gets "Deserialized.System.Object[]" and not the view class; an [ordered]
    /// dictionary comes back there as an OrderedDictionary, in its order. The collection itself stays the engine's lazy,
    /// read-only view for a list, and a dictionary class of the module's over the view for a dictionary
    /// (<see cref="StoredHashtable"/>, <see cref="StoredOrderedDictionary"/>, <see cref="StoredDictionary"/>): indexing,
    /// enumeration, member enumeration, key lookups and method calls reach it through the PSObject as they reach any
    /// wrapped array or hashtable.
    /// <para>
    /// The names are PowerShell's read-only list, one per stored type, shared by every collection of that type and set on
    /// the wrapper itself (<see cref="MemberTable.TrySetTypeNames"/>): one PSObject per collection handed out, no entry in
    /// PowerShell's process-wide weak tables (where names set through the public PSTypeNames would go: 3-5 us a
    /// collection, docs/performance.md, "Crossings"). An adapter cannot name lists: PowerShell reads a property of an
    /// object with a third-party adapter without member enumeration (<c>$rows.Name</c> would be $null). Where this
    /// PowerShell lacks the internal member, or <see cref="Enabled"/> is off, the bare view is handed out, named by its
    /// class for a list and by the adapter for a dictionary, as before.
    /// </para>
    /// <para>
    /// The wrapper is a class of its own (<see cref="Bare"/>), for two reasons. Its text is a bare collection's: ToString
    /// and string.Format give the type name, as an array's or hashtable's own ToString does (Get-Member's
    /// "Tags=System.Object[]", a hashtable entry's "[key, System.Object[]]"), where a plain PSObject joins the items;
    /// PowerShell's string conversions ("$x", [string], -join) join a bare array's items too and do not call it. And
    /// PowerShell passes it to a .NET method's object parameter as itself (it unwraps only a plain PSObject there), so that
    /// [PSSerializer]::Serialize($list) and $arrayList.Add($list) keep the names; it is an <see cref="IAncientValue"/>, so
    /// that MappedHeap.IsAncient($list) still holds. A list in a .NET object stored at a depth is what Import-Clixml
    /// gives instead: a plain PSObject around the list, whose text is its items joined, named "Deserialized." and the
    /// original type (<see cref="ForDeserialized"/>).
    /// </para>
    /// </summary>
    internal static class OriginalTypeNames
    {
        internal const string DeserializedPrefix = "Deserialized.";

        private static readonly ConcurrentDictionary<string, Collection<string>> s_names = new ConcurrentDictionary<string, Collection<string>>(StringComparer.Ordinal);
        private static readonly ConcurrentDictionary<string, Collection<string>> s_deserializedNames = new ConcurrentDictionary<string, Collection<string>>(StringComparer.Ordinal);
        // By a deserialized collection's original type names, joined (format 1.4).
        private static readonly ConcurrentDictionary<string, Collection<string>> s_originalNames = new ConcurrentDictionary<string, Collection<string>>(StringComparer.Ordinal);

        /// <summary>False hands out bare views (tests and the benchmark row that measures the cost).</summary>
        internal static bool Enabled { get; set; } = true;

        /// <summary>
        /// A list or dictionary inside a stored value, or at the root, as PowerShell gets it: named after the original type,
        /// or the collection itself where that cannot be done. <paramref name="collection"/> is an AncientList or one of
        /// the module's dictionary classes, named after the type its view was stored from; <paramref name="parent"/> is
        /// the object it was read from. The wrapper reads the view's elements as their parent
        /// (<see cref="AncientValue.SetProjectionParent"/>), so that a view of a node one of its readers stands for gives
        /// back that reader's wrapper (<see cref="FindAncestor"/>).
        /// </summary>
        internal static object Wrap(object collection, IProjectedNode parent)
        {
            object view = StoredDictionary.ViewOf(collection);
            // A list in a list of a .NET object is Import-Clixml's copy too.
            if (AncientValue.DeserializedTypeNames(view) != null) return ForDeserialized(collection);
            var names = NamesFor(view.ToString(), s_names, false);
            if (names == null) return collection;
            Bare wrapper = collection is IDictionary dictionary ? new BareDictionary(dictionary, view, parent) : (Bare)new BareList((IList)collection, view, parent);
            return MemberTable.TrySetTypeNames(wrapper, names) ? wrapper : collection;
        }

        /// <summary>The wrapper made for the node <paramref name="view"/> stands for among the current reader and its parents, or null.</summary>
        internal static object FindAncestor(object view)
        {
            int searched = 0;
            for (var a = StoredRecordObject.CurrentReader; a != null && searched < StoredRecordObject.AncestorsSearched; a = a.ParentNode, searched++)
                if (a is Bare wrapper && wrapper.View.Equals(view)) return wrapper;
            return null;
        }

        /// <summary>A value of a .NET object stored at a depth, as Import-Clixml gives it: a PSObject around the collection.</summary>
        internal static object ForDeserialized(object value)
        {
            object collection = CollectionOf(value);
            if (collection == null) return value;
            // Named after the original type with the serializer's prefix, as Import-Clixml names what it makes: the list
            // or dictionary class behind it is the module's. Format 1.4 keeps the original's type names in the node;
            // older files name the ArrayList or Hashtable it was stored as.
            object view = StoredDictionary.ViewOf(collection);
            var original = AncientValue.DeserializedTypeNames(view);
            // Already the object made for a format 1.4 node (Wrap made it, and the read keeps it for a shared node).
            if (original != null && value is PSObject made && !(made is Bare)) return value;
            var names = original != null ? DeserializedNamesFor(original) : NamesFor(view.ToString(), s_deserializedNames, true);
            var wrapper = new PSObject(collection);
            if (names != null) MemberTable.TrySetTypeNames(wrapper, names);
            return wrapper;
        }

        /// <summary>The stored list or dictionary in <paramref name="value"/> (itself, or inside a PSObject), or null.</summary>
        internal static object CollectionOf(object value)
        {
            object collection = value is PSObject pso ? pso.BaseObject : value;
            return collection is AncientList || collection is AncientDictionary || collection is IStoredDictionary ? collection : null;
        }

        /// <summary>The shared read-only names "Deserialized." + each of a deserialized list's or dictionary's original type names.</summary>
        private static Collection<string> DeserializedNamesFor(IReadOnlyList<string> original)
        {
            if (!Enabled || !MemberTable.CanShareTypeNames) return null;
            string key = string.Join("\n", original);
            if (s_originalNames.TryGetValue(key, out var names)) return names;
            var list = new List<string>(original.Count);
            foreach (var name in original) list.Add(DeserializedPrefix + name);
            return s_originalNames.GetOrAdd(key, MemberTable.SharedTypeNames(list));
        }

        private static Collection<string> NamesFor(string storedTypeName, ConcurrentDictionary<string, Collection<string>> cache, bool deserialized)
        {
            if (!Enabled || !MemberTable.CanShareTypeNames || storedTypeName == null) return null;
            if (cache.TryGetValue(storedTypeName, out var names)) return names;
            return cache.GetOrAdd(storedTypeName, NamesOf(storedTypeName, deserialized));
        }

        /// <summary>A type name as PowerShell's deserializer gives it to its copies: with the Deserialized. prefix, once.</summary>
        internal static string Deserialized(string name)
            => name.StartsWith(DeserializedPrefix, StringComparison.Ordinal) ? name : DeserializedPrefix + name;

        /// <summary>The shared read-only names of a stored type: the adapter's, as it names a stored dictionary in its runspace.</summary>
        private static Collection<string> NamesOf(string storedName, bool deserialized)
        {
            var names = new List<string>(StoredCollectionAdapter.TypeNamesOf(storedName));
            if (deserialized)
            {
                for (int i = 0; i < names.Count; i++) names[i] = Deserialized(names[i]);
            }
            return MemberTable.SharedTypeNames(names);
        }

        /// <summary>
        /// The PSObject around a stored collection: a bare collection's text, itself to .NET methods, and the collection's
        /// interfaces, for the code in PowerShell that asks a value whether it is a collection before unwrapping it
        /// (Write-Host joins an IEnumerable's items, Group-Object names a group by an ICollection's items).
        /// </summary>
        private abstract class Bare : PSObject, IFormattable, IAncientValue, ICollection, IProjectedNode
        {
            private readonly ICollection _collection;
            private readonly IProjectedNode _parent;

            protected Bare(ICollection collection, object view, IProjectedNode parent) : base(collection)
            {
                _collection = collection;
                View = view;
                _parent = parent;
            }

            /// <summary>The engine's view (AncientList or AncientDictionary) behind the collection.</summary>
            internal object View { get; }

            IProjectedNode IProjectedNode.ParentNode => _parent;

            public override string ToString() => BaseObject.ToString();

            // string.Format and composite formatting ask a PSObject as an IFormattable (a DictionaryEntry's "[key, value]").
            string IFormattable.ToString(string format, IFormatProvider formatProvider) => BaseObject.ToString();

            public int Count => _collection.Count;
            public object SyncRoot => _collection.SyncRoot;
            public bool IsSynchronized => _collection.IsSynchronized;
            public void CopyTo(Array array, int index) => _collection.CopyTo(array, index);
            IEnumerator IEnumerable.GetEnumerator() => _collection.GetEnumerator();
        }

        /// <summary>A stored list: an IList that is the view (read-only, as the view is).</summary>
        private sealed class BareList : Bare, IList
        {
            private readonly IList _list;

            public BareList(IList list, object view, IProjectedNode parent) : base(list, view, parent) { _list = list; }

            public object this[int index] { get => _list[index]; set => _list[index] = value; }
            public bool IsReadOnly => _list.IsReadOnly;
            public bool IsFixedSize => _list.IsFixedSize;
            public int Add(object value) => _list.Add(value);
            public void Clear() => _list.Clear();
            public bool Contains(object value) => _list.Contains(value);
            public int IndexOf(object value) => _list.IndexOf(value);
            public void Insert(int index, object value) => _list.Insert(index, value);
            public void Remove(object value) => _list.Remove(value);
            public void RemoveAt(int index) => _list.RemoveAt(index);
        }

        /// <summary>A stored dictionary: an IDictionary that is the view (or the StoredHashtable).</summary>
        private sealed class BareDictionary : Bare, IDictionary
        {
            private readonly IDictionary _dictionary;

            public BareDictionary(IDictionary dictionary, object view, IProjectedNode parent) : base(dictionary, view, parent) { _dictionary = dictionary; }

            public object this[object key] { get => _dictionary[key]; set => _dictionary[key] = value; }
            public ICollection Keys => _dictionary.Keys;
            public ICollection Values => _dictionary.Values;
            public bool IsReadOnly => _dictionary.IsReadOnly;
            public bool IsFixedSize => _dictionary.IsFixedSize;
            public void Add(object key, object value) => _dictionary.Add(key, value);
            public void Clear() => _dictionary.Clear();
            public bool Contains(object key) => _dictionary.Contains(key);
            public void Remove(object key) => _dictionary.Remove(key);
            public IDictionaryEnumerator GetEnumerator() => _dictionary.GetEnumerator();
        }
    }
}
