using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HeapProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Concurrency
{
    /// <summary>One writer at a time, across threads and processes; a dead writer never keeps the lock.</summary>
    public class WriterLockTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Writers_in_three_processes_and_two_threads_are_serialised_and_every_commit_lands()
        {
            string path = _dir.File("serial.heap");
            long before;
            using (var heap = MappedHeap.Open(path)) before = heap.GetStatistics().TransactionId;

            var writers = Enumerable.Range(0, 3).Select(i => ChildProbe.HeapProbe("write", path, "10", "100", i.ToString(), "16", "3000")).ToList();
            try
            {
                using (var heap = MappedHeap.Open(path))
                {
                    var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
                    var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
                    {
                        try
                        {
                            for (int i = 0; i < 50; i++) heap.Set($"thread{t}-{i % 5}", SelfCheckingValue.Make($"thread{t}-{i % 5}", i + 1, 100));
                        }
                        catch (Exception e) { failures.Enqueue(e); }
                    })).ToList();
                    threads.ForEach(t => t.Start());
                    threads.ForEach(t => t.Join());
                    Assert.Empty(failures);
                }
                foreach (var w in writers) Assert.True(w.WaitForExit() == 0, w.Transcript);

                using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
                {
                    // Each commit takes the next transaction id: two writers that overlapped would have published the same
                    // id, and one of their commits would be missing.
                    Assert.Equal(before + 300 + 100, heap.GetStatistics().TransactionId);
                    foreach (var w in writers)
                    {
                        foreach (var c in w.Committed())
                        {
                            Assert.Null(SelfCheckingValue.Check(c.Key, heap.Get(c.Key), out long version));
                            Assert.Equal(c.Value, version);
                        }
                    }
                    for (int t = 0; t < 2; t++)
                        for (int k = 0; k < 5; k++)
                        {
                            Assert.Null(SelfCheckingValue.Check($"thread{t}-{k}", heap.Get($"thread{t}-{k}"), out long version));
                            Assert.Equal(46 + k, version);
                        }
                }
                Assert.Empty(HeapVerifier.Verify(path));
            }
            finally
            {
                writers.ForEach(w => w.Dispose());
            }
        }

        [Fact]
        public void A_writer_killed_while_holding_the_lock_leaves_the_heap_unlocked_and_unchanged()
        {
            string path = _dir.File("held-lock.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("before", "kept");

            for (int round = 0; round < 3; round++)
            {
                using (var holder = ChildProbe.HeapProbe("lock", path))
                {
                    holder.WaitForLine("locked");
                    // While the other process holds the lock, a writer here waits and then gives up: writers are serialised.
                    using (var heap = MappedHeap.Open(path, new HeapOptions { LockTimeout = TimeSpan.FromMilliseconds(300) }))
                        Assert.Throws<AncientHeapBusyException>(() => heap.Set("blocked", 1));
                    holder.Kill();
                }

                // The OS released the dead writer's lock: the next writer gets it without waiting out any timeout.
                using (var heap = MappedHeap.Open(path, new HeapOptions { LockTimeout = TimeSpan.FromSeconds(30) }))
                {
                    Assert.False(heap.ContainsKey("lock-holder"));
                    Assert.False(heap.ContainsKey("blocked"));
                    Assert.Equal("kept", heap.Get("before"));
                    heap.Set("after", round);
                    Assert.Equal(round, heap.Get("after"));
                }
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void A_writer_that_lets_go_of_the_lock_lets_the_waiting_writer_in()
        {
            string path = _dir.File("handover.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("before", "kept");
            using var holder = ChildProbe.HeapProbe("lock", path);
            holder.WaitForLine("locked");
            using var heap2 = MappedHeap.Open(path);
            var waiting = new Thread(() => heap2.Set("waited", 1));
            waiting.Start();
            Assert.False(waiting.Join(200), "the writer here went ahead while another process held the lock");
            holder.SendLine("go");
            Assert.Equal(0, holder.WaitForExit());
            Assert.True(waiting.Join(ChildProbe.Patience));
            Assert.Equal(1, heap2.Get("waited"));
            Assert.True(heap2.ContainsKey("lock-holder"));
        }
    }
}
