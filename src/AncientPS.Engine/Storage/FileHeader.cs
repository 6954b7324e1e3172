using System;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The file header (docs/format.md, "Header"): its field positions, and its read, write and checks in one place. It
    /// is read through an ordinary stream read before anything is mapped, and through the mapping by the verifier.
    /// </summary>
    internal readonly unsafe struct FileHeader
    {
        // Field positions, from the start of the file.
        public const int MagicField = 0;
        public const int MagicSize = 16;
        public const int MajorVersionField = 16;
        public const int MinorVersionField = 18;
        public const int PageSizeField = 20;
        public const int FlagsField = 24;
        public const int ReaderSlotCountField = 28;
        public const int ReaderTableField = 32;
        public const int DataStartField = 40;
        public const int CreationTicksField = 48;
        public const int ReservedField = 56;
        public const int ReservedSize = 64;
        public const int ChecksumField = 120;
        /// <summary>The checksum covers bytes 0..119.</summary>
        public const int ChecksummedBytes = ChecksumField;
        /// <summary>A live word outside the checksummed header: the highest 'died' txn of any range made reusable.</summary>
        public const int ReuseHorizonField = 128;
        /// <summary>The bytes the header's fields span, reuse horizon included; the rest of the header page is zero.</summary>
        public const int Size = ReuseHorizonField + 8;

        /// <summary>"AncientPSHeap" NUL CR LF: the NUL stops text tools, the CR LF catches newline translation.</summary>
        public static readonly byte[] Magic = { 0x41, 0x6E, 0x63, 0x69, 0x65, 0x6E, 0x74, 0x50, 0x53, 0x48, 0x65, 0x61, 0x70, 0x00, 0x0D, 0x0A };

        private FileHeader(byte* p)
        {
            bool magic = true;
            for (int i = 0; i < MagicSize; i++) magic &= p[MagicField + i] == Magic[i];
            HasMagic = magic;
            MajorVersion = *(ushort*)(p + MajorVersionField);
            MinorVersion = *(ushort*)(p + MinorVersionField);
            PageSize = *(uint*)(p + PageSizeField);
            Flags = *(uint*)(p + FlagsField);
            ReaderSlotCount = *(uint*)(p + ReaderSlotCountField);
            ReaderTable = *(long*)(p + ReaderTableField);
            DataStart = *(long*)(p + DataStartField);
            CreationTicks = *(long*)(p + CreationTicksField);
            StoredChecksum = *(ulong*)(p + ChecksumField);
            ActualChecksum = Checksum64.Compute(p, ChecksummedBytes);
        }

        public bool HasMagic { get; }
        public ushort MajorVersion { get; }
        public ushort MinorVersion { get; }
        public uint PageSize { get; }
        public uint Flags { get; }
        public uint ReaderSlotCount { get; }
        public long ReaderTable { get; }
        public long DataStart { get; }
        public long CreationTicks { get; }
        public ulong StoredChecksum { get; }
        public ulong ActualChecksum { get; }

        public bool ChecksumMatches => StoredChecksum == ActualChecksum;

        /// <summary>True when the fixed fields describe the layout this version writes (<see cref="HeapLayout"/>).</summary>
        public bool HasKnownLayout => PageSize == HeapLayout.HeaderSize && ReaderSlotCount == HeapLayout.ReaderSlotCount
            && ReaderTable == HeapLayout.ReaderTableOffset && DataStart == HeapLayout.DataStart;

        /// <summary>Reads the header fields from the first <see cref="ChecksumField"/> + 8 bytes at <paramref name="p"/> (the caller checked they are there).</summary>
        public static FileHeader Read(byte* p) => new FileHeader(p);

        /// <summary>Reads the header fields from a buffer of at least <see cref="Size"/> bytes.</summary>
        public static FileHeader Read(byte[] bytes)
        {
            if (bytes.Length < Size) throw new ArgumentException("The buffer is shorter than the header.", nameof(bytes));
            fixed (byte* p = bytes) return new FileHeader(p);
        }

        /// <summary>True when the first <paramref name="count"/> bytes of <paramref name="bytes"/> are the whole magic.</summary>
        public static bool StartsWithMagic(byte[] bytes, int count)
        {
            for (int i = 0; i < MagicSize; i++)
                if (i >= count || bytes[MagicField + i] != Magic[i]) return false;
            return true;
        }

        /// <summary>
        /// Writes every header field of a new heap except the magic, with the checksum over the final bytes (magic
        /// included): a creator writes the magic last, with <see cref="WriteMagic"/>, once the rest is flushed.
        /// </summary>
        public static void WriteAllButMagic(byte* page, long creationTicks)
        {
            byte* header = stackalloc byte[ChecksummedBytes];
            for (int i = 0; i < ChecksummedBytes; i++) header[i] = 0;
            for (int i = 0; i < MagicSize; i++) header[MagicField + i] = Magic[i];
            *(ushort*)(header + MajorVersionField) = HeapLayout.MajorVersion;
            *(ushort*)(header + MinorVersionField) = HeapLayout.MinorVersion;
            *(uint*)(header + PageSizeField) = HeapLayout.HeaderSize;
            *(uint*)(header + FlagsField) = 0;
            *(uint*)(header + ReaderSlotCountField) = HeapLayout.ReaderSlotCount;
            *(long*)(header + ReaderTableField) = HeapLayout.ReaderTableOffset;
            *(long*)(header + DataStartField) = HeapLayout.DataStart;
            *(long*)(header + CreationTicksField) = creationTicks;
            for (int i = MagicSize; i < ChecksummedBytes; i++) page[i] = header[i];
            *(ulong*)(page + ChecksumField) = Checksum64.Compute(header, ChecksummedBytes);
        }

        public static void WriteMagic(byte* page)
        {
            for (int i = 0; i < MagicSize; i++) page[MagicField + i] = Magic[i];
        }

        /// <summary>True for the bytes <see cref="WriteAllButMagic"/> sets: the fields after the magic up to the reserved bytes, and the checksum.</summary>
        public static bool IsWrittenBeforeMagic(int offset)
            => (offset >= MajorVersionField && offset < ReservedField) || (offset >= ChecksumField && offset < ChecksumField + 8);
    }
}
