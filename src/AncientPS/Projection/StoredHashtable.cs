using System;
using System.Collections;
using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// A stored Hashtable as PowerShell is given it: a <see cref="Hashtable"/> whose every member reads the stored view,
    /// lazily, and whose every change fails with the read-only error. PowerShell treats a Hashtable apart from other
    /// dictionaries in many places (<c>-is [hashtable]</c>, a <c>[hashtable]</c> parameter, <c>Select-Object *</c> and
    /// <c>ConvertTo-Html</c>, which list its keys as columns, formatting of a hashtable inside a list, <c>+</c>), and
    /// the view, which is no Hashtable, took the other path in all of them. Other dictionaries ([ordered], Dictionary)
    /// stay the view: their classes cannot be derived from faithfully. PowerShell's OrderedHashtable (7.3 and later:
    /// <c>ConvertFrom-Json -AsHashtable</c>) derives from Hashtable and is given the same way; its order is the view's.
    /// <para>
    /// Hashtable's members are all virtual except its explicit <c>IEnumerable.GetEnumerator</c>, which this class
    /// implements again; the base table stays empty. Type names and properties are the module's adapter's, as for the
    /// view (AncientPS.Types.ps1xml). <c>IsReadOnly</c> says false, as the adapter always said of a stored hashtable:
    /// PowerShell shows it as the original's; a change fails anyway, naming <c>-Materialize</c>. <c>Clone()</c> gives an
    /// ordinary Hashtable with the same entries, which can be changed, as a hashtable's clone can.
    /// </para>
    /// </summary>
    public sealed class StoredHashtable : Hashtable, IEnumerable, IDynamicMetaObjectProvider, IAncientValue
    {
        internal const string HashtableTypeName = "System.Collections.Hashtable";

        // PowerShell 7.3's ordered Hashtable (ConvertFrom-Json -AsHashtable, [ordered] parameters bound to [hashtable]).
        internal const string OrderedHashtableTypeName = "System.Management.Automation.OrderedHashtable";

        private static readonly FieldInfo s_viewField = typeof(StoredHashtable).GetField(nameof(View), BindingFlags.Instance | BindingFlags.NonPublic);

        internal readonly AncientDictionary View;

        private StoredHashtable(AncientDictionary view) : base(0) { View = view; }

        /// <summary>
        /// The object PowerShell is given for a stored dictionary: a stored Hashtable (or PowerShell's OrderedHashtable,
        /// which derives from it) as a Hashtable, any other as its view. The view's ToString() is its stored type name.
        /// </summary>
        internal static object For(AncientDictionary view)
        {
            string name = view.ToString();
            return string.Equals(name, HashtableTypeName, StringComparison.Ordinal) || string.Equals(name, OrderedHashtableTypeName, StringComparison.Ordinal)
                ? new StoredHashtable(view) : (object)view;
        }

        /// <summary>The view behind a stored hashtable, or the value itself.</summary>
        internal static object ViewOf(object value) => value is StoredHashtable stored ? stored.View : value;

        public override object this[object key]
        {
            get => View[key];
            set => throw ReadOnlyError();
        }

        public override int Count => View.Count;
        public override ICollection Keys => View.Keys;
        public override ICollection Values => View.Values;
        public override bool IsReadOnly => false;
        public override bool IsFixedSize => false;
        public override bool IsSynchronized => false;
        public override object SyncRoot => this;

        public override bool Contains(object key) => View.Contains(key);
        public override bool ContainsKey(object key) => View.ContainsKey(key);

        public override bool ContainsValue(object value)
        {
            foreach (var stored in View.Values)
                if (value == null ? stored == null : value.Equals(stored)) return true;
            return false;
        }

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

        DynamicMetaObject IDynamicMetaObjectProvider.GetMetaObject(Expression parameter)
            => View.GetMetaObjectFor(parameter, this, host => Expression.Field(host, s_viewField));

        private static Exception ReadOnlyError() => new AncientReadOnlyException(ReadOnly.CollectionMessage);
    }
}
