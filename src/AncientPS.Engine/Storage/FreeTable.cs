using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The committed free table (docs/format.md, "Free table"): a header, then one (offset, length, born, died) record per
    /// free range. Every commit writes it anew; <see cref="FreeSpace"/> is its in-memory form.
    /// </summary>
    internal static unsafe class FreeTable
    {
        public const int KindField = 0;
        public const int CountField = 4;
        public const int BornField = 8;
        public const int EntriesField = 16;
        /// <summary>The bytes before the ranges.</summary>
        public const int HeaderSize = EntriesField;
        public const int EntrySize = 32;
        /// <summary>Within one range record.</summary>
        public const int EntryOffsetField = 0;
        public const int EntryLengthField = 8;
        public const int EntryBornField = 16;
        public const int EntryDiedField = 24;

        public static long SizeFor(long count) => HeaderSize + count * EntrySize;

        public static long CountOf(byte* table) => *(uint*)(table + CountField);
        public static long BornOf(byte* table) => *(long*)(table + BornField);

        /// <summary>The transaction that wrote the table at <paramref name="offset"/>, bounds-checked.</summary>
        public static long BornAt(BoundedSpace space, long offset) => BornOf(space.At(offset, HeaderSize));

        /// <summary>Range <paramref name="i"/> of a table whose <see cref="SizeFor"/> bytes the caller has bounds-checked.</summary>
        public static FreeExtent EntryOf(byte* table, long i)
        {
            byte* e = table + HeaderSize + i * EntrySize;
            return new FreeExtent
            {
                Offset = *(long*)(e + EntryOffsetField),
                Length = *(long*)(e + EntryLengthField),
                Born = *(long*)(e + EntryBornField),
                Died = *(long*)(e + EntryDiedField),
            };
        }

        /// <summary>Writes a table of <paramref name="ranges"/> into a zeroed block of at least <see cref="SizeFor"/> bytes.</summary>
        public static void Write(byte* table, IReadOnlyList<FreeExtent> ranges, long born)
        {
            table[KindField] = HeapLayout.KindFreeTable;
            *(uint*)(table + CountField) = (uint)ranges.Count;
            *(long*)(table + BornField) = born;
            for (int i = 0; i < ranges.Count; i++)
            {
                byte* e = table + HeaderSize + (long)i * EntrySize;
                var x = ranges[i];
                *(long*)(e + EntryOffsetField) = x.Offset;
                *(long*)(e + EntryLengthField) = x.Length;
                *(long*)(e + EntryBornField) = x.Born;
                *(long*)(e + EntryDiedField) = x.Died;
            }
        }
    }
}
