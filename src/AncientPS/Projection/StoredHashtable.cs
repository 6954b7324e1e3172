using System;
using System.Collections;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// A stored Hashtable as PowerShell is given it: a <see cref="Hashtable"/> whose every member reads the stored view,
    /// lazily, and whose every change fails with the read-only error. PowerShell treats a Hashtable apart from other
    /// dictionaries in many places (<c>-is [hashtable]</c>, a <c>[hashtable]</c> parameter, <c>Select-Object *</c> and
    /// <c>ConvertTo-Html</c>, which list its keys as columns, formatting of a hashtable inside a list, <c>+</c>), and
    /// the view, which is no Hashtable, took the other path in all of them. Other dictionaries ([ordered], Dictionary)
    /// cannot be derived from faithfully: they get classes of the module's (<see cref="StoredDictionary"/>). PowerShell's OrderedHashtable (7.3 and later:
    /// <c>ConvertFrom-Json -AsHashtable</c>) derives from Hashtable and is given the same way; its order is the view's.
    /// <para>
    /// Hashtable's members are all virtual except its explicit <c>IEnumerable.GetEnumerator</c>, which this class
    /// implements again; the base table stays empty. Its members are therefore a Hashtable's, as PowerShell's .NET adapter
    /// shows them; the type names are the original's (<see cref="OriginalTypeNames"/>). It is no dynamic object: a member
    /// read (<c>$h.key</c>) takes PowerShell's own way for a Hashtable, so a list's <c>$rows.key</c> and property
    /// expressions treat it as the original. <c>IsReadOnly</c> says false, as the original's:
    /// PowerShell shows it as the original's; a change fails anyway, naming <c>-Materialize</c>. <c>Clone()</c> gives an
    /// ordinary Hashtable with the same entries, which can be changed, as a hashtable's clone can.
    /// </para>
    /// </summary>
    public class StoredHashtable : Hashtable, IEnumerable, IStoredDictionary
    {
        internal const string HashtableTypeName = "System.Collections.Hashtable";

        // PowerShell 7.3's ordered Hashtable (ConvertFrom-Json -AsHashtable, [ordered] parameters bound to [hashtable]).
        internal const string OrderedHashtableTypeName = "System.Management.Automation.OrderedHashtable";

        internal readonly AncientDictionary View;

        private protected StoredHashtable(AncientDictionary view) : base(0) { View = view; }

        AncientDictionary IStoredDictionary.View => View;

        /// <summary>True for the stored type name of a Hashtable, or of PowerShell's OrderedHashtable, which derives from it.</summary>
        internal static bool IsHashtableName(string name)
            => string.Equals(name, HashtableTypeName, StringComparison.Ordinal) || string.Equals(name, OrderedHashtableTypeName, StringComparison.Ordinal)
               || (name != null && s_subclasses.GetOrAdd(name, IsHashtableSubclass));

        // Other Hashtable classes ($PSVersionTable's PSVersionHashTable), by stored name: resolved once per name.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_subclasses
            = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        private static bool IsHashtableSubclass(string name)
        {
            var type = StoredCollectionAdapter.Resolve(name);
            return type != null && typeof(Hashtable).IsAssignableFrom(type);
        }

        /// <summary>A stored hashtable over <paramref name="view"/> (<see cref="StoredDictionary.For"/> chooses).</summary>
        internal static StoredHashtable Over(AncientDictionary view)
        {
            string name = view.ToString();
            if (string.Equals(name, OrderedHashtableTypeName, StringComparison.Ordinal)) return new StoredOrderedHashtable(view);
            if (string.Equals(name, StoredVersionTable.TypeName, StringComparison.Ordinal)) return new StoredVersionTable(view);
            return new StoredHashtable(view);
        }

        public override object this[object key]
        {
            get => StoredLookup.Get(View, key);
            set => throw ReadOnlyError();
        }

        // In Hashtable's order, which is the order PowerShell lists them in (Format-List, CSV columns, PSObject.Properties).
        public override bool IsReadOnly => false;
        public override bool IsFixedSize => false;
        public override bool IsSynchronized => false;
        public override ICollection Keys => View.Keys;
        public override ICollection Values => View.Values;
        public override object SyncRoot => this;
        public override int Count => View.Count;

        // A member read ($h.key) asks Contains, then the indexer (StoredLookup).
        public override bool Contains(object key) => StoredLookup.Contains(View, key);

        public override bool ContainsKey(object key) => Contains(key);

        public override bool ContainsValue(object value) => StoredLookup.ContainsValue(View, value);

        public override void CopyTo(Array array, int arrayIndex) => View.CopyTo(array, arrayIndex);
        public override IDictionaryEnumerator GetEnumerator() => View.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)View).GetEnumerator();

        public override void Add(object key, object value) => throw ReadOnlyError();
        public override void Clear() => throw ReadOnlyError();
        public override void Remove(object key) => throw ReadOnlyError();

        /// <summary>
        /// An ordinary Hashtable with the same entries (the values themselves, as a clone's are), comparing keys as the
        /// stored one does; an OrderedHashtable for one stored from an OrderedHashtable, where this PowerShell has the type.
        /// </summary>
        public override object Clone()
        {
            Hashtable copy = null;
            if (string.Equals(View.ToString(), OrderedHashtableTypeName, StringComparison.Ordinal))
            {
                var ordered = StoredCollectionAdapter.Resolve(OrderedHashtableTypeName);
                if (ordered != null && typeof(Hashtable).IsAssignableFrom(ordered) && ordered.GetConstructor(Type.EmptyTypes) != null)
                    copy = (Hashtable)Activator.CreateInstance(ordered);
            }
            return CopyInto(copy ?? NewPlainTable());
        }

        // A plain Hashtable comparing keys as the stored one does.
        private Hashtable NewPlainTable()
            => AncientValue.Describe(View).IgnoresCase ? new Hashtable(View.Count, StringComparer.OrdinalIgnoreCase) : new Hashtable(View.Count);

        private Hashtable CopyInto(Hashtable copy)
        {
            foreach (DictionaryEntry entry in View) copy[entry.Key] = entry.Value;
            return copy;
        }

        /// <summary>
        /// For .NET's binary serialization (which Windows PowerShell still has): the entries, as a plain Hashtable, whose
        /// copy the other side gets. The base table is empty, so its own data would be no entries at all.
        /// </summary>
        public override void GetObjectData(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
        {
            var copy = CopyInto(NewPlainTable());
            info.SetType(typeof(Hashtable));
            copy.GetObjectData(info, context);
        }

        public override string ToString() => View.ToString();
        public override bool Equals(object obj) => obj is StoredHashtable other && View.Equals(other.View);
        public override int GetHashCode() => View.GetHashCode();

        private static Exception ReadOnlyError() => new AncientReadOnlyException(ReadOnly.CollectionMessage);
    }

    /// <summary>
    /// A stored OrderedHashtable (PowerShell 7.3 and later: <c>ConvertFrom-Json -AsHashtable</c>): a
    /// <see cref="StoredHashtable"/> whose properties come in OrderedHashtable's order (Count first), as PowerShell lists
    /// an OrderedHashtable's (PSObject.Properties, Format-List, CSV columns). Its entries come in the stored order, which
    /// is the original's.
    /// </summary>
    public sealed class StoredOrderedHashtable : StoredHashtable
    {
        internal StoredOrderedHashtable(AncientDictionary view) : base(view) { }

        public override int Count => base.Count;
        public override bool IsFixedSize => base.IsFixedSize;
        public override bool IsReadOnly => base.IsReadOnly;
        public override bool IsSynchronized => base.IsSynchronized;
        public override ICollection Keys => base.Keys;
        public override ICollection Values => base.Values;
        public override object SyncRoot => base.SyncRoot;
    }

    /// <summary>
    /// A stored <c>$PSVersionTable</c> (PowerShell's PSVersionHashTable): its Keys, and what PowerShell enumerates
    /// (Format-Table, Format-List, ForEach-Object), come PSVersion first, PSEdition second, then the other keys sorted
    /// ignoring case, as the original's do; its GetEnumerator method keeps a Hashtable's order, as the original's does.
    /// </summary>
    public sealed class StoredVersionTable : StoredHashtable, IEnumerable
    {
        internal const string TypeName = "System.Management.Automation.PSVersionHashTable";

        internal StoredVersionTable(AncientDictionary view) : base(view) { }

        public override ICollection Keys
        {
            get
            {
                var keys = new object[View.Count];
                View.Keys.CopyTo(keys, 0);
                Array.Sort(keys, Compare);
                return keys;
            }
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            foreach (var key in Keys) yield return new DictionaryEntry(key, this[key]);
        }

        private static int Compare(object x, object y)
        {
            string a = x as string ?? Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture);
            string b = y as string ?? Convert.ToString(y, System.Globalization.CultureInfo.InvariantCulture);
            int first = Rank(a), second = Rank(b);
            if (first != second) return first - second;
            return string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
        }

        private static int Rank(string key)
            => string.Equals(key, "PSVersion", StringComparison.OrdinalIgnoreCase) ? 0 : string.Equals(key, "PSEdition", StringComparison.OrdinalIgnoreCase) ? 1 : 2;
    }
}
