namespace AncientPS.Engine.Storage
{
    /// <summary>The data area of one committed state, with every access bounds-checked in 64-bit arithmetic.</summary>
    internal readonly unsafe struct BoundedSpace
    {
        public BoundedSpace(HeapMemory memory, long committedSize)
        {
            Memory = memory;
            CommittedSize = committedSize;
        }

        public HeapMemory Memory { get; }
        public long CommittedSize { get; }

        public bool Contains(long offset, long length)
            => offset >= HeapLayout.DataStart && length >= 0 && offset <= CommittedSize - length;

        public byte* At(long offset, long length)
        {
            if (!Contains(offset, length))
                throw new AncientHeapCorruptException($"A reference to bytes {offset}..{offset + length} points outside the heap's data ({HeapLayout.DataStart}..{CommittedSize}).");
            return Memory.Pointer(offset, length);
        }
    }
}
