using System;
using System.Linq;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HeapProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Concurrency
{
    /// <summary>Readers in other processes: their snapshots, the space they pin, and a file that grows under them.</summary>
    public class ReaderProcessTests : IDisposable
    {
        private const int ValueSize = 2048;
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        private static void Overwrite(MappedHeap heap, string key, long from, long to)
        {
            for (long v = from; v <= to; v++) heap.Set(key, SelfCheckingValue.Make(key, v, ValueSize));
        }

        /// <summary>Overwrites 1,000 times to let the reuse settle, then 1,000 more: the file must not grow in the second round.</summary>
        private static void AssertTheFileStopsGrowing(MappedHeap heap, string key, long from)
        {
            Overwrite(heap, key, from, from + 999);
            long settled = heap.Size;
            Overwrite(heap, key, from + 1000, from + 1999);
            Assert.Equal(settled, heap.Size);
            Assert.Equal(0, heap.GetStatistics().Pinned);
        }

        [Fact]
        public void A_heap_written_here_is_read_by_a_child_process()
        {
            string path = _dir.File("shared.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("greeting", new object[] { "hello", 42, 2.5 });
            using var child = ChildProbe.HeapProbe("get", path, "greeting");
            Assert.True(child.WaitForExit() == 0, child.Transcript);
            Assert.Contains("hello,42,2.5", child.Lines);
        }

        [Fact]
        public void A_reader_that_drops_its_old_view_stops_pinning_space_while_it_keeps_running()
        {
            string path = _dir.File("drop.heap");
            using var heap = MappedHeap.Open(path);
            heap.Set("k0", SelfCheckingValue.Make("k0", 1, ValueSize));
            using var reader = ChildProbe.HeapProbe("reader", path);
            reader.WaitForLine("mounted");
            Assert.Equal("ok k0 1", reader.Ask("get k0", "ok"));

            Overwrite(heap, "k0", 2, 1001);
            var held = heap.GetStatistics();
            Assert.True(held.Pinned >= ValueSize, $"pinned {held.Pinned}");
            Assert.Equal(2, held.Readers);
            Assert.Equal("still 1", reader.Ask("check", "still"));

            reader.Ask("drop", "dropped");
            heap.Set("k0", SelfCheckingValue.Make("k0", 1002, ValueSize));
            Assert.Equal(0, heap.GetStatistics().Pinned);
            AssertTheFileStopsGrowing(heap, "k0", 1003);
            // The reader is still there, and reads the latest value.
            Assert.Equal("ok k0 3002", reader.Ask("get k0", "ok"));
            // It ends (dismounting) while it holds a view older than the latest: that pins nothing any more either.
            heap.Set("k0", SelfCheckingValue.Make("k0", 3003, ValueSize));
            Assert.True(heap.GetStatistics().Pinned >= ValueSize);
            reader.SendLine("quit");
            Assert.Equal(0, reader.WaitForExit());
            var after = heap.GetStatistics();
            Assert.Equal(0, after.Pinned);
            Assert.Equal(1, after.Readers);
        }

        [Fact]
        public void A_reader_killed_while_holding_a_snapshot_stops_pinning_space()
        {
            string path = _dir.File("dead-reader.heap");
            using var heap = MappedHeap.Open(path);
            heap.Set("k0", SelfCheckingValue.Make("k0", 1, ValueSize));
            using (var reader = ChildProbe.HeapProbe("reader", path))
            {
                reader.WaitForLine("mounted");
                reader.Ask("get k0", "ok k0 1");
                Overwrite(heap, "k0", 2, 201);
                Assert.True(heap.GetStatistics().Pinned >= ValueSize);
                reader.Kill();
            }
            // The dead process's slot still names it until a look at the reader table finds its pid gone. Liveness is
            // asked of the OS at most once a second per process, so wait for it (bounded) rather than expect it at once.
            var stats = heap.GetStatistics();
            var deadline = DateTime.UtcNow + ChildProbe.Patience;
            while (stats.Pinned != 0 && DateTime.UtcNow < deadline)
            {
                System.Threading.Thread.Sleep(100);
                stats = heap.GetStatistics();
            }
            Assert.Equal(0, stats.Pinned);
            Assert.Equal(1, stats.Readers);
            AssertTheFileStopsGrowing(heap, "k0", 202);
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void A_reader_in_another_process_maps_the_part_the_file_grew_by_when_it_first_needs_it()
        {
            string path = _dir.File("growing.heap");
            using var heap = MappedHeap.Open(path);
            heap.Set("g0", SelfCheckingValue.Make("g0", 1, 1000));
            long first = heap.Size;
            using var reader = ChildProbe.HeapProbe("reader", path);
            reader.WaitForLine("mounted");
            reader.Ask("get g0", "ok g0 1");

            // 40 values of 1 MB: the file grows many times over while the reader has it mapped.
            for (int i = 1; i <= 40; i++)
            {
                heap.Set("g" + i, SelfCheckingValue.Make("g" + i, 1, 1 << 20));
                if (i % 4 == 0) Assert.Equal($"ok g{i} 1", reader.Ask("get g" + i, "ok"));
            }
            Assert.True(heap.Size > first * 8, $"the file grew only from {first} to {heap.Size} bytes");
            // What it read before each growth still reads; so does what was written last, and the first key again.
            Assert.Equal("still 11", reader.Ask("check", "still"));
            Assert.Equal("ok g39 1", reader.Ask("get g39", "ok"));
            Assert.Equal("ok g0 1", reader.Ask("get g0", "ok"));
            reader.SendLine("quit");
            Assert.Equal(0, reader.WaitForExit());
        }

        [Fact]
        public void Three_writer_processes_and_three_reader_processes_share_one_file_without_errors()
        {
            string path = _dir.File("busy.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("created", true);
            var writers = Enumerable.Range(0, 3).Select(i => ChildProbe.HeapProbe("write", path, "20", "150", i.ToString(), "16", "20000")).ToList();
            // HeapProbe's read: random keys of writers 0..2 for 6 s, checking every checksum and that versions never go back.
            var readers = Enumerable.Range(0, 3).Select(_ => ChildProbe.HeapProbe("read", path, "20", "6", "3")).ToList();
            try
            {
                foreach (var w in writers) Assert.True(w.WaitForExit() == 0, w.Transcript);
                foreach (var r in readers)
                {
                    Assert.True(r.WaitForExit() == 0, r.Transcript);
                    Assert.Matches("^ok [1-9][0-9]*$", r.Lines.Single());
                }
                Assert.Equal(450, writers.Sum(w => w.Lines.Count(l => l.StartsWith("committed "))));
                Assert.Empty(HeapVerifier.Verify(path));
            }
            finally
            {
                foreach (var p in writers.Concat(readers)) p.Dispose();
            }
        }
    }
}
