using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using AncientPS.Engine;

namespace AncientPS.Probe
{
    /// <summary>
    /// Commands (all print one line per event and flush, so a parent that kills us knows what was committed):
    ///   write PATH KEYS COUNT SEED   writes COUNT self-checking values over keys "wSEED-k0".."wSEED-k(KEYS-1)" (each key has one writer,
    ///                                so its versions only grow); prints "committed KEY VERSION" after each Set returns
    ///   read PATH KEYS SECONDS WRITERS reads random keys of writers 0..WRITERS-1, verifying checksums and that versions never go
    ///                                back; prints "ok READS" or "error ..."
    ///   hold PATH KEY                 reads KEY, prints "held VERSION", waits for a line on stdin, re-reads the held view, prints "still VERSION"
    ///   get PATH KEY                  prints the value's text
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            try
            {
                switch (args[0])
                {
                    case "write": return Write(args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
                    case "read": return Read(args[1], int.Parse(args[2]), double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[4]));
                    case "hold": return Hold(args[1], args[2]);
                    case "get": return Get(args[1], args[2]);
                    default: Console.Error.WriteLine("unknown command " + args[0]); return 2;
                }
            }
            catch (Exception e)
            {
                Console.WriteLine("error " + e.GetType().Name + ": " + e.Message.Replace('\n', ' '));
                return 1;
            }
        }

        private static void Say(string line)
        {
            Console.WriteLine(line);
            Console.Out.Flush();
        }

        private static int Write(string path, int keys, int count, int seed)
        {
            var random = new Random(seed);
            using var heap = AncientHeap.Open(path);
            for (int i = 0; i < count; i++)
            {
                string key = $"w{seed}-k{random.Next(keys)}";
                long version = SelfCheckingValue.NextVersion(heap, key);
                heap.Set(key, SelfCheckingValue.Make(key, version, random.Next(1, 4096)));
                Say($"committed {key} {version}");
            }
            return 0;
        }

        private static int Read(string path, int keys, double seconds, int writers)
        {
            var random = new Random();
            var seen = new Dictionary<string, long>();
            var clock = Stopwatch.StartNew();
            long reads = 0;
            using var heap = AncientHeap.Open(path, new HeapOptions { ReadOnly = true });
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                string key = $"w{random.Next(writers)}-k{random.Next(keys)}";
                if (!heap.TryGet(key, out var value)) continue;
                string problem = SelfCheckingValue.Check(key, value, out long version);
                if (problem != null) { Say("error " + problem); return 1; }
                if (seen.TryGetValue(key, out long last) && version < last) { Say($"error {key} went back from version {last} to {version}"); return 1; }
                seen[key] = version;
                reads++;
            }
            Say("ok " + reads);
            return 0;
        }

        private static int Hold(string path, string key)
        {
            using var heap = AncientHeap.Open(path, new HeapOptions { ReadOnly = true });
            var value = heap.Get(key);
            string problem = SelfCheckingValue.Check(key, value, out long version);
            if (problem != null) { Say("error " + problem); return 1; }
            Say("held " + version);
            Console.In.ReadLine();
            problem = SelfCheckingValue.Check(key, value, out long again);
            if (problem != null) { Say("error " + problem); return 1; }
            Say("still " + again);
            return 0;
        }

        private static int Get(string path, string key)
        {
            using var heap = AncientHeap.Open(path, new HeapOptions { ReadOnly = true });
            var value = heap.Get(key);
            Say(value is AncientList list ? string.Join(",", list.Cast<object>()) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            return 0;
        }
    }
}
