using System;
using System.Diagnostics;
using System.Threading;

namespace AncientPS.Engine.Storage
{
    internal sealed unsafe partial class HeapCore
    {
        // The snapshot and pin protocol (docs/concurrency.md): which committed state is the latest, how a reader pins it
        // before it reads, the reuse horizon a reader without a pin checks after it reads, and the truncation checks that
        // keep a read from touching the mapping past the file's end.

        public MetaPage ReadLatestMeta()
        {
            long seen0 = 0, seen1 = 0;
            int still = 0;
            for (int attempt = 0; ; attempt++)
            {
                byte* h = Memory.Pointer(0, HeapLayout.HeaderSize);
                bool ok0 = MetaPage.TryReadSlot(h + HeapLayout.MetaOffsets[0], out var m0) && IsPlausible(m0);
                bool ok1 = MetaPage.TryReadSlot(h + HeapLayout.MetaOffsets[1], out var m1) && IsPlausible(m1);
                if (ok0 && (!ok1 || m0.TransactionId > m1.TransactionId)) return m0;
                if (ok1) return m1;
                // Both slots unreadable: either a writer is rewriting one while we read the other, or the file is damaged.
                // Damage reads the same every time: give up once both checksums stay unchanged for a few milliseconds.
                long c0 = *(long*)(h + HeapLayout.MetaOffsets[0] + MetaPage.ChecksumField);
                long c1 = *(long*)(h + HeapLayout.MetaOffsets[1] + MetaPage.ChecksumField);
                still = attempt > 0 && c0 == seen0 && c1 == seen1 ? still + 1 : 0;
                seen0 = c0;
                seen1 = c1;
                if (attempt >= 200 || (attempt >= 10 && still >= 13))
                    throw new AncientHeapCorruptException($"Neither meta page of '{Path ?? "(anonymous heap)"}' is valid; the heap is damaged. Test-AncientHeap reports what is wrong.");
                Thread.Sleep(attempt < 10 ? 0 : 1);
            }
        }

        /// <summary>Checks a meta page against the mapped length first, asking the file system only when the heap may have grown.</summary>
        private bool IsPlausible(MetaPage meta)
        {
            long mapped = Memory.MappedLength;
            if (meta.CommittedSize <= mapped && meta.IsPlausible(mapped)) return true;
            return meta.IsPlausible(Memory.StorageLength);
        }

        /// <summary>
        /// Raises the reuse horizon before any reclaimed range is written, so that a reader without a published pin
        /// that checks it after reading can tell whether its snapshot's space may have been overwritten.
        /// </summary>
        private void PublishReuseHorizon(long horizon)
        {
            long* word = (long*)Memory.Pointer(FileHeader.ReuseHorizonField, 8);
            long seen;
            while ((seen = Volatile.Read(ref *word)) < horizon)
                if (Interlocked.CompareExchange(ref *word, horizon, seen) == seen) break;
            Interlocked.MemoryBarrier();
        }

        public long ReadReuseHorizon()
        {
            Interlocked.MemoryBarrier();
            return Volatile.Read(ref *(long*)Memory.Pointer(FileHeader.ReuseHorizonField, 8));
        }

        private long _lengthCheckedAt; // 0: never
        private long _lengthSeen;

        /// <summary>
        /// Before the meta pages are read: fails cleanly when the file is shorter than its header. Asked of the file system
        /// (one fstat, a few microseconds) at every snapshot and write, so that a snapshot taken after another program
        /// truncated the file always sees it. Returns whether it asked.
        /// </summary>
        private bool CheckHeaderNotTruncated()
        {
            if (IsAnonymous) return false;
            RefreshLength(HeapLayout.DataStart, Stopwatch.GetTimestamp());
            return true;
        }

        /// <summary>
        /// After the meta pages are read: fails cleanly when the file is shorter than the committed data the snapshot is
        /// about to read (another program truncated it: touching the mapping past the file's end raises SIGBUS). Asks the
        /// file system only when the committed size reaches past the length last seen.
        /// </summary>
        private void CheckCommittedNotTruncated(long committed)
        {
            if (IsAnonymous || committed <= Volatile.Read(ref _lengthSeen)) return;
            RefreshLength(committed, Stopwatch.GetTimestamp());
        }

        private void RefreshLength(long needed, long now)
        {
            long length = Memory.StorageLength;
            if (length < Math.Max(needed, HeapLayout.DataStart))
                throw new AncientHeapCorruptException(needed <= HeapLayout.DataStart
                    ? $"'{Path}' has {length} bytes, fewer than its header: another program truncated the file while it was mounted. Nothing more is read from it."
                    : $"'{Path}' has {length} bytes but its committed data reaches byte {needed}: another program truncated the file while it was mounted. Nothing more is read from it.");
            Volatile.Write(ref _lengthSeen, length);
            Volatile.Write(ref _lengthCheckedAt, now);
        }

        /// <summary>Pins the latest committed state for reading (the LMDB reader protocol: publish the pin, then check it is still the latest).</summary>
        public SnapshotState AcquireSnapshot()
        {
            // Inside the read guard: a dismount on another thread must not unmap the meta pages while they are read.
            Guard.Enter();
            try
            {
                while (true)
                {
                    var meta = ReadLatestUntruncated();
                    if (_latest.Target is SnapshotState cached && cached.Meta.TransactionId == meta.TransactionId) return cached;
                    if (!PinIfStillLatest(meta)) continue;
                    var state = new SnapshotState(meta, Readers);
                    _latest.Target = state;
                    return state;
                }
            }
            finally
            {
                Guard.Exit();
            }
        }

        /// <summary>
        /// Enters the read guard and pins the latest committed state for one call that hands out no views (listing,
        /// statistics); <see cref="UnpinLatest"/> undoes both at once. A snapshot state would keep the pin until the
        /// garbage collector runs, holding space for nothing.
        /// </summary>
        private MetaPage PinLatest()
        {
            Guard.Enter();
            try
            {
                while (true)
                {
                    var meta = ReadLatestUntruncated();
                    if (PinIfStillLatest(meta)) return meta;
                }
            }
            catch
            {
                Guard.Exit();
                throw;
            }
        }

        /// <summary>
        /// Pins the latest committed state for one long call that reads through the mapping but hands out no views (the
        /// verifier); the caller must <see cref="Unpin"/> it. Unlike <see cref="AcquireSnapshot"/>, nothing waits for the
        /// garbage collector to let the pin go. The caller keeps the mapping alive by its reference on the core.
        /// </summary>
        public MetaPage PinLatestForCall()
        {
            var meta = PinLatest();
            Guard.Exit();
            return meta;
        }

        /// <summary>Lets a pin taken by <see cref="PinLatestForCall"/> go.</summary>
        public void Unpin(MetaPage meta) => Readers.Unpin(meta.TransactionId);

        /// <summary>The latest committed state, after checking that the file still holds its header and its committed data.</summary>
        private MetaPage ReadLatestUntruncated()
        {
            CheckHeaderNotTruncated();
            var meta = ReadLatestMeta();
            CheckCommittedNotTruncated(meta.CommittedSize);
            return meta;
        }

        /// <summary>
        /// Publishes a pin on <paramref name="meta"/>'s state, then checks it is still the latest: a writer that started
        /// before the pin could only reuse space freed before that state. False (pin dropped) when a newer state came.
        /// </summary>
        private bool PinIfStillLatest(MetaPage meta)
        {
            Readers.Pin(meta.TransactionId);
            if (ReadLatestMeta().TransactionId == meta.TransactionId) return true;
            Readers.Unpin(meta.TransactionId);
            return false;
        }

        private void UnpinLatest(MetaPage meta)
        {
            Readers.Unpin(meta.TransactionId);
            Guard.Exit();
        }
    }
}
