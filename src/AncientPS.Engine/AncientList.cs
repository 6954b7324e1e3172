using System;
using System.Diagnostics;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Views;

namespace AncientPS.Engine
{
    /// <summary>
    /// A read-only view of a list stored in a heap: an array, a List, an ArrayList or another enumerable.
    /// Elements are read on access; nested lists, dictionaries and records come back as views.
    /// Packed arrays of primitives (byte[], int[], double[] ...) copy out in bulk with <see cref="ToArray"/> and <see cref="CopyTo"/>.
    /// </summary>
    /// <remarks>
    /// A list stored from an array is an <see cref="AncientArray"/>, which adds an array's Length, LongLength and Rank: hosts
    /// that reflect over a view's public properties (PowerShell's member access, CSV, Format-List) then see what the
    /// original had, and a List or ArrayList has no Length (in PowerShell, <c>$list.Length</c> of a List enumerates its
    /// elements, of an array it counts).
    /// </remarks>
    public unsafe class AncientList : IList, IReadOnlyList<object>, IAncientNode
    {
        private readonly NodeContext _context;
        private readonly long _offset;
        private readonly int _count;
        private readonly ListNode _slots;
        private readonly byte* _data;
        private readonly byte _elementTag;
        private readonly ushort _code;
        private readonly long _nameOffset;
        private string _typeName;
        private readonly bool _deserialized;
        private string[] _deserializedNames;
        // Each composite element (record, list, dictionary) is projected once per view, so that two reads of one element
        // give the same object, as two reads of an array's element do. Allocated on the first such read.
        private ProjectionCache _projected;

        // The host's object this list was read from (AncientValue.SetProjectionParent); a field, not a property, so
        // that PowerShell does not show it among the list's members.
        internal object ProjectionParent;

        /// <summary>The view of the list node at <paramref name="offset"/>: an <see cref="AncientArray"/> when it was stored from an array.</summary>
        internal static AncientList Open(NodeContext context, long offset, byte kind)
        {
            string name = null;
            if (kind == NodeTags.PackedList)
            {
                ushort packedCode = PackedListNode.Open(context, offset).Code;
                // A packed list is an array or a List<T> of the element type (CollectionTypeName).
                return packedCode == CollectionCodes.PackedArray ? new AncientArray(context, offset, kind, null) : (AncientList)new AncientGenericList(context, offset, kind, null);
            }
            var node = ListNode.Open(context, offset);
            // A list of a .NET object stored through PowerShell is Import-Clixml's copy of it: an ArrayList, whatever it was.
            if (node.IsDeserialized) return new AncientList(context, offset, kind, CollectionCodes.ArrayListName);
            if (node.Code == CollectionCodes.Named)
            {
                var space = context.Space;
                space.EnterRead();
                try { name = context.ReadName(node.NameOffset); }
                finally { space.ExitRead(); }
            }
            bool array = node.Code == CollectionCodes.ObjectArray || (name != null && name.EndsWith("[]", StringComparison.Ordinal));
            if (array) return new AncientArray(context, offset, kind, name);
            string listName = name ?? CollectionCodes.NameOf(node.Code);
            if (listName != null && listName.StartsWith(CollectionCodes.GenericListPrefix, StringComparison.Ordinal))
                return new AncientGenericList(context, offset, kind, name);
            return new AncientList(context, offset, kind, name);
        }

        internal AncientList(NodeContext context, long offset, byte kind, string typeName = null)
        {
            _typeName = typeName;
            _context = context;
            _offset = offset;
            if (kind == NodeTags.PackedList)
            {
                var node = PackedListNode.Open(context, offset);
                _count = node.Count;
                _code = node.Code;
                _elementTag = node.ElementTag;
                _data = node.Data;
            }
            else
            {
                var node = ListNode.Open(context, offset);
                IsShared = node.IsShared;
                _deserialized = node.IsDeserialized;
                _count = node.Count;
                _code = node.Code;
                _nameOffset = node.NameOffset;
                _slots = node;
            }
            Debug.Assert((_elementTag != 0) == (kind == NodeTags.PackedList), "a list is packed exactly when its kind says so");
        }

        // The public properties are a collection's, in an array's order after its Length, LongLength and Rank (which
        // AncientArray adds): SyncRoot, IsReadOnly, IsFixedSize, IsSynchronized, Count. Hosts that list an object's
        // properties (PowerShell's CSV, HTML and Format-List of a list taken as one object) then show what they show for
        // the original. What describes the stored node (heap, key, offset, packing, collection type) is internal:
        // AncientValue.Describe gives it.

        public object SyncRoot => this;
        public bool IsReadOnly => true;
        public bool IsFixedSize => true;
        public bool IsSynchronized => false;

        /// <summary>The number of elements; like every other member, it fails once the heap is dismounted.</summary>
        public int Count
        {
            get
            {
                _context.Space.Heap?.ThrowIfDisposed(); // the verifier reads without a heap handle
                return _count;
            }
        }

        internal int StoredCount => _count;

        MappedHeap IAncientNode.Heap => _context.Space.Heap;
        string IAncientNode.Key => _context.Key;
        long IAncientNode.Offset => _offset;

        /// <summary>True when the elements are stored packed as raw primitives.</summary>
        internal bool IsPacked => _elementTag != 0;

        /// <summary>The element type of a packed list; System.Object otherwise.</summary>
        internal Type ElementType => _elementTag != 0 ? NodeTags.ElementType(_elementTag) : typeof(object);

        /// <summary>The type name of the stored collection, such as "System.Object[]" or "System.Collections.Generic.List`1[System.Int32]".</summary>
        internal string CollectionTypeName
        {
            get
            {
                var name = _typeName;
                if (name != null) return name;
                if (_deserialized) return _typeName = CollectionCodes.ArrayListName;
                if (_elementTag != 0)
                {
                    string element = TypeNames.Of(NodeTags.ElementType(_elementTag));
                    name = _code == CollectionCodes.PackedArray ? element + "[]" : CollectionCodes.GenericListPrefix + element + "]";
                }
                else if (_code != CollectionCodes.Named) name = CollectionCodes.NameOf(_code);
                else
                {
                    var space = _context.Space;
                    space.EnterRead();
                    try { name = _context.ReadName(_nameOffset); }
                    finally { space.ExitRead(); }
                }
                _typeName = name;
                return name;
            }
        }

        /// <summary>
        /// For a list of a .NET object stored through PowerShell (format 1.4), the type names of the collection it was stored
        /// from, most derived first (Import-Clixml's copy is an ArrayList named "Deserialized." and these); null otherwise.
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

        public object this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The list has {_count} elements.");
                // As AncientDictionary.ReadEntry: a walk without a depth limit fails with an exception, not a stack overflow.
                RuntimeHelpers.EnsureSufficientExecutionStack();
                var space = _context.Space;
                space.EnterRead();
                try { return GetCore(index, true); }
                finally { space.ExitRead(); }
            }
            set => throw ViewErrors.ReadOnly();
        }

        /// <summary>
        /// Reads element <paramref name="index"/>; the caller holds a read and has checked the index. A composite element
        /// read by index is held as long as the view (ProjectionCache.Keep).
        /// </summary>
        internal object GetCore(int index, bool project) => GetCore(index, project, false);

        /// <summary>
        /// As <see cref="GetCore(int, bool)"/>; <paramref name="weakly"/>: a composite element met by the view's first
        /// enumeration or search, held only while something else holds it (ProjectionCache.KeepWeakly).
        /// </summary>
        private object GetCore(int index, bool project, bool weakly)
        {
            Debug.Assert((uint)index < (uint)_count, "callers check the index");
            if (_elementTag == 0)
            {
                byte tag = _slots.Tag(index);
                if (!project || !NodeTags.IsComposite(tag)) return _context.ReadSlot(tag, _slots.Payload(index), project);
                var projected = ProjectionCache.For(ref _projected, _count);
                if (weakly)
                    return projected.GetAny(index) ?? projected.KeepWeakly(index, _context.Projection.ReadElement(_context, tag, _slots.Payload(index), ProjectionParent));
                return projected.GetAndHold(index) ?? projected.Keep(index, _context.Projection.ReadElement(_context, tag, _slots.Payload(index), ProjectionParent));
            }
            byte* d = _data;
            switch (_elementTag)
            {
                case NodeTags.Boolean: return d[index] != 0;
                case NodeTags.Char: return ((char*)d)[index];
                case NodeTags.SByte: return ((sbyte*)d)[index];
                case NodeTags.Byte: return d[index];
                case NodeTags.Int16: return ((short*)d)[index];
                case NodeTags.UInt16: return ((ushort*)d)[index];
                case NodeTags.Int32: return ((int*)d)[index];
                case NodeTags.UInt32: return ((uint*)d)[index];
                case NodeTags.Int64: return ((long*)d)[index];
                case NodeTags.UInt64: return ((ulong*)d)[index];
                case NodeTags.Single: return ((float*)d)[index];
                default: return ((double*)d)[index];
            }
        }

        internal byte PackedElementTag => _elementTag;
        internal ushort PackedCode => _code;

        internal void GetSlot(int index, out byte tag, out ulong payload)
        {
            tag = _slots.Tag(index);
            payload = _slots.Payload(index);
        }

        internal void CopyPackedBytes(byte* destination, long bytes)
        {
            var space = _context.Space;
            space.EnterRead();
            try { Buffer.MemoryCopy(_data, destination, bytes, bytes); }
            finally { space.ExitRead(); }
        }

        /// <summary>The elements without projection, for copying into a heap.</summary>
        internal IReadOnlyList<object> RawItems() => new RawView(this);

        /// <summary>Copies the elements out: a typed array (byte[], int[], double[] ...) for a packed list, an object[] otherwise.</summary>
        public Array ToArray()
        {
            Array result = _elementTag != 0 ? Array.CreateInstance(NodeTags.ElementType(_elementTag), _count) : new object[_count];
            CopyTo(result, 0);
            return result;
        }

        /// <summary>Copies the elements into <paramref name="array"/> from <paramref name="index"/>; in bulk when the list is packed and the array's element type matches.</summary>
        public void CopyTo(Array array, int index)
        {
            if (array == null) throw new ArgumentNullException(nameof(array));
            if (array.Rank != 1) throw new ArgumentException("The array must have one dimension.", nameof(array));
            if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "The index cannot be negative.");
            if (array.Length - index < _count) throw new ArgumentException("The array is too short for the list.", nameof(array));
            var space = _context.Space;
            space.EnterRead();
            try
            {
                if (_elementTag != 0 && array.GetType().GetElementType() == NodeTags.ElementType(_elementTag) && array.GetLowerBound(0) == 0)
                {
                    if (_count == 0) return;
                    int size = NodeTags.ElementSize(_elementTag);
                    long bytes = PackedListNode.DataBytes(_elementTag, _count);
                    var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
                    try
                    {
                        byte* dest = (byte*)handle.AddrOfPinnedObject() + (long)index * size;
                        if (_elementTag == NodeTags.Boolean)
                            for (int i = 0; i < _count; i++) dest[i] = _data[i] != 0 ? (byte)1 : (byte)0;
                        else
                            Buffer.MemoryCopy(_data, dest, bytes, bytes);
                    }
                    finally { handle.Free(); }
                    return;
                }
                bool weakly = FirstPass();
                if (array is object[] objects)
                {
                    for (int i = 0; i < _count; i++) objects[index + i] = GetCore(i, true, weakly);
                    return;
                }
                for (int i = 0; i < _count; i++) array.SetValue(GetCore(i, true, weakly), index + i);
            }
            finally { space.ExitRead(); }
        }

        public bool Contains(object value) => IndexOf(value) >= 0;

        public int IndexOf(object value)
        {
            var space = _context.Space;
            space.EnterRead();
            try
            {
                bool weakly = FirstPass();
                for (int i = 0; i < _count; i++)
                    if (Equals(GetCore(i, true, weakly), value)) return i;
                return -1;
            }
            finally { space.ExitRead(); }
        }

        public int Add(object value) => throw ViewErrors.ReadOnly();
        public void Clear() => throw ViewErrors.ReadOnly();
        public void Insert(int index, object value) => throw ViewErrors.ReadOnly();
        public void Remove(object value) => throw ViewErrors.ReadOnly();
        public void RemoveAt(int index) => throw ViewErrors.ReadOnly();

        public IEnumerator<object> GetEnumerator() => new Enumerator(this);
        IEnumerator IEnumerable.GetEnumerator() => new Enumerator(this);

        /// <summary>Two views of the same stored node in the same snapshot are equal.</summary>
        public override bool Equals(object obj) => obj is AncientList other && other._offset == _offset && ReferenceEquals(other._context.Space, _context.Space);

        public override int GetHashCode() => _offset.GetHashCode() ^ RuntimeHelpers.GetHashCode(_context.Space);

        /// <summary>The stored collection type name, as the original array's or list's ToString() gives.</summary>
        public override string ToString() => CollectionTypeName;

        internal NodeContext Context => _context;

        /// <summary>True when the list is referred to more than once in its value (format 1.3; never for a packed list).</summary>
        internal bool IsShared { get; }
        internal long NodeOffset => _offset;

        // 0 until the view's first enumeration or search (CopyTo, IndexOf) starts, then 1.
        private int _passes;

        /// <summary>
        /// True for the view's first enumeration or search, which holds what it projects only while something else does;
        /// false for every later one, which holds its elements as index reads do: a script that goes over the view again
        /// (queries on a list kept in a variable) keeps its records, and later passes are fast.
        /// </summary>
        private bool FirstPass() => Volatile.Read(ref _passes) == 0 && Interlocked.CompareExchange(ref _passes, 1, 0) == 0;

        /// <summary>Reads element <paramref name="index"/> for an enumeration (see <see cref="GetCore(int, bool, bool)"/>).</summary>
        private object ReadEnumerated(int index, bool weakly)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            var space = _context.Space;
            space.EnterRead();
            try { return GetCore(index, true, weakly); }
            finally { space.ExitRead(); }
        }

        /// <summary>
        /// Holds element <paramref name="index"/>, which an enumeration gave out as <paramref name="given"/>, as long as the
        /// view when the host finds it changed since it was read (a member added while the script had it in hand).
        /// </summary>
        private void HoldIfChanged(int index, object given)
        {
            if (given == null || _elementTag != 0 || !_context.Projection.ShouldKeep(given)) return;
            var projected = Volatile.Read(ref _projected);
            if (projected != null && ReferenceEquals(projected.GetAny(index), given)) projected.Keep(index, given);
        }

        private sealed class Enumerator : IEnumerator<object>
        {
            private readonly AncientList _list;
            private readonly bool _weakly;
            private int _index = -1;

            public Enumerator(AncientList list)
            {
                _list = list;
                _weakly = list.FirstPass();
            }

            public object Current { get; private set; }

            public bool MoveNext()
            {
                // The element given last has been the script's to change (foreach's body, the rest of the pipeline).
                if (_weakly && _index >= 0 && _index < _list._count) _list.HoldIfChanged(_index, Current);
                if (_index + 1 >= _list._count)
                {
                    _index = _list._count;
                    Current = null;
                    return false;
                }
                _index++;
                Current = _list.ReadEnumerated(_index, _weakly);
                return true;
            }

            public void Reset()
            {
                _index = -1;
                Current = null;
            }

            public void Dispose()
            {
                // A loop left early (break, Select-Object -First): the element it stopped on.
                if (_weakly && _index >= 0 && _index < _list._count) _list.HoldIfChanged(_index, Current);
            }
        }

        private sealed class RawView : IReadOnlyList<object>
        {
            private readonly AncientList _list;
            public RawView(AncientList list) { _list = list; }

            public object this[int index]
            {
                get
                {
                    if ((uint)index >= (uint)_list._count) throw new ArgumentOutOfRangeException(nameof(index));
                    var space = _list._context.Space;
                    space.EnterRead();
                    try { return _list._elementTag != 0 ? _list.GetCore(index, false) : _list._context.ReadSlotForCopy(_list._slots.Tag(index), _list._slots.Payload(index)); }
                    finally { space.ExitRead(); }
                }
            }

            public int Count => _list._count;
            public IEnumerator<object> GetEnumerator() { for (int i = 0; i < Count; i++) yield return this[i]; }
            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
