using System;
using System.Collections.Generic;
using System.Linq;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>The pin counts a reader slot publishes (oldest and newest pinned transaction), against a sorted dictionary.</summary>
    public class PinCountsTests
    {
        [Fact]
        public void Counts_pins_per_transaction_and_keeps_the_oldest_and_newest()
        {
            var pins = new PinCounts();
            Assert.Equal(0, pins.Oldest);
            Assert.Equal(0, pins.Newest);
            Assert.True(pins.Add(7));
            Assert.False(pins.Add(7));
            Assert.True(pins.Add(3));
            Assert.True(pins.Add(9));
            Assert.True(pins.Add(5));
            Assert.Equal(3, pins.Oldest);
            Assert.Equal(9, pins.Newest);
            Assert.False(pins.Remove(7));            // pinned twice: still pinned
            Assert.True(pins.Contains(7));
            Assert.True(pins.Remove(7));
            Assert.False(pins.Contains(7));
            Assert.False(pins.Remove(7));            // not pinned: left alone
            Assert.False(pins.Remove(4));
            Assert.True(pins.Remove(3));
            Assert.Equal(5, pins.Oldest);
            Assert.True(pins.Remove(9));
            Assert.Equal(5, pins.Newest);
            Assert.True(pins.Remove(5));
            Assert.Equal(0, pins.Count);
            Assert.Equal(0, pins.Oldest);
            Assert.Equal(0, pins.Newest);
        }

        [Fact]
        public void Random_pins_and_unpins_agree_with_a_sorted_dictionary()
        {
            var random = new Random(18);
            var pins = new PinCounts();
            var expected = new SortedDictionary<long, int>();
            for (int step = 0; step < 20000; step++)
            {
                // Mostly recent transactions, as readers pin them, with some old ones let go late.
                long txn = 1 + (random.Next(4) == 0 ? random.Next(1000) : 900 + random.Next(100));
                if (random.Next(2) == 0)
                {
                    expected.TryGetValue(txn, out int n);
                    expected[txn] = n + 1;
                    Assert.Equal(n == 0, pins.Add(txn));
                }
                else
                {
                    bool had = expected.TryGetValue(txn, out int n);
                    if (had && n > 1) expected[txn] = n - 1;
                    else if (had) expected.Remove(txn);
                    Assert.Equal(had && n == 1, pins.Remove(txn));
                }
                Assert.Equal(expected.Count, pins.Count);
                Assert.Equal(expected.Count == 0 ? 0 : expected.Keys.First(), pins.Oldest);
                Assert.Equal(expected.Count == 0 ? 0 : expected.Keys.Last(), pins.Newest);
            }
            pins.Clear();
            Assert.Equal(0, pins.Newest);
        }
    }
}
