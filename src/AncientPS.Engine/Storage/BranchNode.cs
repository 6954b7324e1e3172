namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// A branch of the key directory (docs/format.md, "Branch node"): a 32-bit bitmap of the children present, then the
    /// children's offsets in bit order. Reads go through a <see cref="BoundedSpace"/>, so a hostile offset or count fails
    /// cleanly; writes go to a block the writer has just allocated.
    /// </summary>
    internal static unsafe class BranchNode
    {
        public const int KindField = 0;
        public const int ReservedField = 1;
        public const int ReservedSize = 3;
        public const int BitmapField = 4;
        public const int BornField = 8;
        public const int ChildrenField = 16;
        public const int ChildSize = 8;
        /// <summary>The bytes before the children.</summary>
        public const int HeaderSize = ChildrenField;

        public static long SizeFor(int children) => HeaderSize + (long)ChildSize * children;

        public static int PopCount(uint x)
        {
            x -= (x >> 1) & 0x55555555u;
            x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
            return (int)((((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24);
        }

        /// <summary>The position among the children of the child for bit <paramref name="bit"/> (a single set bit).</summary>
        public static int PositionOf(uint bitmap, uint bit) => PopCount(bitmap & (bit - 1));

        public static uint BitmapOf(byte* node) => *(uint*)(node + BitmapField);

        public static long BornOf(byte* node) => *(long*)(node + BornField);

        /// <summary>The header of the branch at <paramref name="offset"/>, bounds-checked.</summary>
        public static byte* HeaderAt(BoundedSpace space, long offset) => space.At(offset, HeaderSize);

        /// <summary>The children of the branch at <paramref name="offset"/>, bounds-checked for <paramref name="count"/> of them.</summary>
        public static long* ChildrenAt(BoundedSpace space, long offset, int count) => (long*)space.At(offset + ChildrenField, (long)ChildSize * count);

        public static long ChildAt(BoundedSpace space, long offset, int position) => *(long*)space.At(offset + ChildrenField + (long)ChildSize * position, ChildSize);

        /// <summary>The children of a branch in a block being written.</summary>
        public static long* Children(byte* node) => (long*)(node + ChildrenField);

        /// <summary>Writes the header of a new branch into a zeroed block of <see cref="SizeFor"/> bytes; the caller fills the children.</summary>
        public static void WriteHeader(byte* node, uint bitmap, long born)
        {
            node[KindField] = HeapLayout.KindBranch;
            for (int i = 0; i < ReservedSize; i++) node[ReservedField + i] = 0;
            *(uint*)(node + BitmapField) = bitmap;
            *(long*)(node + BornField) = born;
        }
    }
}
