using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Views;

namespace AncientPS.Engine
{
    /// <summary>
    /// A read-only view of a dictionary stored in a heap (Hashtable, OrderedDictionary, Dictionary and others).
    /// Lookups go through the stored hash index and read O(1) entries. A missing key reads as null, as with a Hashtable.
    /// String keys compare ignoring case when the source dictionary did (PowerShell's @{} and [ordered]@{}).
    /// Entries enumerate in the order the source enumerated them.
    /// </summary>
    public sealed unsafe class AncientDictionary : IDictionary, IReadOnlyDictionary<object, object>, IAncientNode, System.Dynamic.IDynamicMetaObjectProvider
    {
        private readonly NodeContext _context;
        private readonly long _offset;
        private readonly int _count;
        private readonly int _capacity;
        private readonly bool _ignoreCase;
        private readonly long _nameOffset;
        private readonly byte* _tags;
        private readonly ulong* _payloads;
        private readonly uint* _index;
        private readonly DictionaryNode _node;
        private string _typeName;
        private readonly bool _deserialized;
        private string[] _deserializedNames;
        private EntryCollection _keys;
        private EntryCollection _values;
        // Composite keys and values are projected once per view (see AncientList): two reads give the same object.
        private ProjectionCache _projected;

        // The host's object this dictionary was read from (AncientValue.SetProjectionParent).
        internal object ProjectionParent;

        internal AncientDictionary(NodeContext context, long offset)
        {
            _context = context;
            _offset = offset;
            var node = DictionaryNode.Open(context, offset);
            IsShared = node.IsShared;
            _deserialized = node.IsDeserialized;
            _node = node;
            _ignoreCase = node.IgnoresCase;
            _count = node.Count;
            _capacity = node.Capacity;
            _nameOffset = node.NameOffset;
            _tags = node.Tags;
            _payloads = node.Payloads;
            _index = node.Index;
        }

        /// <summary>The node as opened (its header checked), for the verifier.</summary>
        internal DictionaryNode Node => _node;

        /// <summary>True when the dictionary is referred to more than once in its value (format 1.3).</summary>
        internal bool IsShared { get; }

        // Where the node lives: AncientValue.Describe hands these out, so that the view's public surface is a dictionary's.
        MappedHeap IAncientNode.Heap => _context.Space.Heap;
        string IAncientNode.Key => _context.Key;
        long IAncientNode.Offset => _offset;
        internal long NodeOffset => _offset;
        /// <summary>The number of elements; like every other member, it fails once the heap is dismounted.</summary>
        public int Count
        {
            get
            {
                _context.Space.Heap?.ThrowIfDisposed(); // the verifier reads without a heap handle
                return _count;
            }
        }

        /// <summary>True when string keys compare ignoring case (see docs/format-values.md for the folding).</summary>
        internal bool IgnoresCase => _ignoreCase;

        /// <summary>The type name of the stored dictionary, such as "System.Collections.Hashtable".</summary>
        internal string DictionaryTypeName
        {
            get
            {
                var name = _typeName;
                if (name != null) return name;
                // A dictionary of a .NET object stored through PowerShell is Import-Clixml's copy of it: a Hashtable.
                if (_deserialized) return _typeName = typeof(Hashtable).FullName;
                var space = _context.Space;
                space.EnterRead();
                try { name = _context.ReadName(_nameOffset); }
                finally { space.ExitRead(); }
                return _typeName = name;
            }
        }

        /// <summary>
        /// For a dictionary of a .NET object stored through PowerShell (format 1.4), the type names of the dictionary it was
        /// stored from, most derived first (Import-Clixml's copy is a Hashtable named "Deserialized." and these); null otherwise.
        /// </summary>
        internal IReadOnlyList<string> DeserializedTypeNames
        {
            get
            {
                if (!_deserialized) return null;
                var names = _deserializedNames;
                if (names != null) return names;
                string joined;
                var space = _context.Space;
                space.EnterRead();
                try { joined = _context.ReadName(_nameOffset); }
                finally { space.ExitRead(); }
                return _deserializedNames = DeserializedNames.Split(joined, _offset);
            }
        }

        System.Dynamic.DynamicMetaObject System.Dynamic.IDynamicMetaObjectProvider.GetMetaObject(System.Linq.Expressions.Expression parameter)
            => new DictionaryMetaObject(parameter, this);

        /// <summary>
        /// The dynamic binding of an object that stands for this view (a host's wrapper, such as the PowerShell module's
        /// stored hashtable): member reads and single-key indexes on <paramref name="parameter"/>, which holds
        /// <paramref name="host"/>, read this view as they would on the view itself; everything else goes to the language.
        /// <paramref name="viewOf"/> makes, from <paramref name="parameter"/> converted to the host's type, the
        /// expression that reads the view. The binding holds for objects of the host's exact type.
        /// </summary>
        public System.Dynamic.DynamicMetaObject GetMetaObjectFor(System.Linq.Expressions.Expression parameter, object host,
            Func<System.Linq.Expressions.Expression, System.Linq.Expressions.Expression> viewOf)
        {
            if (parameter == null) throw new ArgumentNullException(nameof(parameter));
            if (host == null) throw new ArgumentNullException(nameof(host));
            if (viewOf == null) throw new ArgumentNullException(nameof(viewOf));
            var view = viewOf(System.Linq.Expressions.Expression.Convert(parameter, host.GetType()));
            if (view.Type != typeof(AncientDictionary)) throw new ArgumentException("The expression must read an AncientDictionary.", nameof(viewOf));
            return new DictionaryMetaObject(parameter, host, view);
        }

        /// <summary>
        /// What a dynamic member read (<c>dictionary.Name</c>) gives, for a given binder, when the name is not a key and
        /// the language's own rule gives null: null (the default) keeps the language's null. Process-wide, asked once per
        /// binding. The PowerShell module answers its "no output" value for member enumeration's read of each element, so
        /// that <c>$listOfDictionaries.Name</c> skips the dictionaries without that key, as it skips such hashtables.
        /// </summary>
        public static Func<System.Dynamic.GetMemberBinder, object> AbsentMemberValue { get; set; }

        /// <summary>The value under <paramref name="key"/>, or null when there is none. Setting throws: stored values are read-only.</summary>
        public object this[object key]
        {
            get => TryGetValue(key, out var value) ? value : null;
            set => throw ViewErrors.ReadOnly();
        }

        object IReadOnlyDictionary<object, object>.this[object key] =>
            TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The dictionary has no key '{key}'.");

        public bool ContainsKey(object key) => TryGetValue(key, out _);

        public bool Contains(object key) => TryGetValue(key, out _);

        public bool TryGetValue(object key, out object value)
        {
            value = null;
            if (key != null && !(key is string)) key = _context.Projection.LookupKey(key);
            if (key == null || _count == 0) return false;
            var space = _context.Space;
            space.EnterRead();
            try
            {
                int entry = Find(key);
                if (entry < 0) return false;
                value = ProjectSlot(2 * entry + 1, false);
                return true;
            }
            finally { space.ExitRead(); }
        }

        /// <summary>The entry number of <paramref name="key"/>, or -1 (for an update in place).</summary>
        internal int IndexOfKey(object key)
        {
            if (key == null || _count == 0) return -1;
            var space = _context.Space;
            space.EnterRead();
            try { return Find(key); }
            finally { space.ExitRead(); }
        }

        /// <summary>Probes the stored index; at most one pass over it, so damage cannot loop.</summary>
        private int Find(object key)
        {
            uint hash;
            var node = key as IAncientNode;
            if (node != null)
            {
                if (!(SameSpace(node, out byte nodeTag))) return -1;
                hash = KeyHash.Composite(nodeTag, node.Offset);
            }
            else if (!KeyHash.TryCompute(key, _ignoreCase, out hash)) return -1;

            Debug.Assert(_capacity > 0 && (_capacity & (_capacity - 1)) == 0, "Open checked that the index is a nonempty power of two");
            uint mask = (uint)_capacity - 1;
            uint pos = hash & mask;
            for (int probes = 0; probes < _capacity; probes++)
            {
                uint stored = _index[2 * pos];
                uint entry = _index[2 * pos + 1];
                if (entry == 0) return -1;
                if (entry > (uint)_count) throw Corrupt.Node(_offset, $"indexes the entry {entry} of {_count}");
                if (stored == hash && KeyEquals((int)entry - 1, key, node)) return (int)entry - 1;
                pos = (pos + 1) & mask;
            }
            return -1;
        }

        private bool SameSpace(IAncientNode node, out byte tag)
        {
            tag = 0;
            switch (node)
            {
                case AncientList l when ReferenceEquals(l.Context.Space, _context.Space):
                    tag = l.IsPacked ? NodeTags.PackedList : NodeTags.List;
                    return true;
                case AncientDictionary d when ReferenceEquals(d._context.Space, _context.Space):
                    tag = NodeTags.Dictionary;
                    return true;
                case AncientRecord r when ReferenceEquals(r.Context.Space, _context.Space):
                    tag = NodeTags.Record;
                    return true;
            }
            return false;
        }

        private bool KeyEquals(int entry, object key, IAncientNode node)
        {
            byte tag = _tags[2 * entry];
            ulong payload = _payloads[2 * entry];
            if (node != null) return NodeTags.IsComposite(tag) && (long)payload == node.Offset;
            if (key is string s)
            {
                if (tag == NodeTags.ShortAscii)
                {
                    byte* ascii = stackalloc byte[9];
                    StringCodec.UnpackAscii9(payload, ascii);
                    return StringCodec.EqualsStored(ascii, 9, StringCodec.Utf8, s, _ignoreCase);
                }
                if (NodeTags.IsShortString(tag))
                    return StringCodec.EqualsStored((byte*)&payload, tag - NodeTags.ShortString, StringCodec.Utf8, s, _ignoreCase);
                if (tag != NodeTags.String) return false;
                byte* p = StringNode.Bytes(_context, NodeContext.CheckOffset(payload), out int length, out byte encoding);
                return StringCodec.EqualsStored(p, length, encoding, s, _ignoreCase);
            }
            if (NodeTags.IsComposite(tag) || NodeTags.IsString(tag) || tag == NodeTags.Null) return false;
            if (ScalarCodec.TryEncodeInline(key, out byte keyTag, out ulong keyPayload))
            {
                if (keyTag != tag) return false;
                return ScalarCodec.KeyPayload(tag, payload) == ScalarCodec.KeyPayload(keyTag, keyPayload);
            }
            if (key is Enum e)
            {
                if (tag != NodeTags.Enum) return false;
                EnumNode.ReadKey(_context, NodeContext.CheckOffset(payload), out string typeName, out ulong bits);
                return bits == EnumNode.Bits(e) && typeName == TypeNames.Of(e.GetType());
            }
            if (key is UnresolvedEnum unresolved)
            {
                if (tag != NodeTags.Enum) return false;
                EnumNode.ReadKey(_context, NodeContext.CheckOffset(payload), out string typeName, out ulong bits);
                return bits == unresolved.Bits && typeName == unresolved.TypeName;
            }
            if (tag == NodeTags.Enum) return false;
            return Equals(_context.ReadSlot(tag, payload, false), key);
        }

        /// <summary>Keys and values without projection, for copying into a heap.</summary>
        internal void RawEntries(out object[] keys, out object[] values)
        {
            keys = new object[_count];
            values = new object[_count];
            var space = _context.Space;
            space.EnterRead();
            try
            {
                for (int i = 0; i < _count; i++)
                {
                    keys[i] = _context.ReadSlotForCopy(_tags[2 * i], _payloads[2 * i]);
                    values[i] = _context.ReadSlotForCopy(_tags[2 * i + 1], _payloads[2 * i + 1]);
                }
            }
            finally { space.ExitRead(); }
        }

        internal void GetEntrySlots(int entry, out byte keyTag, out ulong keyPayload, out byte valueTag, out ulong valuePayload)
        {
            keyTag = _tags[2 * entry];
            keyPayload = _payloads[2 * entry];
            valueTag = _tags[2 * entry + 1];
            valuePayload = _payloads[2 * entry + 1];
        }

        internal NodeContext Context => _context;

        private int _ordered; // 0 not known yet, 1 an OrderedDictionary, 2 any other dictionary

        /// <summary>True for a dictionary stored from an OrderedDictionary (PowerShell's [ordered]), whose entries keep their order.</summary>
        internal bool IsOrdered
        {
            get
            {
                if (_ordered == 0) _ordered = DictionaryTypeName == typeof(System.Collections.Specialized.OrderedDictionary).FullName ? 1 : 2;
                return _ordered == 1;
            }
        }

        /// <summary>
        /// The value an index gives, as on the original dictionary: an int on an ordered dictionary is a position
        /// (<c>$ordered[0]</c>, as OrderedDictionary's own int indexer; a negative one counts from the end, as PowerShell
        /// takes it), null out of range; any other index is a key.
        /// </summary>
        internal object GetByIndex(object index)
        {
            if (index is int position && IsOrdered)
            {
                int count = Count;
                if (position < 0) position += count;
                if ((uint)position >= (uint)count) return null;
                return ReadEntry(position, true);
            }
            return this[index];
        }

        /// <summary>
        /// Reads slot <paramref name="slot"/> projected; the caller holds a read. A composite key or value read by a lookup
        /// is held as long as the view; one met by the view's first enumeration (<paramref name="weakly"/>) only while
        /// something else holds it, as a list's (AncientList.GetCore).
        /// </summary>
        private object ProjectSlot(int slot, bool weakly)
        {
            Debug.Assert((uint)slot < 2u * (uint)_count, "an entry has two slots");
            byte tag = _tags[slot];
            if (!NodeTags.IsComposite(tag)) return _context.ReadSlot(tag, _payloads[slot], true);
            var projected = ProjectionCache.For(ref _projected, 2 * _count);
            if (weakly)
                return projected.GetAny(slot) ?? projected.KeepWeakly(slot, _context.Projection.ReadElement(_context, tag, _payloads[slot], ProjectionParent));
            return projected.GetAndHold(slot) ?? projected.Keep(slot, _context.Projection.ReadElement(_context, tag, _payloads[slot], ProjectionParent));
        }

        /// <summary>
        /// Holds the key and value of entry <paramref name="entry"/>, which an enumeration gave out, as long as the view
        /// when the host finds one changed since it was read (AncientList.HoldIfChanged).
        /// </summary>
        private void HoldIfChanged(int entry)
        {
            var projected = Volatile.Read(ref _projected);
            if (projected == null || (uint)entry >= (uint)_count) return;
            for (int slot = 2 * entry; slot <= 2 * entry + 1; slot++)
            {
                var given = projected.GetAny(slot);
                if (given != null && _context.Projection.ShouldKeep(given)) projected.Keep(slot, given);
            }
        }

        // 0 until the view's first enumeration starts, then 1 (AncientList.FirstPass).
        private int _passes;

        /// <summary>True for the view's first enumeration, which holds what it projects weakly; false for every later one.</summary>
        private bool FirstPass() => Volatile.Read(ref _passes) == 0 && Interlocked.CompareExchange(ref _passes, 1, 0) == 0;

        private object ReadEntry(int entry, bool value, bool weakly = false)
        {
            // A host's walk that recurses through stored values without a depth limit of its own (PowerShell's
            // ConvertTo-Xml over a dictionary that holds itself, or a 10,000-deep chain) fails here with an exception
            // before the thread's stack runs out, instead of ending the process.
            RuntimeHelpers.EnsureSufficientExecutionStack();
            var space = _context.Space;
            space.EnterRead();
            try
            {
                return ProjectSlot(2 * entry + (value ? 1 : 0), weakly);
            }
            finally { space.ExitRead(); }
        }

        public ICollection Keys => _keys ?? (_keys = new EntryCollection(this, values: false));
        public ICollection Values => _values ?? (_values = new EntryCollection(this, values: true));

        IEnumerable<object> IReadOnlyDictionary<object, object>.Keys => (EntryCollection)Keys;
        IEnumerable<object> IReadOnlyDictionary<object, object>.Values => (EntryCollection)Values;

        public bool IsReadOnly => true;
        public bool IsFixedSize => true;
        public bool IsSynchronized => false;
        public object SyncRoot => this;

        public void Add(object key, object value) => throw ViewErrors.ReadOnly();
        public void Clear() => throw ViewErrors.ReadOnly();
        public void Remove(object key) => throw ViewErrors.ReadOnly();

        public void CopyTo(Array array, int index)
        {
            if (array == null) throw new ArgumentNullException(nameof(array));
            if (index < 0 || array.Length - index < _count) throw new ArgumentException("The array is too short for the dictionary.", nameof(array));
            bool weakly = FirstPass();
            for (int i = 0; i < _count; i++) array.SetValue(new DictionaryEntry(ReadEntry(i, false, weakly), ReadEntry(i, true, weakly)), index + i);
        }

        public IDictionaryEnumerator GetEnumerator() => new Enumerator(this);
        /// <summary>
        /// As the original enumerates when it is enumerated as a plain IEnumerable (what PowerShell's formatting does):
        /// KeyValuePair entries for a generic dictionary (Dictionary, SortedList, ConcurrentDictionary, ReadOnlyDictionary...),
        /// DictionaryEntry for a Hashtable, OrderedDictionary or any other non-generic one. IDictionary.GetEnumerator
        /// always gives DictionaryEntry.
        /// </summary>
        IEnumerator IEnumerable.GetEnumerator()
            => IsGenericDictionary ? ((IEnumerable<KeyValuePair<object, object>>)this).GetEnumerator() : new Enumerator(this);

        // A generic type's stored name has its arity after a backquote (Dictionary`2[...]); a non-generic one has none.
        private bool IsGenericDictionary => DictionaryTypeName.IndexOf('`') >= 0;

        IEnumerator<KeyValuePair<object, object>> IEnumerable<KeyValuePair<object, object>>.GetEnumerator()
        {
            int i = 0;
            bool weakly = FirstPass();
            try
            {
                for (; i < _count; i++)
                {
                    if (weakly && i > 0) HoldIfChanged(i - 1);
                    yield return new KeyValuePair<object, object>(ReadEntry(i, false, weakly), ReadEntry(i, true, weakly));
                }
            }
            finally { if (weakly) HoldIfChanged(Math.Min(i, _count - 1)); }
        }

        public override bool Equals(object obj) => obj is AncientDictionary other && other._offset == _offset && ReferenceEquals(other._context.Space, _context.Space);

        public override int GetHashCode() => _offset.GetHashCode() ^ RuntimeHelpers.GetHashCode(_context.Space);

        /// <summary>The stored collection type name, as the original dictionary's ToString() gives.</summary>
        public override string ToString() => DictionaryTypeName;

        private sealed class Enumerator : IDictionaryEnumerator
        {
            private readonly AncientDictionary _dictionary;
            private readonly bool _weakly;
            private int _index = -1;
            private DictionaryEntry _current;

            public Enumerator(AncientDictionary dictionary)
            {
                _dictionary = dictionary;
                _weakly = dictionary.FirstPass();
            }

            public bool MoveNext()
            {
                // The entry given last has been the script's to change (AncientList's enumerator).
                if (_weakly && _index >= 0) _dictionary.HoldIfChanged(_index);
                if (_index + 1 >= _dictionary._count)
                {
                    _index = _dictionary._count;
                    return false;
                }
                _index++;
                _current = new DictionaryEntry(_dictionary.ReadEntry(_index, false, _weakly), _dictionary.ReadEntry(_index, true, _weakly));
                return true;
            }

            public DictionaryEntry Entry
            {
                get
                {
                    if (_index < 0 || _index >= _dictionary._count) throw new InvalidOperationException("The enumerator is not on an entry.");
                    return _current;
                }
            }

            public object Key => Entry.Key;
            public object Value => Entry.Value;
            public object Current => Entry;
            public void Reset() => _index = -1;
        }

        /// <summary>The keys or the values of the dictionary, read on access in stored order.</summary>
        private sealed class EntryCollection : ICollection, IReadOnlyList<object>
        {
            private readonly AncientDictionary _d;
            private readonly bool _values;
            public EntryCollection(AncientDictionary d, bool values) { _d = d; _values = values; }
            public object this[int index] => (uint)index < (uint)_d._count ? _d.ReadEntry(index, _values) : throw new ArgumentOutOfRangeException(nameof(index));
            public int Count => _d._count;
            public bool IsSynchronized => false;
            public object SyncRoot => _d;
            public void CopyTo(Array array, int index)
            {
                bool weakly = _d.FirstPass();
                for (int i = 0; i < _d._count; i++) array.SetValue(_d.ReadEntry(i, _values, weakly), index + i);
            }
            public IEnumerator<object> GetEnumerator()
            {
                int i = 0;
                bool weakly = _d.FirstPass();
                try
                {
                    for (; i < _d._count; i++)
                    {
                        if (weakly && i > 0) _d.HoldIfChanged(i - 1);
                        yield return _d.ReadEntry(i, _values, weakly);
                    }
                }
                finally { if (weakly) _d.HoldIfChanged(Math.Min(i, _d._count - 1)); }
            }
            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

            /// <summary>As the original's key or value collection names itself (System.Collections.Hashtable+KeyCollection).</summary>
            public override string ToString() => EntryCollectionNames.Of(_d.DictionaryTypeName, _values) ?? base.ToString();
        }
    }
}
