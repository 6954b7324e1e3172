using System;
using System.Linq;
using AncientPS.Engine.Storage;
using AncientPS.Engine.Tests.Hostile;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>MappedHeap.CheckInvariants, FreeExtent's visibility rule and the growth policy, each shown to hold and to fail.</summary>
    public class InvariantTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void The_invariants_hold_through_writes_overwrites_and_removes()
        {
            using var heap = MappedHeap.Open(_dir.File("holds.heap"));
            heap.CheckInvariants();
            for (int i = 0; i < 300; i++)
            {
                heap.Set("k" + (i % 40), new long[i % 7 == 0 ? 5000 : 3]);
                if (i % 5 == 0) heap.Remove("k" + (i % 13));
                if (i % 25 == 0) heap.CheckInvariants();
            }
            var view = heap.Get("k1"); // a pinned old snapshot keeps freed ranges visible
            heap.Set("k1", "replaced");
            heap.CheckInvariants();
            GC.KeepAlive(view);
        }

        [Fact]
        public unsafe void A_reader_slot_that_does_not_publish_this_process_pins_breaks_an_invariant()
        {
            using var heap = MappedHeap.Open(_dir.File("slot.heap"));
            heap.Set("a", new[] { 1, 2, 3 });
            var view = heap.Get("a"); // pins the latest state, so checking it publishes nothing anew
            var table = heap.Core.Memory.Pointer(HeapLayout.ReaderTableOffset, ReaderSlot.TableSize);
            int mine = Enumerable.Range(0, HeapLayout.ReaderSlotCount).First(i => *(int*)(table + (long)i * ReaderSlot.Size + ReaderSlot.PidField) == Environment.ProcessId);
            *(long*)(table + (long)mine * ReaderSlot.Size + ReaderSlot.NewestPinField) = 1L << 40;
            *(long*)(table + (long)mine * ReaderSlot.Size + ReaderSlot.OldestPinField) = 1L << 40;
            var e = Assert.Throws<InvalidOperationException>(() => heap.CheckInvariants());
            Assert.Contains("publishes the pins", e.Message);
            GC.KeepAlive(view);
        }

        [Fact]
        public void A_meta_page_whose_key_count_is_not_the_directory_breaks_an_invariant()
        {
            string path = _dir.File("count.heap");
            using (var heap = MappedHeap.Open(path)) { heap.Set("a", 1); heap.Set("b", 2); }
            new HeapPatcher(path).PatchMeta(MetaPage.KeyCountField, 3).KillOtherMeta().Save();
            using (var heap = MappedHeap.Open(path))
            {
                var e = Assert.Throws<AncientHeapCorruptException>(() => heap.CheckInvariants());
                Assert.Contains("counts 3 keys, but the directory holds 2", e.Message);
            }
        }

        [Fact]
        public void A_meta_page_whose_free_bytes_are_not_the_free_table_breaks_an_invariant()
        {
            string path = _dir.File("free.heap");
            using (var heap = MappedHeap.Open(path)) { heap.Set("a", new long[3000]); heap.Set("a", 1); }
            var patch = new HeapPatcher(path);
            long free = patch.Meta(MetaPage.FreeBytesField);
            patch.PatchMeta(MetaPage.FreeBytesField, free + 8).PatchMeta(MetaPage.UsedBytesField, patch.Meta(MetaPage.UsedBytesField) - 8).KillOtherMeta().Save();
            using (var heap = MappedHeap.Open(path))
            {
                var e = Assert.Throws<AncientHeapCorruptException>(() => heap.CheckInvariants());
                Assert.Contains($"counts {free + 8} free bytes", e.Message);
            }
        }

        [Fact]
        public void The_free_space_check_finds_a_tail_outside_the_data_area()
        {
            Assert.Null(FreeSpace.Empty(HeapLayout.DataStart).FindBrokenInvariant());
            Assert.Contains("tail", FreeSpace.Empty(HeapLayout.DataStart + 4).FindBrokenInvariant());
            Assert.Contains("tail", FreeSpace.Empty(100).FindBrokenInvariant());
        }

        [Theory]
        [InlineData(5, 9, 5, 5, true)]    // pins the state the range was born in
        [InlineData(5, 9, 8, 8, true)]    // pins the last state that saw it
        [InlineData(5, 9, 9, 12, false)]  // pins only states after it died
        [InlineData(5, 9, 1, 4, false)]   // pins only states before it was born
        [InlineData(5, 9, 1, 20, true)]   // a pin range spanning its life
        [InlineData(7, 7, 1, 20, false)]  // clean: free for any use
        public void A_freed_range_is_visible_to_a_pin_that_covers_a_state_that_saw_it(long born, long died, long oldest, long newest, bool visible)
            => Assert.Equal(visible, new FreeExtent { Offset = HeapLayout.DataStart, Length = 64, Born = born, Died = died }.IsVisibleTo(oldest, newest));

        [Fact]
        public void Growth_adds_a_quarter_of_at_least_a_mebibyte_in_whole_granules_up_to_the_maximum()
        {
            // 20480 + 1 MiB = 1,069,056, rounded up to 17 granules of 64 KiB.
            Assert.Equal(17 * 65536, GrowthPolicy.GrownLength(HeapLayout.DataStart, HeapLayout.DataStart + 8, 0));
            Assert.Equal(100L << 20, GrowthPolicy.GrownLength(80L << 20, (80L << 20) + 1, 0));
            Assert.Equal(90L << 20, GrowthPolicy.GrownLength(80L << 20, (80L << 20) + 1, 90L << 20));
            Assert.Equal(GrowthPolicy.RoundUp(500L << 20), GrowthPolicy.GrownLength(80L << 20, 500L << 20, 0));
        }

        [Fact]
        public void A_commit_never_trims_what_one_growth_added_and_never_below_the_previous_commit()
        {
            var random = new Random(17);
            for (int i = 0; i < 100_000; i++)
            {
                long have = HeapLayout.DataStart + (long)(random.NextDouble() * (1L << (random.Next(16, 40))));
                long needed = have + 1 + (long)(random.NextDouble() * (1L << random.Next(3, 30)));
                long grown = GrowthPolicy.GrownLength(have, needed, 0);
                Assert.True(grown >= needed && grown % GrowthPolicy.Granule == 0);
                long previous = HeapLayout.DataStart + (long)(random.NextDouble() * (needed - HeapLayout.DataStart));
                Assert.True(GrowthPolicy.TrimAfterCommit(grown, needed, previous) == 0, $"have {have}, needed {needed}, grown {grown}");
            }
            // A large overshoot goes, down to the larger of the two commits, rounded up to a granule.
            Assert.Equal(GrowthPolicy.RoundUp(30L << 20), GrowthPolicy.TrimAfterCommit(1L << 30, 10L << 20, 30L << 20));
            Assert.Equal(0, GrowthPolicy.TrimAfterCommit((30L << 20) + (64L << 20), 10L << 20, 30L << 20));
            Assert.Equal(HeapLayout.DataStart, GrowthPolicy.TrimWhenIdle(0, 0));
            Assert.Equal(5000_000, GrowthPolicy.TrimWhenIdle(4000_000, 5000_000));
        }
    }
}
