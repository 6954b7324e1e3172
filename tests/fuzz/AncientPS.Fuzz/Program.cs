using System;
using System.IO;
using AncientPS.Engine;
using AncientPS.HostileProbe;
using SharpFuzz;

namespace AncientPS.Fuzz
{
    /// <summary>
    /// One AFL++ input is one heap file. It is mounted, listed, read, traversed and materialized in full, then verified.
    /// Documented errors (AncientHeapFormatException, KeyNotFoundException) are the expected answers to bad bytes; any
    /// other exception escapes to SharpFuzz and AFL++ records it as a crash, and a hang as a timeout.
    /// "AncientPS.Fuzz seeds DIR" writes the seed corpus; "AncientPS.Fuzz run FILE" replays one input without AFL.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "seeds")
            {
                Directory.CreateDirectory(args[1]);
                foreach (var kind in SampleHeaps.Kinds) SampleHeaps.Write(Path.Combine(args[1], kind + ".heap"), kind);
                return 0;
            }
            string work = Path.Combine(Path.GetTempPath(), $"ancientps-fuzz-{Environment.ProcessId}.heap");
            if (args.Length == 2 && args[0] == "run")
            {
                using (var input = File.OpenRead(args[1])) Run(input, work);
                Console.WriteLine("no crash");
                return 0;
            }
            Fuzzer.OutOfProcess.Run(stream => Run(stream, work));
            return 0;
        }

        private static void Run(Stream input, string work)
        {
            using (var file = new FileStream(work, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                input.CopyTo(file);
            try
            {
                using (var heap = MappedHeap.Open(work, new HeapOptions { CreateIfMissing = false, LockTimeout = TimeSpan.FromSeconds(1) }))
                {
                    HeapWalker.ReadEverything(heap);
                    // Damage is a documented error; a broken engine invariant (InvalidOperationException) is a crash.
                    heap.CheckInvariants();
                }
            }
            catch (Exception e) when (HeapWalker.IsDocumented(e))
            {
            }
            HeapVerifier.Verify(work);
        }
    }
}
