using System;
using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The committed data area as a node space that can record every range the decoders read: the union of those ranges,
    /// each widened to 8-byte boundaries, is the bytes of the nodes read (every decoder reads its whole node). An update
    /// in place measures with it what a replaced element occupied; the verifier measures a value's reachable bytes.
    /// </summary>
    internal sealed unsafe class MeasuredSpace : INodeSpace
    {
        private readonly BoundedSpace _space;
        private readonly List<KeyValuePair<long, long>> _touched;

        public MeasuredSpace(BoundedSpace space, bool measure)
        {
            _space = space;
            if (measure) _touched = new List<KeyValuePair<long, long>>();
        }

        public MappedHeap Heap => null;

        public byte* Pointer(long offset, long length)
        {
            byte* p = _space.At(offset, length);
            _touched?.Add(new KeyValuePair<long, long>(offset, offset + length));
            return p;
        }

        public void EnterRead() { }
        public void ExitRead() { }

        /// <summary>The bytes of the union of the ranges read so far, each widened to 8-byte boundaries.</summary>
        public long Bytes => UnionBytes(_touched);

        /// <summary>The size of the union of (start, end) ranges, each widened to 8-byte boundaries.</summary>
        public static long UnionBytes(List<KeyValuePair<long, long>> ranges)
        {
            if (ranges == null || ranges.Count == 0) return 0;
            ranges.Sort((a, b) => a.Key.CompareTo(b.Key));
            long total = 0, start = -1, end = -1;
            foreach (var r in ranges)
            {
                long s = r.Key & ~7L, e = HeapLayout.Align(r.Value);
                if (e <= s) continue;
                if (s > end)
                {
                    total += end - start;
                    start = s;
                    end = e;
                }
                else end = Math.Max(end, e);
            }
            return total + (end - start);
        }
    }
}
