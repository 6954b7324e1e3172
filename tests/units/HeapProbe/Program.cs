using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using AncientPS.Engine;

namespace AncientPS.HeapProbe
{
    /// <summary>
    /// Commands. Every event is one flushed line, so a parent that kills the probe knows exactly what happened before.
    ///   write PATH KEYS COUNT SEED MINSIZE MAXSIZE [fast|flushed]
    ///       writes COUNT self-checking values of MINSIZE..MAXSIZE payload bytes over keys "wSEED-k0".."wSEED-k(KEYS-1)";
    ///       prints "committed KEY VERSION" after each Set returns. One writer per key, so a key's versions only grow.
    ///   lock PATH
    ///       takes the heap's write lock (a SetMany whose items wait), prints "locked", and keeps it until a line arrives
    ///       on stdin; then commits one key "lock-holder" and prints "released".
    ///   reader PATH
    ///       mounts the heap and obeys stdin: "get KEY" reads and checks KEY and keeps the view ("ok KEY VERSION");
    ///       "check" re-checks every kept view ("still COUNT"); "drop" lets every view go and collects ("dropped");
    ///       "quit" ends. Problems print "error ...".
    ///   read PATH KEYS SECONDS WRITERS
    ///       reads random keys of writers 0..WRITERS-1 for SECONDS, verifying checksums and that versions never go back;
    ///       prints "ok READS" or "error ...".
    ///   hold PATH KEY
    ///       reads KEY, prints "held VERSION", waits for a line on stdin (or its end), re-checks the held view, prints
    ///       "still VERSION" and exits, dismounting the heap.
    ///   get PATH KEY
    ///       prints the value's text (a list as its items joined by commas).
    ///   create FOLDER
    ///       creates new heaps FOLDER/0.heap, 1.heap, ... one after another until killed, printing "created N" after each.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            try
            {
                switch (args[0])
                {
                    case "write":
                        return Write(args[1], Int(args[2]), Int(args[3]), Int(args[4]), Int(args[5]), Int(args[6]),
                            args.Length > 7 && args[7] == "flushed" ? Durability.Flushed : Durability.Fast);
                    case "update": return Update(args[1], Int(args[2]), Int(args[3]), Int(args[4]));
                    case "lock": return HoldLock(args[1]);
                    case "reader": return Reader(args[1]);
                    case "read": return Read(args[1], Int(args[2]), double.Parse(args[3], CultureInfo.InvariantCulture), Int(args[4]));
                    case "hold": return Hold(args[1], args[2]);
                    case "get": return Get(args[1], args[2]);
                    case "create": return Create(args[1]);
                    default: Console.Error.WriteLine("unknown command " + args[0]); return 2;
                }
            }
            catch (Exception e)
            {
                Say("error " + e.GetType().Name + ": " + e.Message.Replace('\n', ' '));
                return 1;
            }
        }

        private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

        private static void Say(string line)
        {
            Console.WriteLine(line);
            Console.Out.Flush();
        }

        private static int Write(string path, int keys, int count, int seed, int minSize, int maxSize, Durability durability)
        {
            var random = new Random(seed * 7919 + Environment.ProcessId);
            using var heap = MappedHeap.Open(path, new HeapOptions { Durability = durability });
            for (int i = 0; i < count; i++)
            {
                string key = $"w{seed}-k{random.Next(keys)}";
                long version = SelfCheckingValue.NextVersion(heap, key);
                heap.Set(key, SelfCheckingValue.Make(key, version, random.Next(minSize, maxSize + 1)));
                Say($"committed {key} {version}");
            }
            return 0;
        }

        /// <summary>Replaces random rows of the list "rows" in place, each with the next version of its self-checking value.</summary>
        private static int Update(string path, int count, int seed, int size)
        {
            var random = new Random(seed * 7919 + Environment.ProcessId);
            using var heap = MappedHeap.Open(path);
            // The versions are read once (a view pins its snapshot until it is collected, which would keep the space
            // every later update frees); this process is the only writer.
            var versions = ReadVersions(heap);
            for (int i = 0; i < count; i++)
            {
                int row = random.Next(versions.Length);
                string key = "r" + row;
                long version = ++versions[row];
                heap.SetElement("rows", row, SelfCheckingValue.Make(key, version, random.Next(1, size + 1)));
                Say($"committed {key} {version}");
            }
            return 0;
        }

        private static long[] ReadVersions(MappedHeap heap)
        {
            var rows = (AncientList)heap.Get("rows");
            var versions = new long[rows.Count];
            for (int i = 0; i < versions.Length; i++)
            {
                string problem = SelfCheckingValue.Check("r" + i, rows[i], out versions[i]);
                if (problem != null) throw new InvalidOperationException(problem);
            }
            return versions;
        }

        private static int Read(string path, int keys, double seconds, int writers)
        {
            var random = new Random();
            var seen = new Dictionary<string, long>();
            var clock = Stopwatch.StartNew();
            long reads = 0;
            using var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true });
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
            using var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true });
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
            using var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true });
            var value = heap.Get(key);
            Say(value is AncientList list ? string.Join(",", list.Cast<object>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture))) : Convert.ToString(value, CultureInfo.InvariantCulture));
            return 0;
        }

        private static int Create(string folder)
        {
            for (int i = 0; ; i++)
            {
                using (MappedHeap.Open(Path.Combine(folder, i.ToString(CultureInfo.InvariantCulture) + ".heap"))) { }
                Say("created " + i.ToString(CultureInfo.InvariantCulture));
            }
        }

        private static int HoldLock(string path)
        {
            using var heap = MappedHeap.Open(path);
            heap.SetMany(ItemsAfterALine());
            Say("released");
            return 0;
        }

        /// <summary>SetMany enumerates its items with the write lock held: say so, then wait for the parent.</summary>
        private static IEnumerable<KeyValuePair<string, object>> ItemsAfterALine()
        {
            Say("locked");
            Console.In.ReadLine();
            yield return new KeyValuePair<string, object>("lock-holder", Environment.ProcessId);
        }

        /// <summary>In a method of its own, so that no local of the command loop keeps a dropped view reachable.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static bool GetAndKeep(MappedHeap heap, string key, List<KeyValuePair<string, object>> held)
        {
            var value = heap.Get(key);
            string problem = SelfCheckingValue.Check(key, value, out long version);
            if (problem != null) { Say("error " + problem); return false; }
            held.Add(new KeyValuePair<string, object>(key, value));
            Say($"ok {key} {version}");
            return true;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static bool CheckKept(List<KeyValuePair<string, object>> held)
        {
            foreach (var h in held)
            {
                string problem = SelfCheckingValue.Check(h.Key, h.Value, out _);
                if (problem != null) { Say("error " + problem); return false; }
            }
            Say("still " + held.Count);
            return true;
        }

        private static int Reader(string path)
        {
            using var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true });
            var held = new List<KeyValuePair<string, object>>();
            Say("mounted");
            string line;
            while ((line = Console.In.ReadLine()) != null)
            {
                string[] parts = line.Split(' ');
                switch (parts[0])
                {
                    case "get":
                        if (!GetAndKeep(heap, parts[1], held)) return 1;
                        break;
                    case "check":
                        if (!CheckKept(held)) return 1;
                        break;
                    case "drop":
                        held.Clear();
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        GC.Collect();
                        Say("dropped");
                        break;
                    case "quit":
                        return 0;
                    default:
                        Say("error unknown command " + parts[0]);
                        return 2;
                }
            }
            return 0;
        }
    }
}
