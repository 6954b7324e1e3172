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
                TransactionId = *(long*)(p + 0),
                CommittedSize = *(long*)(p + 8),
                DirectoryRoot = *(long*)(p + 16),
                KeyCount = *(long*)(p + 24),
                FreeTable = *(long*)(p + 32),
                FreeTableLength = *(long*)(p + 40),
                UsedBytes = *(long*)(p + 48),
                FreeBytes = *(long*)(p + 56),
                CommitTicks = *(long*)(p + 64),
            };
        }

        public unsafe void WriteTo(byte* p)
        {
            *(long*)(p + 0) = TransactionId;
            *(long*)(p + 8) = CommittedSize;
            *(long*)(p + 16) = DirectoryRoot;
            *(long*)(p + 24) = KeyCount;
            *(long*)(p + 32) = FreeTable;
            *(long*)(p + 40) = FreeTableLength;
            *(long*)(p + 48) = UsedBytes;
            *(long*)(p + 56) = FreeBytes;
            *(long*)(p + 64) = CommitTicks;
            for (int i = 72; i < HeapLayout.MetaChecksumOffset; i++) p[i] = 0;
            *(ulong*)(p + HeapLayout.MetaChecksumOffset) = Checksum64.Compute(p, HeapLayout.MetaChecksumOffset);
        }

        /// <summary>Copies a slot out of shared memory and checks it; false when it is empty, torn or damaged.</summary>
        public static unsafe bool TryReadSlot(byte* slot, out MetaPage meta)
        {
            byte* copy = stackalloc byte[HeapLayout.MetaSize];
            Buffer.MemoryCopy(slot, copy, HeapLayout.MetaSize, HeapLayout.MetaSize);
            Interlocked.MemoryBarrier();
            meta = Read(copy);
            if (meta.TransactionId <= 0) return false;
            return *(ulong*)(copy + HeapLayout.MetaChecksumOffset) == Checksum64.Compute(copy, HeapLayout.MetaChecksumOffset);
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
