namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// Where the parts of a heap file lie and the rules every node follows (docs/format.md, "File layout"). The fields of
    /// each structure are defined by its own type: <see cref="FileHeader"/>, <see cref="MetaPage"/>, <see cref="ReaderSlot"/>,
    /// <see cref="BranchNode"/>, <see cref="CollisionNode"/>, <see cref="KeyEntry"/>, <see cref="ExtentList"/>, <see cref="FreeTable"/>.
    /// </summary>
    internal static class HeapLayout
    {
        public const ushort MajorVersion = 1;
        public const ushort MinorVersion = 7;

        /// <summary>The header page: the file header, then the two meta slots.</summary>
        public const int HeaderSize = 4096;
        public static readonly int[] MetaOffsets = { 512, 1024 };

        public const int ReaderSlotCount = 256;
        public const long ReaderTableOffset = HeaderSize;
        public const long DataStart = ReaderTableOffset + ReaderSlot.Size * ReaderSlotCount;

        /// <summary>Every node starts at a multiple of this.</summary>
        public const int Alignment = 8;

        /// <summary>The byte beyond any real file size that writers lock to exclude one another.</summary>
        public const long WriterLockOffset = 0x7FFF_FFFF_0000_0000;

        public static long Align(long n) => (n + (Alignment - 1)) & ~(long)(Alignment - 1);

        /// <summary>
        /// The block size a directory node, key entry or extent list of <paramref name="size"/> bytes occupies: powers of
        /// two from 32 to 4096, so that the hole a replaced node leaves fits the node that replaces it.
        /// </summary>
        public static long NodeClass(long size)
        {
            if (size > 4096) return Align(size);
            long c = 32;
            while (c < size) c <<= 1;
            return c;
        }

        // Node kinds owned by the storage layer (the first byte of the node). Value nodes use kinds below 0xA0.
        public const byte KindBranch = 0xB1;
        public const byte KindEntry = 0xE1;
        public const byte KindCollision = 0xC1;
        public const byte KindExtents = 0xD1;
        /// <summary>An extent list written by an update in place (format 1.2): per-extent checksums, origin and garbage.</summary>
        public const byte KindUpdatedExtents = 0xD2;
        public const byte KindFreeTable = 0xF1;
    }
}
