using System;
using System.Linq;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HeapProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Concurrency
{
    /// <summary>
    /// Flushed durability takes another path through every commit (flush the data, publish, flush the meta page). Power
    /// loss cannot be tested here; that the path commits correctly, alone and mixed with Fast writers, can.
    /// </summary>
    public class DurabilityTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Flushed_commits_read_back_in_this_process_in_another_process_and_after_a_new_mount()
        {
            string path = _dir.File("flushed.heap");
            using (var heap = MappedHeap.Open(path, new HeapOptions { Durability = Durability.Flushed }))
            {
                Assert.Equal(Durability.Flushed, heap.Durability);
                for (int i = 0; i < 40; i++) heap.Set("k" + (i % 8), SelfCheckingValue.Make("k" + (i % 8), i + 1, 70_000));
                heap.Remove("k7");
                Assert.Null(SelfCheckingValue.Check("k0", heap.Get("k0"), out long v0));
                Assert.Equal(33, v0);

                using var reader = ChildProbe.HeapProbe("reader", path);
                reader.WaitForLine("mounted");
                Assert.Equal("ok k6 39", reader.Ask("get k6", "ok"));
                reader.SendLine("quit");
                Assert.Equal(0, reader.WaitForExit());
            }
            using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
            {
                Assert.Equal(7, heap.Count);
                for (int k = 0; k < 7; k++)
                {
                    Assert.Null(SelfCheckingValue.Check("k" + k, heap.Get("k" + k), out long version));
                    Assert.Equal(33 + k, version);
                }
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        private static long FlushesOf(MappedHeap heap) => ((AncientPS.Engine.Storage.FileHeapMemory)heap.Core.Memory).FlushCount;

        [Fact]
        public void Dismount_after_a_fast_set_does_not_flush_and_the_data_is_there_on_the_next_mount()
        {
            string path = _dir.File("fast-dismount.heap");
            var heap = MappedHeap.Open(path);
            var memory = (AncientPS.Engine.Storage.FileHeapMemory)heap.Core.Memory;
            long afterCreate = memory.FlushCount; // creating the file flushes its header: that is not a commit
            heap.Set("rows", Enumerable.Range(0, 10_000).Select(i => (object)("row" + i)).ToArray());
            heap.Set("small", 42L);
            Assert.Equal(afterCreate, memory.FlushCount);
            heap.Dispose();
            Assert.Equal(afterCreate, memory.FlushCount);
            using (var again = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
            {
                Assert.Equal(42L, again.Get("small"));
                Assert.Equal(0L, FlushesOf(again));
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void Dismount_after_a_flushed_set_flushes_and_a_flushed_mount_that_only_read_does_not()
        {
            string path = _dir.File("flushed-dismount.heap");
            using (var fast = MappedHeap.Open(path)) fast.Set("small", 1L);
            var heap = MappedHeap.Open(path, new HeapOptions { Durability = Durability.Flushed });
            var memory = (AncientPS.Engine.Storage.FileHeapMemory)heap.Core.Memory;
            Assert.Equal(0L, memory.FlushCount);
            heap.Set("small", 2L);
            long afterSet = memory.FlushCount;
            Assert.True(afterSet >= 2, $"a Flushed commit flushes its data and its meta page ({afterSet} flushes)");
            heap.Dispose();
            Assert.True(memory.FlushCount > afterSet, "the dismount after a Flushed write flushes");

            var reader = MappedHeap.Open(path, new HeapOptions { Durability = Durability.Flushed });
            var readerMemory = (AncientPS.Engine.Storage.FileHeapMemory)reader.Core.Memory;
            Assert.Equal(2L, reader.Get("small"));
            reader.Dispose();
            Assert.Equal(0L, readerMemory.FlushCount);
        }

        [Fact]
        public void Flushed_and_fast_writers_in_several_processes_mix_on_one_file()
        {
            string path = _dir.File("mixed.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("created", true);
            var writers = new[]
            {
                ChildProbe.HeapProbe("write", path, "5", "60", "0", "16", "50000", "flushed"),
                ChildProbe.HeapProbe("write", path, "5", "60", "1", "16", "50000", "fast"),
            };
            try
            {
                using (var flushed = MappedHeap.Open(path, new HeapOptions { Durability = Durability.Flushed }))
                {
                    // One file mounted twice in a process shares one mapping; each handle keeps its own durability.
                    using var fast = flushed.OpenAnother(readOnly: false);
                    for (int i = 1; i <= 30; i++)
                    {
                        flushed.Set("here-flushed", SelfCheckingValue.Make("here-flushed", i, 1000));
                        fast.Set("here-fast", SelfCheckingValue.Make("here-fast", i, 1000));
                    }
                }
                foreach (var w in writers) Assert.True(w.WaitForExit() == 0, w.Transcript);
                using var check = MappedHeap.Open(path, new HeapOptions { ReadOnly = true });
                foreach (var c in writers.SelectMany(w => w.Committed()))
                {
                    Assert.Null(SelfCheckingValue.Check(c.Key, check.Get(c.Key), out long version));
                    Assert.Equal(c.Value, version);
                }
                Assert.Null(SelfCheckingValue.Check("here-flushed", check.Get("here-flushed"), out long f));
                Assert.Null(SelfCheckingValue.Check("here-fast", check.Get("here-fast"), out long g));
                Assert.Equal(30, f);
                Assert.Equal(30, g);
            }
            finally
            {
                foreach (var w in writers) w.Dispose();
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }
    }
}
