using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The ranges a value's nodes occupy, so that Remove can free them, with a checksum over their bytes (docs/format.md,
    /// "Extent list"). Reads through a <see cref="BoundedSpace"/> check every offset; the byte-pointer accessors read a
    /// list whose bytes the caller has bounds-checked.
    /// </summary>
    internal static unsafe partial class ExtentList
    {
        public const int KindField = 0;
        public const int CountField = 4;
        public const int BornField = 8;
        public const int ValueChecksumField = 16;
        public const int ExtentsField = 24;
        /// <summary>The bytes before the extents.</summary>
        public const int HeaderSize = ExtentsField;
        public const int EntrySize = 16;
        /// <summary>Within one extent: its offset, then its length.</summary>
        public const int EntryOffsetField = 0;
        public const int EntryLengthField = 8;

        public static long SizeFor(long count) => HeaderSize + count * EntrySize;

        public static long CountOf(byte* list) => *(uint*)(list + CountField);
        public static long BornOf(byte* list) => *(long*)(list + BornField);
        public static ulong ValueChecksumOf(byte* list) => *(ulong*)(list + ValueChecksumField);

        /// <summary>Extent <paramref name="i"/> of a list whose <see cref="SizeFor"/> bytes the caller has bounds-checked.</summary>
        public static void ExtentOf(byte* list, long i, out long extentOffset, out long extentLength)
        {
            byte* e = list + HeaderSize + i * EntrySize;
            extentOffset = *(long*)(e + EntryOffsetField);
            extentLength = *(long*)(e + EntryLengthField);
        }

        /// <summary>The count of the list at <paramref name="offset"/>, after checking its kind and that all its extents lie inside the space.</summary>
        public static int CountAt(BoundedSpace space, long offset, out long born)
        {
            if (!IsAligned(offset)) throw new AncientHeapCorruptException($"The extent list offset {offset} is not {HeapLayout.Alignment}-aligned.");
            byte* p = space.At(offset, HeaderSize);
            if (!IsExtentList(p[KindField])) throw new AncientHeapCorruptException($"Expected an extent list at offset {offset}.");
            long count = CountOf(p);
            born = BornOf(p);
            space.At(offset, SizeOf(p[KindField], (int)System.Math.Min(count, int.MaxValue / UpdatedEntrySize)));
            return (int)count;
        }

        /// <summary>Either kind of extent list: as a full write leaves it (0xD1) or as an update in place leaves it (0xD2).</summary>
        public static bool IsExtentList(byte kind) => kind == HeapLayout.KindExtents || kind == HeapLayout.KindUpdatedExtents;

        /// <summary>The bytes of a list of <paramref name="count"/> extents of the given kind.</summary>
        public static long SizeOf(byte kind, long count) => kind == HeapLayout.KindUpdatedExtents ? UpdatedSizeFor(count) : SizeFor(count);

        /// <summary>The txn from which every extent's bytes have been visible: the list's own for 0xD1, its origin field for 0xD2.</summary>
        public static long OriginAt(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, UpdatedHeaderSize);
            return p[KindField] == HeapLayout.KindUpdatedExtents ? *(long*)(p + OriginField) : BornOf(p);
        }

        public static void Read(BoundedSpace space, long offset, int i, out long extentOffset, out long extentLength)
        {
            bool updated = space.At(offset, HeaderSize)[KindField] == HeapLayout.KindUpdatedExtents;
            byte* e = updated
                ? space.At(offset + UpdatedHeaderSize + (long)i * UpdatedEntrySize, UpdatedEntrySize)
                : space.At(offset + HeaderSize + (long)i * EntrySize, EntrySize);
            extentOffset = *(long*)(e + EntryOffsetField);
            extentLength = *(long*)(e + EntryLengthField);
            if (!space.Contains(extentOffset, extentLength))
                throw new AncientHeapCorruptException($"Extent {i} of the list at offset {offset} points outside the heap.");
            // Extents are freed when their value is replaced or removed: an unaligned one would put an unaligned range in
            // the free table, and later nodes at offsets no reader expects.
            if (!IsAligned(extentOffset))
                throw new AncientHeapCorruptException($"Extent {i} of the list at offset {offset} starts at {extentOffset}, which is not {HeapLayout.Alignment}-aligned.");
        }

        internal static bool IsAligned(long offset) => (offset & (HeapLayout.Alignment - 1)) == 0;

        /// <summary>The value checksum of a 0xD1 list; 0 for a 0xD2 list, whose extents carry their own checksums.</summary>
        public static ulong ValueChecksumAt(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, HeaderSize);
            return p[KindField] == HeapLayout.KindUpdatedExtents ? 0 : ValueChecksumOf(p);
        }

        /// <summary>
        /// Writes the list of <paramref name="extents"/> (offset, length; ascending) into a zeroed block of
        /// <see cref="SizeFor"/> bytes, with the checksum over the extents' bytes in <paramref name="memory"/>.
        /// Returns the bytes the extents take.
        /// </summary>
        public static long Write(byte* list, List<KeyValuePair<long, long>> extents, long born, HeapMemory memory)
        {
            list[KindField] = HeapLayout.KindExtents;
            *(uint*)(list + CountField) = (uint)extents.Count;
            *(long*)(list + BornField) = born;
            ulong checksum = 0;
            long bytes = 0;
            for (int i = 0; i < extents.Count; i++)
            {
                System.Diagnostics.Debug.Assert(i == 0 || extents[i - 1].Key + extents[i - 1].Value <= extents[i].Key, "Extents are ascending and do not overlap.");
                byte* e = list + HeaderSize + (long)i * EntrySize;
                *(long*)(e + EntryOffsetField) = extents[i].Key;
                *(long*)(e + EntryLengthField) = extents[i].Value;
                checksum = Checksum64.Compute(memory.Pointer(extents[i].Key, extents[i].Value), extents[i].Value, checksum);
                bytes += extents[i].Value;
            }
            *(ulong*)(list + ValueChecksumField) = checksum;
            return bytes;
        }
    }
}
