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

        /// <summary>Writes a 4 KiB value and replaces it; returns the transaction that still sees the first.</summary>
        private static long WriteReplacedValue(string path)
        {
            using var heap = MappedHeap.Open(path);
            heap.Set("k", new byte[4096]);
            long first = heap.GetStatistics().TransactionId;
            heap.Set("k", new byte[4096]);
            return first;
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
            long pinnedTxn = WriteReplacedValue(path);

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

        private static void WriteIdentity(string path, int slot, long identity, uint boot, int pid, long start)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            var bytes = new byte[24];
            BitConverter.GetBytes(identity).CopyTo(bytes, 0);
            BitConverter.GetBytes(boot).CopyTo(bytes, 8);
            BitConverter.GetBytes(pid).CopyTo(bytes, 12);
            BitConverter.GetBytes(start).CopyTo(bytes, 16);
            file.Position = SlotOffset(slot) + ReaderSlot.StartIdentityField;
            file.Write(bytes, 0, bytes.Length);
        }

        private static long StartTicksSinceBoot(int pid)
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return long.Parse(stat.Substring(stat.LastIndexOf(')') + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries)[19]);
        }

        /// <summary>
        /// The clock was stepped between a reader's start and a writer's (NTP, a virtual machine resumed): on Linux each
        /// process works out the other's start time from the clock as it is now, so the writer sees the reader's start
        /// seconds away from the one in its slot. Judged by that, a live reader was taken for a dead one, its slot
        /// cleared and its snapshot's space reused under it (measured: a 5 s step moves Process.StartTime by 5 s). A slot
        /// with a start identity (clock ticks since boot, which do not move) is judged by that instead.
        /// </summary>
        [Fact]
        public void A_live_reader_whose_start_time_another_clock_puts_elsewhere_keeps_its_slot_and_pins()
        {
            if (!OperatingSystem.IsLinux()) return;
            string path = _dir.File("stepped.heap");
            long pinnedTxn = WriteReplacedValue(path);

            using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false });
            using var reused = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false });
            try
            {
                long identity = StartTicksSinceBoot(sleeper.Id);
                // The start time the sleeper would have written for itself before a 5-second step of the clock.
                long before = sleeper.StartTime.ToUniversalTime().Ticks - 5 * TimeSpan.TicksPerSecond;
                WriteSlot(path, 5, sleeper.Id, before, pinnedTxn, pinnedTxn);
                WriteIdentity(path, 5, identity, Platform.BootIdentity, sleeper.Id, before);
                // Slot 6: the pid runs, but started at another moment since boot and at another time (a reused pid): gone.
                long other = reused.StartTime.ToUniversalTime().Ticks;
                WriteSlot(path, 6, reused.Id, other - 10 * TimeSpan.TicksPerSecond, pinnedTxn, pinnedTxn);
                WriteIdentity(path, 6, StartTicksSinceBoot(reused.Id) + 1000, Platform.BootIdentity, reused.Id, other - 10 * TimeSpan.TicksPerSecond);
                // Slot 8: the ticks after boot differ but the start time agrees (a process in another time namespace, whose
                // /proc shows ticks after its own boot time): live, as the start time says.
                WriteSlot(path, 8, reused.Id, other, pinnedTxn, pinnedTxn);
                WriteIdentity(path, 8, StartTicksSinceBoot(reused.Id) + 50000, Platform.BootIdentity, reused.Id, other);
                // Slot 7: an identity another owner left (its pid is not the slot's): judged by the start time as before,
                // which a step of the clock puts elsewhere.
                long shifted = other - 5 * TimeSpan.TicksPerSecond;
                WriteSlot(path, 7, reused.Id, shifted, pinnedTxn, pinnedTxn);
                WriteIdentity(path, 7, StartTicksSinceBoot(reused.Id), Platform.BootIdentity, reused.Id + 1, shifted);

                using (var heap = MappedHeap.Open(path))
                {
                    var stats = heap.GetStatistics();
                    Assert.Equal(3, stats.Readers); // this process, the sleeper in slot 5 and the other namespace's in slot 8
                    Assert.True(stats.Pinned >= 4096, $"the live reader's pin must hold the old value's space; pinned {stats.Pinned}");
                    Assert.Equal((sleeper.Id, before), ReadSlot(path, 5));
                    Assert.Equal((0, 0L), ReadSlot(path, 6));
                    Assert.Equal((0, 0L), ReadSlot(path, 7));
                    Assert.Equal((reused.Id, other), ReadSlot(path, 8));
                    // A slot cleared keeps no identity for the next owner to inherit.
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    var bytes = new byte[24];
                    file.Position = SlotOffset(6) + ReaderSlot.StartIdentityField;
                    file.ReadExactly(bytes, 0, bytes.Length);
                    Assert.All(bytes, b => Assert.Equal(0, b));
                }
            }
            finally
            {
                foreach (var p in new[] { sleeper, reused })
                {
                    try { p.Kill(); } catch (InvalidOperationException) { }
                    p.WaitForExit();
                }
            }
        }

        /// <summary>
        /// Another process holds an old view and reads new ones: its slot says it pins nothing between its oldest and its
        /// second-oldest transaction, so what only the states between saw is reused; a slot whose 1.7 fields another
        /// owner left (an older version claimed it since) is taken as the whole range, as before.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public unsafe void A_readers_second_oldest_pin_frees_what_only_the_states_between_saw(bool ownFields)
        {
            string path = _dir.File($"second-{ownFields}.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("k", new byte[4096]);

            using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false });
            try
            {
                long start = sleeper.StartTime.ToUniversalTime().Ticks;
                using var heap = MappedHeap.Open(path);
                long oldest = heap.GetStatistics().TransactionId;
                // The sleeper stands for a process that holds a view of the first state and reads each new one.
                WriteSlot(path, 5, sleeper.Id, start, oldest, oldest);
                WriteIdentity(path, 5, OperatingSystem.IsLinux() ? StartTicksSinceBoot(sleeper.Id) : 0, Platform.BootIdentity, ownFields ? sleeper.Id : sleeper.Id + 1, start);
                byte* slot = heap.Core.Memory.Pointer(ReaderSlot.OffsetOf(5), ReaderSlot.Size);
                for (int i = 0; i < 60; i++)
                {
                    heap.Set("k", new byte[4096]);
                    long latest = heap.GetStatistics().TransactionId;
                    // As PublishLocked writes them: the newest, then the second-oldest (the oldest stays).
                    System.Threading.Volatile.Write(ref *(long*)(slot + ReaderSlot.NewestPinField), latest);
                    System.Threading.Volatile.Write(ref *(long*)(slot + ReaderSlot.SecondOldestPinField), latest);
                }
                heap.Set("k", new byte[4096]);
                var stats = heap.GetStatistics();
                Assert.Equal(2, stats.Readers);
                // The values the oldest and the latest pinned states saw (with their entries, and at most one clean gap of
                // 64 KiB that waits with the latest's: FreeSpace.TryJoinAcross), against 60 values for the whole range.
                if (ownFields) Assert.InRange(stats.Pinned, 2 * 4096, 6 * 4096 + 64 * 1024);
                else Assert.True(stats.Pinned >= 59 * 4096, $"the whole range must be kept; pinned {stats.Pinned}");
            }
            finally
            {
                try { sleeper.Kill(); } catch (InvalidOperationException) { }
                sleeper.WaitForExit();
            }
        }

        [Fact]
        public void This_process_writes_its_start_identity_into_its_slot_and_clears_it_on_release()
        {
            if (!OperatingSystem.IsLinux()) return;
            string path = _dir.File("identity.heap");
            int mine = -1;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("k", 1);
                for (int i = 0; i < 8 && mine < 0; i++)
                    if (ReadSlot(path, i).Pid == Environment.ProcessId) mine = i;
                Assert.True(mine >= 0);
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var bytes = new byte[24];
                file.Position = SlotOffset(mine) + ReaderSlot.StartIdentityField;
                file.ReadExactly(bytes, 0, bytes.Length);
                Assert.Equal(StartTicksSinceBoot(Environment.ProcessId), BitConverter.ToInt64(bytes, 0));
                Assert.Equal(Platform.BootIdentity, BitConverter.ToUInt32(bytes, 8));
                Assert.Equal(Environment.ProcessId, BitConverter.ToInt32(bytes, 12));
                Assert.Equal(ReadSlot(path, mine).Start, BitConverter.ToInt64(bytes, 16));
            }
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                var bytes = new byte[24];
                file.Position = SlotOffset(mine) + ReaderSlot.StartIdentityField;
                file.ReadExactly(bytes, 0, bytes.Length);
                Assert.All(bytes, b => Assert.Equal(0, b));
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
