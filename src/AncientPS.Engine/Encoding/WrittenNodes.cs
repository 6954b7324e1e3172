using System;
using System.Runtime.CompilerServices;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The slot each object of a write was stored as, by reference identity (<see cref="ReferenceIdentity"/>), so that a
    /// shared object or a cycle is written once and every other reference points at the same node.
    /// </summary>
    /// <remarks>
    /// Every record, list and long string of a write is looked up here and then added, so this table is on the hottest
    /// path of Set (a quarter of it with a Dictionary and a comparer called through an interface). It is an
    /// open-addressing table with linear probing: the key and its slot side by side in one entry (one cache line per
    /// lookup, and the add that follows a missed lookup finds the same line), the tag packed into the top byte of the
    /// node's offset, the hash spread by Fibonacci hashing, at most half full.
    /// </remarks>
    internal sealed unsafe class WrittenNodes
    {
        // The map grows by doubling, and at 100,000 records its growth was half of what a write allocated (and a write
        // of 1,000,000 records cost more per record than one of 100,000). Once the first element of a long root list is
        // written, the map is sized for all of them at that rate (up to a bound), so it is allocated once.
        private const int SizingMinimumCount = 4096;
        private const int SizingLimit = 1 << 21;
        private const int InitialCapacity = 64;

        // Offsets of nodes lie below 2^56 (RecordNode.CanReach), so the tag fits in the top byte.
        private const int TagShift = 56;
        private const ulong OffsetMask = (1UL << TagShift) - 1;

        private struct Entry
        {
            public object Key;
            public ulong Slot; // tag << 56 | payload
        }

        private Entry[] _entries = new Entry[InitialCapacity];
        private int _mask = InitialCapacity - 1;
        private int _shift = 64 - 6;
        private int _count;
        private bool _sized;

        public int Count => _count;

        public bool TryGet(object value, byte* tag, ulong* payload)
        {
            bool view = IsView(value);
            var entries = _entries;
            int mask = _mask;
            int i = IndexOf(value, view);
            while (true)
            {
                object key = entries[i].Key;
                if (key == null) return false;
                if (ReferenceEquals(key, value) || (view && value.Equals(key)))
                {
                    ulong slot = entries[i].Slot;
                    *tag = (byte)(slot >> TagShift);
                    *payload = slot & OffsetMask;
                    return true;
                }
                i = (i + 1) & mask;
            }
        }

        public void Add(object value, byte tag, ulong payload)
        {
            if (payload > OffsetMask) throw new InvalidOperationException($"A node offset of {payload} lies beyond what a write can refer to.");
            if (2 * (_count + 1) > _entries.Length) Resize(2 * _entries.Length);
            Insert(value, IsView(value), ((ulong)tag << TagShift) | payload);
        }

        private void Insert(object value, bool view, ulong slot)
        {
            var entries = _entries;
            int mask = _mask;
            int i = IndexOf(value, view);
            while (true)
            {
                object key = entries[i].Key;
                if (key == null)
                {
                    entries[i].Key = value;
                    entries[i].Slot = slot;
                    _count++;
                    return;
                }
                if (ReferenceEquals(key, value) || (view && value.Equals(key)))
                {
                    entries[i].Slot = slot;
                    return;
                }
                i = (i + 1) & mask;
            }
        }

        /// <summary>Two views of one stored node are one object (so copying keeps sharing): their own equality and hash.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsView(object value) => value is AncientList || value is AncientRecord || value is AncientDictionary;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int IndexOf(object value, bool view)
        {
            uint hash = (uint)(view ? value.GetHashCode() : RuntimeHelpers.GetHashCode(value));
            return (int)((hash * 0x9E3779B97F4A7C15UL) >> _shift);
        }

        private void Resize(int capacity)
        {
            var old = _entries;
            _entries = new Entry[capacity];
            _mask = capacity - 1;
            int log = 0;
            while ((1 << log) < capacity) log++;
            _shift = 64 - log;
            _count = 0;
            for (int i = 0; i < old.Length; i++)
                if (old[i].Key != null) Insert(old[i].Key, IsView(old[i].Key), old[i].Slot);
        }

        /// <summary>Called once the first of <paramref name="elements"/> root elements is written: sizes the map for all of them.</summary>
        public void SizeFor(int elements)
        {
            if (_sized) return;
            _sized = true;
            if (elements < SizingMinimumCount || _count == 0) return;
            long expected = Math.Min((long)_count * elements + (elements >> 3), SizingLimit);
            if (expected <= _count * 2L) return;
            int capacity = _entries.Length;
            while (capacity < 2 * expected) capacity *= 2;
            if (capacity > _entries.Length) Resize(capacity);
        }
    }
}
