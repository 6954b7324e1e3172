using System;
using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Runtime.Serialization;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// An object the module made for a stored node (a record, or the wrapper of a list or dictionary), which knows the one
    /// it was read from: while its property or element is read, it is the reader (StoredRecordObject.CurrentReader), so
    /// that a stored graph that leads back to a node gives back the object made for it, as the original graph does.
    /// </summary>
    internal interface IProjectedNode
    {
        IProjectedNode ParentNode { get; }
    }

    /// <summary>A projected stored dictionary of the module's (a stored hashtable, [ordered] or any other): the view behind it.</summary>
    internal interface IStoredDictionary : IAncientValue
    {
        AncientDictionary View { get; }
    }

    /// <summary>
    /// The object PowerShell is given for a stored dictionary other than a Hashtable (<see cref="StoredHashtable"/>) or an
    /// [ordered] one (<see cref="StoredOrderedDictionary"/>): a generic Dictionary, a SortedDictionary and the like. Every
    /// member reads the engine's lazy view; every change fails with the read-only error. Its members are those every such
    /// dictionary has (Count, Keys, Values, ContainsKey, TryGetValue...); PowerShell's .NET adapter shows them, and the type
    /// names are the original's (<see cref="OriginalTypeNames"/>).
    /// <para>
    /// It is an ordinary dictionary to PowerShell, and not, as the view is, a dynamic object: PowerShell's property
    /// expressions (Select-Object, Group-Object, Sort-Object, Measure-Object -Property) try any name on a dynamic object
    /// as a member, so a key answered where the original dictionary has no such property. A member read on a dictionary
    /// (<c>$d.key</c>) asks <see cref="Contains"/> first, and PowerShell takes any InvalidOperationException from it
    /// for "no such key"; the dismount and snapshot errors are such exceptions, so the lookups give them inside a
    /// <see cref="StoredValueReadException"/>, which PowerShell lets through.
    /// </para>
    /// </summary>
    public class StoredDictionary : IDictionary, IStoredDictionary
    {
        private const string OrderedName = "System.Collections.Specialized.OrderedDictionary";

        private readonly AncientDictionary _view;

        internal StoredDictionary(AncientDictionary view) { _view = view; }

        AncientDictionary IStoredDictionary.View => _view;

        internal AncientDictionary View => _view;

        /// <summary>
        /// The object PowerShell is given for a stored dictionary: a Hashtable (or PowerShell's OrderedHashtable, which
        /// derives from it) as a <see cref="StoredHashtable"/>, an [ordered] one as a <see cref="StoredOrderedDictionary"/>,
        /// any other as a <see cref="StoredDictionary"/>. The view's ToString() is its stored type name.
        /// </summary>
        internal static object For(AncientDictionary view)
        {
            string name = view.ToString();
            if (string.Equals(name, OrderedName, StringComparison.Ordinal)) return new StoredOrderedDictionary(view);
            if (StoredHashtable.IsHashtableName(name)) return StoredHashtable.Over(view);
            return new StoredDictionary(view);
        }

        /// <summary>The view behind a projected stored dictionary (itself, or inside a PSObject), or the value itself.</summary>
        internal static object ViewOf(object value)
        {
            object target = value is PSObject pso ? pso.BaseObject : value;
            return target is IStoredDictionary stored ? stored.View : value;
        }

        public object this[object key]
        {
            get => StoredLookup.Get(_view, key);
            set => throw ReadOnlyError();
        }

        // In a generic Dictionary's order, which is the order PowerShell lists them in (Format-List, CSV columns).
        public int Count => _view.Count;
        public ICollection Keys => _view.Keys;
        public ICollection Values => _view.Values;
        public bool IsReadOnly => false; // as the original says; a change fails anyway, naming -Materialize
        bool IDictionary.IsFixedSize => false;
        bool ICollection.IsSynchronized => false;
        object ICollection.SyncRoot => this;

        public bool Contains(object key) => StoredLookup.Contains(_view, key);

        /// <summary>True when <paramref name="key"/> is a key (a generic dictionary's ContainsKey).</summary>
        public bool ContainsKey(object key) => Contains(key);

        /// <summary>True when some entry's value equals <paramref name="value"/> (a generic dictionary's ContainsValue).</summary>
        public bool ContainsValue(object value) => StoredLookup.ContainsValue(_view, value);

        /// <summary>The value under <paramref name="key"/>, and true; or null and false (a generic dictionary's TryGetValue).</summary>
        public bool TryGetValue(object key, out object value) => StoredLookup.TryGetValue(_view, key, out value);

        public void CopyTo(Array array, int index) => _view.CopyTo(array, index);
        public IDictionaryEnumerator GetEnumerator() => _view.GetEnumerator();

        // As the view enumerates as a plain IEnumerable: KeyValuePair entries for a generic dictionary, as the original.
        IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)_view).GetEnumerator();

        public void Add(object key, object value) => throw ReadOnlyError();
        public void Clear() => throw ReadOnlyError();
        public void Remove(object key) => throw ReadOnlyError();

        public override string ToString() => _view.ToString();
        public override bool Equals(object obj) => obj is IStoredDictionary other && _view.Equals(other.View);
        public override int GetHashCode() => _view.GetHashCode();

        internal static Exception ReadOnlyError() => new AncientReadOnlyException(ReadOnly.CollectionMessage);
    }

    /// <summary>
    /// A stored [ordered] dictionary as PowerShell is given it: the public members of an OrderedDictionary (so Get-Member
    /// lists what it lists for the original, and <c>$d[0]</c> is the first value, as OrderedDictionary's int indexer
    /// gives it), each reading the view, each change failing with the read-only error. PowerShell's own adapter shows it;
    /// the type names are the original's (<see cref="OriginalTypeNames"/>). OrderedDictionary itself cannot be derived
    /// from faithfully: its members are not virtual.
    /// </summary>
    public sealed class StoredOrderedDictionary : IOrderedDictionary, ISerializable, IDeserializationCallback, IStoredDictionary
    {
        private readonly StoredDictionary _dictionary;

        internal StoredOrderedDictionary(AncientDictionary view) { _dictionary = new StoredDictionary(view); }

        AncientDictionary IStoredDictionary.View => _dictionary.View;

        /// <summary>The value at <paramref name="index"/> in the stored order; PowerShell counts a negative index from the end before it asks.</summary>
        public object this[int index]
        {
            get
            {
                int count = Count;
                if (index < 0) index += count; // a .NET caller's -1, as PowerShell's
                if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index));
                return ((System.Collections.Generic.IReadOnlyList<object>)_dictionary.View.Values)[index];
            }
            set => throw StoredDictionary.ReadOnlyError();
        }

        public object this[object key]
        {
            get => _dictionary[key];
            set => throw StoredDictionary.ReadOnlyError();
        }

        // In OrderedDictionary's order, which is the order PowerShell lists them in (Format-List, CSV columns).
        public int Count => _dictionary.Count;
        public bool IsReadOnly => false;
        public ICollection Keys => _dictionary.Keys;
        public ICollection Values => _dictionary.Values;
        bool IDictionary.IsFixedSize => false;
        bool ICollection.IsSynchronized => false;
        object ICollection.SyncRoot => this;

        public bool Contains(object key) => _dictionary.Contains(key);
        public void CopyTo(Array array, int index) => _dictionary.CopyTo(array, index);
        public IDictionaryEnumerator GetEnumerator() => _dictionary.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => _dictionary.GetEnumerator();

        /// <summary>An OrderedDictionary with the same entries, read-only, as OrderedDictionary.AsReadOnly() gives.</summary>
        public OrderedDictionary AsReadOnly() => Copy().AsReadOnly();

        public void Add(object key, object value) => throw StoredDictionary.ReadOnlyError();
        public void Insert(int index, object key, object value) => throw StoredDictionary.ReadOnlyError();
        public void Clear() => throw StoredDictionary.ReadOnlyError();
        public void Remove(object key) => throw StoredDictionary.ReadOnlyError();
        public void RemoveAt(int index) => throw StoredDictionary.ReadOnlyError();

        /// <summary>For .NET's binary serialization (Windows PowerShell still has it): the entries as an OrderedDictionary.</summary>
        public void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            if (info == null) throw new ArgumentNullException(nameof(info));
            info.SetType(typeof(OrderedDictionary));
            ((ISerializable)Copy()).GetObjectData(info, context);
        }

        void IDeserializationCallback.OnDeserialization(object sender) { }

        // An ordinary OrderedDictionary with the same entries, comparing keys as the stored one does.
        private OrderedDictionary Copy()
        {
            var view = _dictionary.View;
            var copy = AncientValue.Describe(view).IgnoresCase ? new OrderedDictionary(view.Count, StringComparer.OrdinalIgnoreCase) : new OrderedDictionary(view.Count);
            foreach (DictionaryEntry entry in view) copy.Add(entry.Key, entry.Value);
            return copy;
        }

        public override string ToString() => _dictionary.ToString();
        public override bool Equals(object obj) => obj is IStoredDictionary other && _dictionary.View.Equals(other.View);
        public override int GetHashCode() => _dictionary.GetHashCode();
    }

    /// <summary>
    /// The lookups of the module's stored dictionaries, as PowerShell makes them. A member read (<c>$d.key</c>) is
    /// <c>Contains(key)</c> then <c>this[key]</c> with the same key: the value found by the first is kept for the
    /// second (one entry per thread, taken by the next read on that thread), so the read costs one lookup in the view,
    /// as it did when the view bound the read itself. Read failures (a dismounted heap, an expired snapshot) come as a
    /// <see cref="StoredValueReadException"/>: PowerShell takes any InvalidOperationException from Contains for "no such
    /// key", which those errors are.
    /// </summary>
    internal static class StoredLookup
    {
        [ThreadStatic] private static AncientDictionary t_view;
        [ThreadStatic] private static object t_key;
        [ThreadStatic] private static object t_value;

        internal static bool Contains(AncientDictionary view, object key)
        {
            if (!TryGetValue(view, key, out object value)) return false;
            t_view = view;
            t_key = key;
            t_value = value;
            return true;
        }

        internal static bool TryGetValue(AncientDictionary view, object key, out object value)
        {
            try { return view.TryGetValue(key, out value); }
            catch (Exception e) when (StoredValueReadException.IsReadFailure(e)) { throw new StoredValueReadException(e); }
        }

        /// <summary>True when some entry's value equals <paramref name="value"/>, as Hashtable.ContainsValue compares.</summary>
        internal static bool ContainsValue(AncientDictionary view, object value)
        {
            foreach (var stored in view.Values)
                if (value == null ? stored == null : value.Equals(stored)) return true;
            return false;
        }

        internal static object Get(AncientDictionary view, object key)
        {
            if (t_view != null)
            {
                // Taken by the next read on this thread, found or not, so that it keeps nothing alive for long.
                bool kept = ReferenceEquals(t_view, view) && ReferenceEquals(t_key, key) && key != null;
                object value = t_value;
                t_view = null;
                t_key = null;
                t_value = null;
                if (kept) return value;
            }
            try { return view[key]; }
            catch (Exception e) when (StoredValueReadException.IsReadFailure(e)) { throw new StoredValueReadException(e); }
        }
    }

    /// <summary>
    /// A stored value that can no longer be read (its heap dismounted, its snapshot expired, its file found damaged), as
    /// a member read in PowerShell raises it: PowerShell gives $null for most exceptions a property getter or a
    /// dictionary lookup throws, but lets a MethodException through. The engine's exception is the inner one; the error
    /// record carries its message and a stable id.
    /// </summary>
    public sealed class StoredValueReadException : MethodException
    {
        private ErrorRecord _record;

        internal StoredValueReadException(Exception inner) : base(inner.Message, inner) { }

        internal static bool IsReadFailure(Exception e)
            => e is AncientHeapDismountedException || e is AncientSnapshotExpiredException || e is AncientHeapFormatException || e is AncientHeapFileReplacedException;

        public override ErrorRecord ErrorRecord
            => _record ?? (_record = new ErrorRecord(this, IdOf(InnerException), InnerException is AncientHeapFormatException ? ErrorCategory.InvalidData : ErrorCategory.ResourceUnavailable, null));

        private static string IdOf(Exception e)
            => e is AncientHeapDismountedException ? "HeapNotMounted"
                : e is AncientSnapshotExpiredException ? "SnapshotExpired"
                : e is AncientHeapFileReplacedException ? "HeapFileReplaced"
                : "HeapCorrupt";
    }
}
