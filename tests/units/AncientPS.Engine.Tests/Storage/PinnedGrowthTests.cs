using System;
using System.Collections.Generic;
using Xunit;
using Xunit.Abstractions;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>
    /// A reader that keeps an old snapshot and keeps reading newer ones holds every range written in between: the
    /// writer must keep them, but its free table must not grow with every commit (each commit writes the table anew, so
    /// a table growing by a few ranges per commit grew the file quadratically: 16 GB in two minutes of two small keys).
    /// </summary>
    public class PinnedGrowthTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();
        private readonly ITestOutputHelper _output;

        public PinnedGrowthTests(ITestOutputHelper output) => _output = output;

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Ranges_a_reader_keeps_visible_merge_so_the_free_table_stays_small()
        {
            using var heap = MappedHeap.Open(_dir.File("pinned.heap"));
            heap.Set("a", new object[500]);
            heap.Set("b", new object[500]);
            var oldest = heap.Get("a"); // pins the oldest state for the whole run
            var newer = new List<object>();
            for (int i = 1; i <= 1500; i++)
            {
                heap.Set("a", Filled(i));
                heap.Set("b", Filled(i));
                // A reader reading each new state and not yet collected: this process's pins span [oldest, latest].
                newer.Add(heap.Get("b"));
                if (i % 100 == 0) newer.Clear();
            }
            var statistics = heap.GetStatistics();
            _output.WriteLine($"free ranges {statistics.FreeRanges}, pinned {statistics.Pinned}, size {statistics.Size}");
            heap.CheckInvariants();
            // Joined ranges span at most 64 transactions: about 3,000 / 64 ranges, against 15,000 before.
            Assert.InRange(statistics.FreeRanges, 0, 128);
            // Every value written stays visible to the pinned range (3,000 values of 500 slots, about 5.6 MB with their
            // entries and directory nodes); the free tables must not add a multiple of that (they added 700 MB).
            Assert.InRange(statistics.Size, 0, 12L << 20);
            GC.KeepAlive(oldest);
            GC.KeepAlive(newer);
        }

        [Fact]
        public void A_long_held_old_view_keeps_what_its_state_saw_not_every_state_written_since()
        {
            using var heap = MappedHeap.Open(_dir.File("held.heap"));
            heap.Set("config", Filled(-1));
            heap.Set("status", Filled(0));
            var held = heap.Get("config"); // a script keeps its configuration for hours
            long sizeAfterWarmUp = 0;
            for (int i = 1; i <= 1500; i++)
            {
                heap.Set("status", Filled(i));
                var polled = heap.Get("status"); // and polls the status another process writes
                GC.KeepAlive(polled);
                if (i % 50 == 0)
                {
                    // The polled views die; the held one stays.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    if (i == 100) sizeAfterWarmUp = heap.GetStatistics().Size;
                }
            }
            var statistics = heap.GetStatistics();
            _output.WriteLine($"size after 100 writes {sizeAfterWarmUp}, after 1500 {statistics.Size}, pinned {statistics.Pinned}");
            heap.CheckInvariants();
            // Published as one range [held, newest], the pins kept all 1,500 values (about 3 MB); the oldest alone plus
            // the recent ones keep about 50.
            Assert.InRange(statistics.Pinned, 0, 1L << 20);
            Assert.InRange(statistics.Size, 0, sizeAfterWarmUp + (1L << 20));
            GC.KeepAlive(held);
        }

        private static object[] Filled(int value)
        {
            var items = new object[500];
            for (int i = 0; i < items.Length; i++) items[i] = value;
            return items;
        }
    }
}
