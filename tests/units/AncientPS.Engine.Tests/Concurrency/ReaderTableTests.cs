using System;
using System.Diagnostics;
using System.IO;
using AncientPS.Engine.Storage;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Concurrency
{
    /// <summary>
    /// The reader table's claim protocol, seen through the file: a slot whose pid is set but whose start time is not yet
    /// (a process in the middle of claiming it) must never be taken for a dead reader's slot.
    /// </summary>
    public class ReaderTableTests : IDisposable
    {
        private const int PidField = 0, HighWaterField = 4, StartField = 8, MinField = 16, MaxField = 24;
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        private static long SlotOffset(int slot) => ReaderSlot.OffsetOf(slot);

        private static void WriteSlot(string path, int slot, int pid, long start, long min, long max)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            var bytes = new byte[32];
            BitConverter.GetBytes(pid).CopyTo(bytes, PidField);
            BitConverter.GetBytes(start).CopyTo(bytes, StartField);
            BitConverter.GetBytes(min).CopyTo(bytes, MinField);
            BitConverter.GetBytes(max).CopyTo(bytes, MaxField);
            if (slot == 0) throw new ArgumentException("slot 0 holds the high-water word");
            file.Position = SlotOffset(slot);
            file.Write(bytes, 0, bytes.Length);
            file.Position = SlotOffset(0) + HighWaterField;
            file.Write(BitConverter.GetBytes(HeapLayout.ReaderSlotCount), 0, 4);
        }

        private static (int Pid, long Start) ReadSlot(string path, int slot)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var bytes = new byte[16];
            file.Position = SlotOffset(slot);
            file.ReadExactly(bytes, 0, bytes.Length);
            return (BitConverter.ToInt32(bytes, PidField), BitConverter.ToInt64(bytes, StartField));
        }

        private static int DeadPid()
        {
            using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false });
            gone.WaitForExit();
            return gone.Id;
        }

        [Fact]
        public void A_slot_being_claimed_counts_as_live_and_a_dead_claimers_slot_is_freed()
        {
            string path = _dir.File("claims.heap");
            long pinnedTxn;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("k", new byte[4096]);
                pinnedTxn = heap.GetStatistics().TransactionId;
                heap.Set("k", new byte[4096]);
            }

            using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false });
            try
            {
                int dead = DeadPid();
                // Slot 5: a live process between setting its pid and its start time, already pinning the first value.
                WriteSlot(path, 5, sleeper.Id, 0, pinnedTxn, pinnedTxn);
                // Slot 6: a process that died between the two.
                WriteSlot(path, 6, dead, 0, pinnedTxn, pinnedTxn);

                using (var heap = MappedHeap.Open(path))
                {
                    var stats = heap.GetStatistics();
                    Assert.Equal(2, stats.Readers);          // this process and the sleeper
                    Assert.True(stats.Pinned >= 4096, $"the live claimer's pin must hold the old value's space; pinned {stats.Pinned}");
                    Assert.Equal(sleeper.Id, ReadSlot(path, 5).Pid);
                    Assert.Equal((0, 0L), ReadSlot(path, 6));
                }
            }
            finally
            {
                try { sleeper.Kill(); } catch (InvalidOperationException) { }
                sleeper.WaitForExit();
            }
        }

        [Fact]
        public void A_released_slot_keeps_no_start_time_and_a_dead_readers_slot_is_freed_whole()
        {
            string path = _dir.File("release.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("k", 1);
                heap.Set("k", 2);
            }
            int dead = DeadPid();
            WriteSlot(path, 3, dead, 637000000000000000, 1, 1);

            int mine;
            using (var heap = MappedHeap.Open(path))
            {
                Assert.Equal(1, heap.GetStatistics().Readers);
                Assert.Equal((0, 0L), ReadSlot(path, 3));
                mine = -1;
                for (int i = 0; i < 8 && mine < 0; i++)
                    if (ReadSlot(path, i).Pid == Environment.ProcessId) mine = i;
                Assert.True(mine >= 0, "this process must hold a slot while the heap is open");
                Assert.NotEqual(0L, ReadSlot(path, mine).Start);
            }
            Assert.Equal((0, 0L), ReadSlot(path, mine));
        }
    }
}
