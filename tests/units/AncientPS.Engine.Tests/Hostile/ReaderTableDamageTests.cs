using System;
using AncientPS.Engine.Storage;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HostileProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Hostile
{
    /// <summary>
    /// The reader table's high-water word (slot 0's reserved word: how many slots were ever claimed) lives in the file and
    /// any process may write it. A file whose word is outside 0..slots (found by AFL++: 65536 and 657955072) is damage:
    /// reads and writes go on (a writer scans every slot, a claim raises a word below its slot), the invariant check
    /// reports it as damage in the file, not as a broken engine invariant, and the verifier reports it.
    /// </summary>
    public class ReaderTableDamageTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        private const long HighWaterAt = HeapLayout.ReaderTableOffset + ReaderSlot.HighWaterField;

        private string Damaged(int highWater)
        {
            string path = _folder.File($"hw{highWater}.heap");
            SampleHeaps.Write(path, "records");
            new HeapPatcher(path).WriteUInt32(HighWaterAt, unchecked((uint)highWater)).Save();
            return path;
        }

        [Theory]
        [InlineData(65536)]
        [InlineData(657955072)]
        [InlineData(257)]
        public void A_word_above_the_slots_is_damage_the_invariant_check_and_the_verifier_report_and_reads_and_writes_survive(int highWater)
        {
            string path = Damaged(highWater);
            Assert.Contains(HeapVerifier.Verify(path), p => p.Message.Contains("reader table"));
            using (var heap = MappedHeap.Open(path))
            {
                var rows = (AncientList)heap.Get("rows", ValueProjection.None);
                Assert.Equal(12, rows.Count);
                var error = Assert.Throws<AncientHeapCorruptException>(() => heap.CheckInvariants());
                Assert.Contains("reader table", error.Message);
                heap.Set("after", new object[] { 1, "two" });
                Assert.Equal("two", ((AncientList)heap.Get("after", ValueProjection.None))[1]);
                Assert.Equal(12, ((AncientList)heap.Get("rows", ValueProjection.None)).Count);
            }
        }

        [Theory]
        [InlineData(-5)]
        [InlineData(int.MinValue)]
        public void A_word_below_zero_is_raised_by_the_next_claim_and_the_heap_is_whole_again(int highWater)
        {
            string path = Damaged(highWater);
            Assert.Contains(HeapVerifier.Verify(path), p => p.Message.Contains("reader table"));
            using (var heap = MappedHeap.Open(path))
            {
                Assert.Equal(12, ((AncientList)heap.Get("rows", ValueProjection.None)).Count);
                heap.CheckInvariants();
                heap.Set("after", 1);
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }
    }
}
