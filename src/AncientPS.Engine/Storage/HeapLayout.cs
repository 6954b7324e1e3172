namespace AncientPS.Engine.Storage
{
    /// <summary>Fixed positions and sizes of the file format (docs/format.md is the reference).</summary>
    internal static class HeapLayout
    {
        /// <summary>"AncientPSHeap" NUL CR LF: the NUL stops text tools, the CR LF catches newline translation.</summary>
        public static readonly byte[] Magic = { 0x41, 0x6E, 0x63, 0x69, 0x65, 0x6E, 0x74, 0x50, 0x53, 0x48, 0x65, 0x61, 0x70, 0x00, 0x0D, 0x0A };

        public const ushort MajorVersion = 1;
        public const ushort MinorVersion = 1;

        public const int HeaderSize = 4096;
        public const int HeaderChecksumOffset = 120;
        public const int HeaderChecksummedBytes = 120;

        /// <summary>A live word outside the checksummed header: the highest 'died' txn of any range made reusable.</summary>
        public const int ReuseHorizonOffset = 128;

        public const int MetaSize = 128;
        public const int MetaChecksumOffset = 120;
        public static readonly int[] MetaOffsets = { 512, 1024 };

        public const int ReaderSlotSize = 64;
        public const int ReaderSlotCount = 256;
        public const long ReaderTableOffset = HeaderSize;
        public const long DataStart = ReaderTableOffset + ReaderSlotSize * ReaderSlotCount;

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
        public const byte KindFreeTable = 0xF1;
    }
}
