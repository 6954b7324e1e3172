using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HeapProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Concurrency
{
    /// <summary>Many threads of one process on one heap: reads and writes at once, and a dismount in the middle of them.</summary>
    public class InProcessTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Eight_threads_reading_and_writing_twenty_keys_only_ever_see_whole_values_in_order()
        {
            string path = _dir.File("threads.heap");
            using var heap = MappedHeap.Open(path);
            var problems = new ConcurrentQueue<string>();
            long reads = 0, writes = 0, checks = 0;
            var stop = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            // Threads 0-3 each own five keys and write them with growing versions; threads 4-7 read any key; thread 8
            // checks the invariants of the free table, reader table and directory while they do.
            var threads = Enumerable.Range(0, 9).Select(t => new Thread(() =>
            {
                var random = new Random(t);
                var seen = new Dictionary<string, long>();
                var versions = new long[5];
                try
                {
                    // A writer goes on past the time until it has written each of its keys once: on a loaded machine a
                    // thread may get only a few turns in three seconds, and the count below must not depend on that.
                    while (DateTime.UtcNow < stop || (t < 4 && Array.IndexOf(versions, 0L) >= 0))
                    {
                        if (t == 8)
                        {
                            heap.CheckInvariants();
                            Interlocked.Increment(ref checks);
                        }
                        else if (t < 4)
                        {
                            int first = Array.IndexOf(versions, 0L);
                            int k = first >= 0 ? first : random.Next(5);
                            string key = $"t{t}-k{k}";
                            heap.Set(key, SelfCheckingValue.Make(key, ++versions[k], random.Next(1, 3000)));
                            Interlocked.Increment(ref writes);
                        }
                        else
                        {
                            string key = $"t{random.Next(4)}-k{random.Next(5)}";
                            if (!heap.TryGet(key, out var value)) continue;
                            string problem = SelfCheckingValue.Check(key, value, out long version);
                            if (problem != null) problems.Enqueue(problem);
                            if (seen.TryGetValue(key, out long last) && version < last) problems.Enqueue($"{key} went back from {last} to {version}");
                            seen[key] = version;
                            Interlocked.Increment(ref reads);
                        }
                    }
                }
                catch (Exception e)
                {
                    problems.Enqueue(e.ToString());
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(problems);
            Assert.True(reads > 0 && writes > 0 && checks > 0, $"{reads} reads, {writes} writes, {checks} invariant checks");
            Assert.Equal(20, heap.Count);
            heap.CheckInvariants();
        }

        [Fact]
        public void Threads_reading_while_the_heap_is_dismounted_get_ObjectDisposedException_and_nothing_else()
        {
            string path = _dir.File("dismount.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("rows", Enumerable.Range(0, 2000).Select(i => new object[] { i, "name" + i, (double)i }).ToArray());
                heap.Set("table", Enumerable.Range(0, 500).ToDictionary(i => "k" + i, i => (object)("v" + i)));
                heap.Set("bytes", new byte[100_000]);
            }
            var outcomes = new ConcurrentDictionary<string, int>();
            var random = new Random(4);
            for (int cycle = 0; cycle < 40; cycle++)
            {
                var heap = MappedHeap.Open(path);
                var rows = (AncientList)heap.Get("rows");
                var table = (AncientDictionary)heap.Get("table");
                var started = new CountdownEvent(5);
                var threads = new List<Thread>();
                for (int t = 0; t < 5; t++)
                {
                    int kind = t;
                    threads.Add(new Thread(() =>
                    {
                        started.Signal();
                        try
                        {
                            for (int n = 0; ; n++)
                            {
                                switch (kind)
                                {
                                    case 0:
                                        foreach (AncientList row in rows) if ((int)row[0] < 0) throw new InvalidDataException("garbage");
                                        break;
                                    case 1:
                                        if ((string)table["k" + (n % 500)] != "v" + (n % 500)) throw new InvalidDataException("garbage");
                                        break;
                                    case 2:
                                        if (((AncientList)heap.Get("rows")).Count != 2000) throw new InvalidDataException("garbage");
                                        break;
                                    case 3:
                                        heap.GetStatistics();
                                        ((AncientList)heap.Get("bytes")).ToArray();
                                        break;
                                    default:
                                        heap.Set("w", n);
                                        break;
                                }
                            }
                        }
                        catch (Exception e)
                        {
                            // AncientHeapDismountedException (the path-naming kind) is an ObjectDisposedException too.
                            string outcome = e is ObjectDisposedException ? typeof(ObjectDisposedException).FullName : e.GetType().FullName + ": " + e;
                            outcomes.AddOrUpdate(outcome, 1, (_, c) => c + 1);
                        }
                    }) { IsBackground = true });
                }
                threads.ForEach(t => t.Start());
                started.Wait();
                Thread.Sleep(random.Next(0, 30));
                heap.Dispose();
                foreach (var t in threads) Assert.True(t.Join(ChildProbe.Patience), "a reader hung after the dismount");
            }
            // Every thread of every cycle ended with the documented error, and the file is sound.
            Assert.Equal(typeof(ObjectDisposedException).FullName, Assert.Single(outcomes.Keys));
            Assert.Equal(200, outcomes.Values.Sum());
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void Two_paths_to_one_file_in_one_process_are_one_heap_with_one_writer_at_a_time()
        {
            if (OperatingSystem.IsWindows()) return; // symbolic links need privileges there
            string real = _dir.File("real.heap");
            string link = _dir.File("link.heap");
            using (var create = MappedHeap.Open(real)) create.Set("created", true);
            File.CreateSymbolicLink(link, real);
            using var a = MappedHeap.Open(real);
            using var b = MappedHeap.Open(link);
            var failures = new ConcurrentQueue<Exception>();
            var threads = new[] { a, b }.Select((h, t) => new Thread(() =>
            {
                try { for (int i = 0; i < 150; i++) h.Set($"p{t}-{i}", i); }
                catch (Exception e) { failures.Enqueue(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(failures);
            // Two mappings with two write gates would let both threads commit on top of the same state, losing keys.
            Assert.Equal(301, a.Count);
            Assert.Equal(301, b.Count);
            b.Dispose();
            a.Set("after", 1);
            using var c = MappedHeap.Open(link);
            Assert.Equal(302, c.Count);
            Assert.Empty(HeapVerifier.Verify(real));
        }
    }
}
