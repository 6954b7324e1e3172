namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// A collision node of the key directory (docs/format.md, "Collision node"): the entries whose 64-bit hashes are
    /// equal. Reads go through a <see cref="BoundedSpace"/>; writes go to a block the writer has just allocated.
    /// </summary>
    internal static unsafe class CollisionNode
    {
        public const int KindField = 0;
        public const int CountField = 4;
        public const int BornField = 8;
        public const int EntriesField = 16;
        public const int EntrySize = 8;
        /// <summary>The bytes before the entries.</summary>
        public const int HeaderSize = EntriesField;

        public static long SizeFor(long count) => HeaderSize + EntrySize * count;

        public static long CountOf(byte* node) => *(uint*)(node + CountField);

        public static long BornOf(byte* node) => *(long*)(node + BornField);

        /// <summary>The header of the collision node at <paramref name="offset"/>, bounds-checked.</summary>
        public static byte* HeaderAt(BoundedSpace space, long offset) => space.At(offset, HeaderSize);

        /// <summary>The entry count of the node at <paramref name="offset"/>, after checking that all its entries lie inside the space.</summary>
        public static int CountAt(BoundedSpace space, long offset)
        {
            long count = CountOf(HeaderAt(space, offset));
            space.At(offset, SizeFor(count));
            return (int)count;
        }

        public static long EntryAt(BoundedSpace space, long offset, int i) => *(long*)space.At(offset + EntriesField + (long)EntrySize * i, EntrySize);

        /// <summary>The entries of a node, in a block the caller has bounds-checked for <see cref="SizeFor"/> bytes.</summary>
        public static long* Entries(byte* node) => (long*)(node + EntriesField);

        /// <summary>Writes a whole collision node into a zeroed block of <see cref="SizeFor"/> bytes.</summary>
        public static void Write(byte* node, System.Collections.Generic.List<long> entries, long born)
        {
            node[KindField] = HeapLayout.KindCollision;
            *(uint*)(node + CountField) = (uint)entries.Count;
            *(long*)(node + BornField) = born;
            long* e = Entries(node);
            for (int i = 0; i < entries.Count; i++) e[i] = entries[i];
        }
    }
}
