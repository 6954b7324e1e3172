using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HostileProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Hostile
{
    public class VerifierTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        public static TheoryData<string> Kinds()
        {
            var data = new TheoryData<string>();
            foreach (var kind in SampleHeaps.Kinds) data.Add(kind);
            return data;
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void A_healthy_heap_has_no_problems(string kind)
        {
            string path = _folder.File(kind + ".heap");
            SampleHeaps.Write(path, kind);
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void A_heap_mounted_in_this_process_is_verified_through_its_own_mapping_and_stays_writable()
        {
            string path = _folder.File("mounted.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("a", SampleHeaps.Mixed());
                Assert.Empty(HeapVerifier.Verify(path));
                heap.Set("b", SampleHeaps.Records(3));
                Assert.Empty(HeapVerifier.Verify(path));
                Assert.Equal(2, heap.Count);
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void Verifying_a_mounted_heap_lets_its_pin_go_when_it_returns()
        {
            // Before, the check pinned the latest state through a snapshot that only the garbage collector released: the
            // space of every value replaced afterwards stayed held (Pinned) until a collection happened to run.
            string path = _folder.File("pin.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("a", SampleHeaps.Records(50));
                Assert.Empty(HeapVerifier.Verify(path));
                heap.Set("a", SampleHeaps.Records(60));
                heap.Set("a", SampleHeaps.Records(70));
                Assert.Equal(0, heap.GetStatistics().Pinned);
            }
        }

        [Fact]
        public void Progress_reaches_the_total_and_cancellation_stops_the_check()
        {
            string path = _folder.File("progress.heap");
            SampleHeaps.Write(path, "churned");
            var calls = new List<(long Done, long Total)>();
            HeapVerifier.Verify(path, (done, total) => calls.Add((done, total)));
            Assert.NotEmpty(calls);
            Assert.All(calls, c => Assert.InRange(c.Done, 0, c.Total));
            Assert.Equal(calls[^1].Total, calls[^1].Done);

            using (var cancel = new CancellationTokenSource())
            {
                cancel.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => HeapVerifier.Verify(path, null, cancel.Token));
            }
        }

        [Fact]
        public void A_changed_value_byte_is_reported_with_its_key()
        {
            string path = _folder.File("flip.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("good", new object[] { "untouched text value" });
                heap.Set("bad", new object[] { "this text will change" });
            }
            var patch = new HeapPatcher(path);
            long list = patch.RootOf(patch.FindEntry("bad"));
            long text = patch.ReadListPayload(list, 0);
            patch.WriteByte(text + 6, (byte)'X').Save();
            var problems = HeapVerifier.Verify(path);
            var problem = Assert.Single(problems);
            Assert.Equal(HeapArea.Value, problem.Area);
            Assert.Equal("bad", problem.Key);
            Assert.Contains("checksum", problem.Message);
            Assert.Equal(path, problem.Path);
        }

        [Fact]
        public void A_damaged_key_entry_and_a_damaged_meta_page_are_reported_where_they_are()
        {
            string path = _folder.File("entry.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("k1", 1);
                heap.Set("k2", 2);
            }
            var patch = new HeapPatcher(path);
            long entry = patch.FindEntry("k1");
            int latest = patch.LatestMeta;
            patch.WriteInt64(entry + 32, 42).WriteInt64(latest + 24, 99).Save();
            var problems = HeapVerifier.Verify(path);
            Assert.Contains(problems, p => p.Area == HeapArea.Entry && p.Offset == entry);
            Assert.Contains(problems, p => p.Area == HeapArea.Meta && p.Offset == latest);
        }

        [Fact]
        public void A_missing_file_or_a_folder_is_an_error_not_a_problem()
        {
            Assert.Throws<FileNotFoundException>(() => HeapVerifier.Verify(_folder.File("missing.heap")));
            Assert.ThrowsAny<IOException>(() => HeapVerifier.Verify(_folder.Path));
            Assert.Throws<ArgumentNullException>(() => HeapVerifier.Verify(null));
        }
    }
}
