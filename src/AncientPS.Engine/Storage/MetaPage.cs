using System;
using System.Threading;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// One committed state of the heap. Two slots alternate by transaction id; a commit writes the slot the current
    /// state does not occupy, so a torn write leaves the previous state intact. A reader takes the valid slot with the
    /// higher transaction id.
    /// </summary>
    internal struct MetaPage
    {
        // Field positions inside a meta slot (docs/format.md, "Meta pages").
        public const int TransactionIdField = 0;
        public const int CommittedSizeField = 8;
        public const int DirectoryRootField = 16;
        public const int KeyCountField = 24;
        public const int FreeTableField = 32;
        public const int FreeTableLengthField = 40;
        public const int UsedBytesField = 48;
        public const int FreeBytesField = 56;
        public const int CommitTicksField = 64;
        public const int ReservedField = 72;
        public const int ReservedSize = 48;
        public const int ChecksumField = 120;
        /// <summary>The bytes of one slot.</summary>
        public const int Size = 128;

        public long TransactionId;
        public long CommittedSize;
        public long DirectoryRoot;
        public long KeyCount;
        public long FreeTable;
        public long FreeTableLength;
        public long UsedBytes;
        public long FreeBytes;
        public long CommitTicks;

        public static unsafe MetaPage Read(byte* p)
        {
            return new MetaPage
            {
                TransactionId = *(long*)(p + TransactionIdField),
                CommittedSize = *(long*)(p + CommittedSizeField),
                DirectoryRoot = *(long*)(p + DirectoryRootField),
                KeyCount = *(long*)(p + KeyCountField),
                FreeTable = *(long*)(p + FreeTableField),
                FreeTableLength = *(long*)(p + FreeTableLengthField),
                UsedBytes = *(long*)(p + UsedBytesField),
                FreeBytes = *(long*)(p + FreeBytesField),
                CommitTicks = *(long*)(p + CommitTicksField),
            };
        }

        /// <summary>
        /// Writes the page into a slot: every field and the checksum first, the transaction id last, in one aligned 8-byte
        /// store. A process killed part way leaves the slot with the older transaction id it held and a failing
        /// checksum: an interrupted commit, which readers and the verifier pass over, never a newer transaction that
        /// looks lost.
        /// </summary>
        public unsafe void WriteTo(byte* p) => WriteTo(p, int.MaxValue);

        /// <summary>As <see cref="WriteTo(byte*)"/>, stopping after <paramref name="stores"/> 8-byte stores (tests interrupt a commit with it).</summary>
        internal unsafe void WriteTo(byte* p, int stores)
        {
            byte* page = stackalloc byte[Size];
            *(long*)(page + TransactionIdField) = TransactionId;
            *(long*)(page + CommittedSizeField) = CommittedSize;
            *(long*)(page + DirectoryRootField) = DirectoryRoot;
            *(long*)(page + KeyCountField) = KeyCount;
            *(long*)(page + FreeTableField) = FreeTable;
            *(long*)(page + FreeTableLengthField) = FreeTableLength;
            *(long*)(page + UsedBytesField) = UsedBytes;
            *(long*)(page + FreeBytesField) = FreeBytes;
            *(long*)(page + CommitTicksField) = CommitTicks;
            for (int i = ReservedField; i < ReservedField + ReservedSize; i++) page[i] = 0;
            *(ulong*)(page + ChecksumField) = Checksum64.Compute(page, ChecksumField);
            for (int at = TransactionIdField + 8; at < Size; at += 8)
            {
                if (stores-- <= 0) return;
                *(long*)(p + at) = *(long*)(page + at);
            }
            if (stores <= 0) return;
            Interlocked.MemoryBarrier();
            Volatile.Write(ref *(long*)(p + TransactionIdField), TransactionId);
        }

        /// <summary>Copies a slot out of shared memory and checks it; false when it is empty, torn or damaged.</summary>
        public static unsafe bool TryReadSlot(byte* slot, out MetaPage meta)
        {
            byte* copy = stackalloc byte[Size];
            Buffer.MemoryCopy(slot, copy, Size, Size);
            Interlocked.MemoryBarrier();
            meta = Read(copy);
            if (meta.TransactionId <= 0) return false;
            return ChecksumMatches(copy);
        }

        /// <summary>True when the checksum of the slot copy at <paramref name="copy"/> is right.</summary>
        public static unsafe bool ChecksumMatches(byte* copy) => *(ulong*)(copy + ChecksumField) == Checksum64.Compute(copy, ChecksumField);

        /// <summary>True when the reserved bytes of the slot copy at <paramref name="copy"/> are zero.</summary>
        public static unsafe bool ReservedIsZero(byte* copy)
        {
            for (int i = ReservedField; i < ReservedField + ReservedSize; i++) if (copy[i] != 0) return false;
            return true;
        }

        /// <summary>Checks that every field points inside a file of <paramref name="fileLength"/> bytes.</summary>
        public bool IsPlausible(long fileLength)
        {
            if (CommittedSize < HeapLayout.DataStart || CommittedSize > fileLength) return false;
            if (!InData(DirectoryRoot, 16, allowZero: true)) return false;
            if (!InData(FreeTable, FreeTableLength, allowZero: true)) return false;
            if (KeyCount < 0 || UsedBytes < 0 || FreeBytes < 0 || FreeTableLength < 0) return false;
            return true;
        }

        private bool InData(long offset, long length, bool allowZero)
        {
            if (offset == 0) return allowZero;
            return offset >= HeapLayout.DataStart && (offset & 7) == 0 && length >= 0 && length <= CommittedSize && offset <= CommittedSize - length;
        }
    }
}
