using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The allocation side of one write. Small nodes are bump-allocated from runs of free space; large ones get a block
    /// of their own. While a value is being encoded, the ranges it takes are recorded so that they can be freed later.
    /// Nothing here is visible to readers until the heap core publishes a new meta page.
    /// </summary>
    internal sealed unsafe class WriteTransaction : INodeAllocator
    {
        private const long RunSize = 64 * 1024;
        private const long LargeNode = RunSize / 4;

        private readonly HeapMemory _memory;
        private readonly FreeSpace _free;
        private readonly long _maximumSize;
        /// <summary>
        /// Bytes at and past this offset are known to be zero: they lie beyond the storage as it was when the transaction
        /// began and no block of this transaction has reached them. (Space this transaction took and freed again, such as a
        /// value SetMany replaced under the same key, is below it and is zeroed when it is taken once more.)
        /// </summary>
        private long _cleanFrom;
        private readonly List<KeyValuePair<long, long>> _valueExtents = new List<KeyValuePair<long, long>>();

        private long _cursor, _runEnd;
        private long _runSize = RunSize;
        private bool _recording;
        private long _segmentStart;

        public WriteTransaction(HeapMemory memory, FreeSpace free, long transactionId, long maximumSize)
        {
            _memory = memory;
            _free = free;
            TransactionId = transactionId;
            _maximumSize = maximumSize;
            _cleanFrom = memory.StorageLength;
        }

        public long TransactionId { get; }
        public FreeSpace Free => _free;

        public long Allocate(long size, out byte* pointer) => Take(size, 0, out pointer);

        /// <summary>
        /// Like <see cref="Allocate"/>, for a node whose first <paramref name="filled"/> bytes the caller overwrites in full
        /// at once (a packed array's header and elements): reused space is zeroed only past them, so a large block is not
        /// cleared just to be copied over. The padding up to the aligned size is zeroed as usual.
        /// </summary>
        public long AllocateFilled(long size, long filled, out byte* pointer) => Take(size, filled, out pointer);

        /// <summary>
        /// Allocates a directory node, key entry or extent list: best fit from the free space, so that the holes left by
        /// the nodes a write replaces are filled by the nodes the next write creates.
        /// </summary>
        public long AllocateNode(long size, out byte* pointer)
        {
            if (_recording) throw new InvalidOperationException("Directory nodes cannot be allocated while a value is being written.");
            return TakeBlock(HeapLayout.NodeClass(size), out pointer);
        }

        /// <summary>
        /// Starts the runs of the value about to be written small (4 KiB, doubling up to 64 KiB): an update in place
        /// writes one element, and a 64 KiB run per update would leave a hole too small for the next run each time.
        /// </summary>
        public void StartWithSmallRuns() => _runSize = SmallRun;

        private const long SmallRun = 4096;

        public void BeginValue()
        {
            _valueExtents.Clear();
            _recording = true;
            _segmentStart = _cursor;
        }

        /// <summary>Ends the value and returns the ranges it occupies, merged where they touch.</summary>
        public List<KeyValuePair<long, long>> EndValue()
        {
            CloseSegment();
            _recording = false;
            _valueExtents.Sort((a, b) => a.Key.CompareTo(b.Key));
            var merged = new List<KeyValuePair<long, long>>();
            foreach (var e in _valueExtents)
            {
                if (merged.Count > 0 && merged[merged.Count - 1].Key + merged[merged.Count - 1].Value == e.Key)
                    merged[merged.Count - 1] = new KeyValuePair<long, long>(merged[merged.Count - 1].Key, merged[merged.Count - 1].Value + e.Value);
                else
                    merged.Add(e);
            }
            return merged;
        }

        private void CloseSegment()
        {
            if (_recording && _cursor > _segmentStart)
                _valueExtents.Add(new KeyValuePair<long, long>(_segmentStart, _cursor - _segmentStart));
            _segmentStart = _cursor;
        }

        private long Take(long size, long filled, out byte* pointer)
        {
            if (size < 0) throw new ArgumentOutOfRangeException(nameof(size));
            size = HeapLayout.Align(Math.Max(size, HeapLayout.Alignment));
            long offset;
            if (_cursor + size <= _runEnd)
            {
                offset = _cursor;
                _cursor += size;
                pointer = _memory.Pointer(offset, size);
                return offset;
            }
            if (size > LargeNode)
            {
                offset = TakeBlock(size, filled, out pointer);
                if (_recording) _valueExtents.Add(new KeyValuePair<long, long>(offset, size));
                return offset;
            }
            CloseRun();
            long run = Math.Max(_runSize, size);
            long start = TakeBlock(run, out _);
            _cursor = start;
            _runEnd = start + run;
            _runSize = Math.Min(_runSize * 2, RunSize);
            _segmentStart = start;
            offset = _cursor;
            _cursor += size;
            pointer = _memory.Pointer(offset, size);
            return offset;
        }

        public byte* PointerTo(long offset, long length) => _memory.Pointer(offset, length);

        /// <summary>Takes a block from the free space (or the tail, growing the storage) and zeroes what of it is not known to be zero.</summary>
        public long TakeBlock(long size, out byte* pointer) => TakeBlock(size, 0, out pointer);

        /// <summary>As <see cref="TakeBlock(long, out byte*)"/>, but leaves the first <paramref name="filled"/> bytes for the caller to overwrite.</summary>
        private long TakeBlock(long size, long filled, out byte* pointer)
        {
            long offset = _free.Allocate(size);
            Debug.Assert((offset & (HeapLayout.Alignment - 1)) == 0 && offset >= HeapLayout.DataStart, "Blocks start at aligned offsets of the data area.");
            EnsureStorage(_free.Tail);
            pointer = _memory.Pointer(offset, size);
            long skip = Math.Min(Math.Max(filled, 0), size);
            long dirtyEnd = Math.Min(size, _cleanFrom - offset);
            if (dirtyEnd > skip) Zero(pointer + skip, dirtyEnd - skip);
            if (offset + size > _cleanFrom) _cleanFrom = offset + size;
            return offset;
        }

        private static readonly byte[] s_zeros = new byte[64 * 1024];

        /// <summary>Clears reused space by copying from a zero block, which runs at memcpy speed.</summary>
        private static void Zero(byte* p, long size)
        {
            fixed (byte* zeros = s_zeros)
            {
                while (size > 0)
                {
                    long n = Math.Min(size, s_zeros.Length);
                    Buffer.MemoryCopy(zeros, p, n, n);
                    p += n;
                    size -= n;
                }
            }
        }

        private void EnsureStorage(long needed)
        {
            if (_maximumSize > 0 && needed > _maximumSize)
                throw new AncientHeapFullException(
                    $"The heap is full: this write needs {needed} bytes and the heap may grow to {_maximumSize}. Remove values, or mount it with a larger -MaximumSize.",
                    _maximumSize, needed);
            long have = _memory.StorageLength;
            if (needed <= have) return;
            long grown = GrowthPolicy.GrownLength(have, needed, _maximumSize);
            try
            {
                _memory.Grow(grown);
            }
            catch (AncientHeapDiskFullException) when (grown > needed)
            {
                // No room for the growth ahead of need: take just what this write needs, if that much is there.
                _memory.Grow(needed);
            }
        }

        /// <summary>Gives the unused end of the current run back to the free space.</summary>
        public void CloseRun()
        {
            CloseSegment();
            if (_runEnd > _cursor) _free.Free(_cursor, _runEnd - _cursor, TransactionId, TransactionId);
            _cursor = _runEnd = 0;
            _segmentStart = 0;
        }
    }
}
