using System;
using System.Collections.Generic;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The slot each object of a write was stored as, by reference identity (<see cref="ReferenceIdentity"/>), so that a
    /// shared object or a cycle is written once and every other reference points at the same node.
    /// </summary>
    internal sealed unsafe class WrittenNodes
    {
        // The map grows by doubling, and at 100,000 records its growth was half of what a write allocated (and a write
        // of 1,000,000 records cost more per record than one of 100,000). Once the first element of a long root list is
        // written, the map is sized for all of them at that rate (up to a bound), so it is allocated once.
        private const int SizingMinimumCount = 4096;
        private const int SizingLimit = 1 << 21;

        private struct Slot
        {
            public byte Tag;
            public ulong Payload;
        }

        private Dictionary<object, Slot> _slots = new Dictionary<object, Slot>(ReferenceIdentity.Instance);
        private bool _sized;

        public bool TryGet(object value, byte* tag, ulong* payload)
        {
            if (!_slots.TryGetValue(value, out var known)) return false;
            *tag = known.Tag;
            *payload = known.Payload;
            return true;
        }

        public void Add(object value, byte tag, ulong payload) => _slots[value] = new Slot { Tag = tag, Payload = payload };

        /// <summary>Called once the first of <paramref name="elements"/> root elements is written: sizes the map for all of them.</summary>
        public void SizeFor(int elements)
        {
            if (_sized) return;
            _sized = true;
            if (elements < SizingMinimumCount || _slots.Count == 0) return;
            long expected = Math.Min((long)_slots.Count * elements + (elements >> 3), SizingLimit);
            if (expected <= _slots.Count * 2L) return;
            var sized = new Dictionary<object, Slot>((int)expected, ReferenceIdentity.Instance);
            foreach (var entry in _slots) sized.Add(entry.Key, entry.Value);
            _slots = sized;
        }
    }
}
