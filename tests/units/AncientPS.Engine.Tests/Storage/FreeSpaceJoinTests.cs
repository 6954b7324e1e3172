using System;
using System.Collections.Generic;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>
    /// How the allocator records free ranges still visible to old snapshots (FreeSpace.TryJoin, TryJoinAcross): joined
    /// only where no live pin waits for more than it saw, and never so that a pin stops seeing a range it saw.
    /// </summary>
    public class FreeSpaceJoinTests
    {
        private const long Start = HeapLayout.DataStart;

        private static List<KeyValuePair<long, long>> Pins(params (long Oldest, long Newest)[] pins)
        {
            var list = new List<KeyValuePair<long, long>>();
            foreach (var p in pins) list.Add(new KeyValuePair<long, long>(p.Oldest, p.Newest));
            return list;
        }

        private static FreeSpace Space(long bytes)
        {
            var space = FreeSpace.Empty(Start);
            space.Allocate(bytes);
            return space;
        }

        /// <summary>Two neighbouring KiB freed as (born, died) each, by a writer at transaction <paramref name="now"/> under <paramref name="pins"/>.</summary>
        private static FreeSpace TwoFreed(long now, (long Born, long Died) first, (long Born, long Died) second, params (long, long)[] pins)
        {
            var space = Space(4096);
            space.Reclaim(Pins(pins), now);
            space.Free(Start, 1024, first.Born, first.Died);
            space.Free(Start + 1024, 1024, second.Born, second.Died);
            return space;
        }

        [Fact]
        public void Neighbours_the_same_pins_see_become_one_range_with_the_smaller_born_and_larger_died()
        {
            var space = TwoFreed(21, (11, 13), (14, 16), (10, 20));
            var e = Assert.Single(space.Extents);
            Assert.Equal((Start, 2048L, 11L, 16L), (e.Offset, e.Length, e.Born, e.Died));
            Assert.Null(space.FindBrokenInvariant());
        }

        [Fact]
        public void Neighbours_a_pin_sees_only_one_of_stay_apart()
        {
            // Pin 12 sees the first (states 11-12) only; the join would keep the second for it.
            Assert.Equal(2, TwoFreed(21, (11, 13), (14, 16), (12, 12), (15, 15)).Extents.Count);
            // Nor across a gap of states a pin sits in while seeing neither part.
            Assert.Equal(2, TwoFreed(21, (10, 12), (14, 16), (13, 13)).Extents.Count);
        }

        [Fact]
        public void A_clean_gap_up_to_a_run_between_joinable_ranges_waits_with_them_and_a_larger_one_stays_free()
        {
            var space = Space(3 * 65536 + 4096);
            space.Reclaim(Pins((10, 30)), 31);
            space.Free(Start, 1024, 11, 13);
            space.Free(Start + 1024, 8192, 0, 0); // clean
            space.Free(Start + 1024 + 8192, 1024, 14, 16);
            space.Free(Start + 2 * 65536, 1024, 11, 13);
            space.Free(Start + 2 * 65536 + 1024, 65536 + 8, 0, 0); // clean, more than a run
            space.Free(Start + 3 * 65536 + 1032, 1024, 14, 16);
            space.Reclaim(Pins((10, 30)), 32);
            Assert.Equal(4, space.Extents.Count);
            var first = space.Extents[0];
            Assert.Equal((Start, 1024L + 8192 + 1024, 11L, 16L), (first.Offset, first.Length, first.Born, first.Died));
            Assert.True(space.Extents[2].IsClean);
            Assert.Null(space.FindBrokenInvariant());
        }

        [Fact]
        public void Recent_ranges_join_over_at_most_64_transactions_and_older_ones_over_as_many_as_their_age()
        {
            // Both span 100 transactions; the first was freed just now, the second 800 transactions ago.
            Assert.Equal(2, TwoFreed(1001, (900, 950), (940, 1000), (1, 1000)).Extents.Count);
            Assert.Single(TwoFreed(1001, (100, 150), (140, 200), (1, 1000)).Extents);
        }

        /// <summary>
        /// Random frees under random pins: whatever is joined, every byte a pin could see before stays in a range that
        /// pin still sees, and nothing a pin saw becomes clean.
        /// </summary>
        [Fact]
        public void No_join_ever_lets_a_pin_stop_seeing_a_byte_it_saw()
        {
            var random = new Random(19);
            for (int round = 0; round < 300; round++)
            {
                const int slots = 40;
                const long size = 512;
                var space = Space(slots * size);
                long now = 200 + random.Next(800);
                var pins = new List<KeyValuePair<long, long>>();
                for (int p = random.Next(4); p > 0; p--)
                {
                    long lo = random.Next(1, (int)now);
                    pins.Add(new KeyValuePair<long, long>(lo, Math.Min(now - 1, lo + random.Next(0, 50))));
                }
                space.Reclaim(pins, now);
                var freed = new List<FreeExtent>();
                for (int i = 0; i < slots; i++)
                {
                    if (random.Next(4) == 0) continue; // still in use
                    long born = random.Next(1, (int)now - 1), died = random.Next(0, 3) == 0 ? 0 : Math.Min(now, born + 1 + random.Next(0, 80));
                    if (died == 0) born = 0;
                    space.Free(Start + i * size, size, born, died);
                    freed.Add(new FreeExtent { Offset = Start + i * size, Length = size, Born = born, Died = died });
                }
                space.Reclaim(pins, now + random.Next(0, 5));
                Assert.Null(space.FindBrokenInvariant());
                foreach (var f in freed)
                {
                    FreeExtent holder = default;
                    bool found = false;
                    foreach (var e in space.Extents)
                        if (e.Offset <= f.Offset && f.End <= e.End) { holder = e; found = true; break; }
                    foreach (var p in pins)
                    {
                        if (!f.IsVisibleTo(p.Key, p.Value)) continue;
                        Assert.True(found, $"round {round}: a range pin {p} saw is gone from the table");
                        Assert.True(holder.IsVisibleTo(p.Key, p.Value), $"round {round}: pin {p} saw ({f.Born}, {f.Died}) but its range is ({holder.Born}, {holder.Died})");
                    }
                }
            }
        }
    }
}
