using System;
using System.Diagnostics;
using System.IO;
using AncientPS.Engine;
using BenchmarkDotNet.Attributes;

namespace AncientPS.Benchmarks
{
    /// <summary>
    /// Issue 4's write costs: a small Set (lock, encode, copy the directory path, publish the meta page) alone, with another
    /// process attached to the same heap (its reader slot must be checked), and with Flushed durability (two flushes).
    /// </summary>
    [BenchmarkCategory("WriteCost")]
    public class WriteCost
    {
        private string _folder;
        private MappedHeap _fast, _flushed, _shared;
        private Process _other;
        private int _i;

        [GlobalSetup]
        public void Setup()
        {
            _folder = Path.Combine(Path.GetTempPath(), "ancientps-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_folder);
            _fast = MappedHeap.Open(Path.Combine(_folder, "fast.heap"));
            _flushed = MappedHeap.Open(Path.Combine(_folder, "flushed.heap"), new HeapOptions { Durability = Durability.Flushed });
            string shared = Path.Combine(_folder, "shared.heap");
            _shared = MappedHeap.Open(shared);
            _shared.Set("k0", AncientPS.HeapProbe.SelfCheckingValue.Make("k0", 1, 64));
            // Another process with the heap mounted and a snapshot pinned in its reader slot, idle until stdin closes.
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HeapProbe.dll"));
            foreach (var a in new[] { "hold", shared, "k0" }) info.ArgumentList.Add(a);
            _other = Process.Start(info);
            if (_other.StandardOutput.ReadLine()?.StartsWith("held") != true) throw new InvalidOperationException("The second process did not mount the heap.");
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            try { _other?.Kill(); } catch (InvalidOperationException) { }
            _fast.Dispose();
            _flushed.Dispose();
            _shared.Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        [Benchmark(Baseline = true)]
        public void SmallSetFast() => _fast.Set("k", new object[] { _i++, "value" });

        [Benchmark]
        public void SmallSetWithAnotherProcessAttached() => _shared.Set("k", new object[] { _i++, "value" });

        [Benchmark]
        public void SmallSetFlushed() => _flushed.Set("k", new object[] { _i++, "value" });
    }
}
