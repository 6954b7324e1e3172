using System;
using System.Collections.Generic;
using System.IO;
using AncientPS.Engine;

namespace AncientPS.HostileProbe
{
    /// <summary>
    /// hostileprobe mutate WORKDIR COUNT SEED: writes the sample heaps, then mounts, reads, writes to and verifies COUNT
    /// damaged copies, printing one line per case. A line starting with FAIL is an undocumented exception; a crash ends
    /// the process before "done".
    /// hostileprobe copy WORKDIR COUNT SEED: compacting copies of COUNT damaged heaps (<see cref="CopyCases"/>).
    /// hostileprobe seeds DIR: writes the sample heaps (the fuzzer's seed corpus) into DIR.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length >= 2 && args[0] == "seeds")
            {
                Directory.CreateDirectory(args[1]);
                foreach (var kind in SampleHeaps.Kinds) SampleHeaps.Write(Path.Combine(args[1], kind + ".heap"), kind);
                Console.WriteLine("seeds " + SampleHeaps.Kinds.Length);
                return 0;
            }
            if (args.Length >= 4 && args[0] == "mutate") return Mutate(args[1], int.Parse(args[2]), int.Parse(args[3]));
            if (args.Length >= 4 && args[0] == "copy") return CopyCases.Run(args[1], int.Parse(args[2]), int.Parse(args[3]));
            Console.Error.WriteLine("usage: HostileProbe mutate WORKDIR COUNT SEED | copy WORKDIR COUNT SEED | seeds DIR");
            return 2;
        }

        private static int Mutate(string work, int count, int seed)
        {
            Directory.CreateDirectory(work);
            var originals = new List<KeyValuePair<string, byte[]>>();
            foreach (var kind in SampleHeaps.Kinds)
            {
                string path = Path.Combine(work, kind + ".heap");
                SampleHeaps.Write(path, kind);
                originals.Add(new KeyValuePair<string, byte[]>(kind, File.ReadAllBytes(path)));
            }
            var mutator = new Mutator(seed);
            string target = Path.Combine(work, "case.heap");
            for (int i = 0; i < count; i++)
            {
                var original = originals[i % originals.Count];
                byte[] bytes = mutator.Mutate(original.Value, out string how);
                File.WriteAllBytes(target, bytes);
                string outcome = RunCase(target, i);
                Console.WriteLine($"case {i} {original.Key} {outcome} [{how}]");
            }
            Console.WriteLine("done " + count);
            return 0;
        }

        /// <summary>Mounts, reads everything, sometimes writes, then verifies; names the outcome.</summary>
        public static string RunCase(string path, int i)
        {
            string read;
            Exception readError = null;
            try
            {
                using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = i % 3 == 0, CreateIfMissing = false, LockTimeout = TimeSpan.FromSeconds(5) }))
                {
                    readError = HeapWalker.ReadEverything(heap);
                    var invariantError = CheckInvariants(heap);
                    bool writes = i % 4 == 1 && !heap.IsReadOnly;
                    read = readError != null ? "damaged:" + readError.GetType().Name
                        : invariantError != null ? "damaged-invariants:" + invariantError.GetType().Name
                        : "read";
                    // A write commits a fresh meta page: damage that only the invariant check saw there (its byte
                    // counts) is gone before the verifier looks, so it is held against the verifier only without one.
                    if (!writes) readError = readError ?? invariantError;
                    if (writes)
                    {
                        try
                        {
                            heap.Set("written", new object[] { "after", i, new[] { 1, 2 } });
                            heap.Remove("n");
                            read += ",written";
                            // After a write, the allocator state kept in memory must be the committed free table.
                            heap.CheckInvariants();
                        }
                        catch (Exception e) when (HeapWalker.IsDocumented(e))
                        {
                            read += ",write-refused:" + e.GetType().Name;
                        }
                    }
                }
            }
            catch (Exception e) when (HeapWalker.IsDocumented(e))
            {
                readError = e;
                read = "refused:" + e.GetType().Name;
            }
            catch (Exception e)
            {
                return $"FAIL {e.GetType().FullName}: {OneLine(e.Message)} at {OneLine(e.StackTrace)}";
            }

            try
            {
                var problems = HeapVerifier.Verify(path);
                if (problems.Count == 0 && readError != null && !read.StartsWith("refused", StringComparison.Ordinal))
                    return $"MISMATCH verify found nothing, reading threw {readError.GetType().Name}: {OneLine(readError.Message)}";
                if (problems.Count == 0 && read.StartsWith("refused", StringComparison.Ordinal))
                    return $"MISMATCH verify found nothing, mounting threw {readError.GetType().Name}: {OneLine(readError.Message)}";
                return read + " problems=" + problems.Count;
            }
            catch (Exception e)
            {
                return $"FAIL verify {e.GetType().FullName}: {OneLine(e.Message)} at {OneLine(e.StackTrace)}";
            }
        }

        /// <summary>The engine's invariant check; damage it finds is a documented error, a broken engine invariant is not (it escapes as a FAIL).</summary>
        private static Exception CheckInvariants(MappedHeap heap)
        {
            try
            {
                heap.CheckInvariants();
                return null;
            }
            catch (Exception e) when (HeapWalker.IsDocumented(e))
            {
                return e;
            }
        }

        private static string OneLine(string s) => (s ?? "").Replace('\r', ' ').Replace('\n', ' ');
    }
}
