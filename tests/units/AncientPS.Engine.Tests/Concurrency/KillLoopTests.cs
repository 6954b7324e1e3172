using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HeapProbe;
using Xunit;
using Xunit.Abstractions;

namespace AncientPS.Engine.Tests.Concurrency
{
    /// <summary>
    /// A writer of values large enough to grow the file is killed (SIGKILL) at random moments: while it starts, mounts,
    /// grows the file, copies a value, or publishes. CI kills it 25 times; build/Stress.ps1 sets ANCIENTPS_STRESS_KILLS
    /// and ANCIENTPS_STRESS_MINUTES (and ANCIENTPS_STRESS_SEED to replay a run) for runs of up to an hour.
    /// </summary>
    public class KillLoopTests : IDisposable
    {
        private const int Keys = 6;
        private const int LargestValue = 1_500_000;
        private readonly TempFolder _dir = new TempFolder();
        private readonly ITestOutputHelper _output;

        public KillLoopTests(ITestOutputHelper output) => _output = output;

        public void Dispose() => _dir.Dispose();

        private static int Setting(string name, int fallback)
            => int.TryParse(Environment.GetEnvironmentVariable(name), out int n) && n > 0 ? n : fallback;

        [Fact]
        public void A_writer_of_large_values_killed_at_random_moments_loses_no_commit_leaks_no_space_and_leaves_no_lock()
        {
            int kills = Setting("ANCIENTPS_STRESS_KILLS", 25);
            int minutes = Setting("ANCIENTPS_STRESS_MINUTES", 0);
            int seed = Setting("ANCIENTPS_STRESS_SEED", Environment.TickCount & 0xFFFFFF);
            _output.WriteLine($"kills {kills}, minutes {minutes}, seed {seed} (ANCIENTPS_STRESS_SEED replays the kill moments)");
            var random = new Random(seed);
            var clock = Stopwatch.StartNew();

            string path = _dir.File("killed.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("created", true);
            var committed = new Dictionary<string, long>();
            long largestFile = 0;
            int round = 0, killedBeforeAnyCommit = 0;
            for (; round < kills && (minutes == 0 || clock.Elapsed < TimeSpan.FromMinutes(minutes)); round++)
            {
                string moment;
                using (var writer = ChildProbe.HeapProbe("write", path, Keys.ToString(), "1000000", "0", "1", LargestValue.ToString()))
                {
                    if (round % 5 == 0)
                    {
                        // Early: while the runtime starts or the heap mounts and claims its reader slot.
                        int ms = random.Next(0, 400);
                        moment = $"{ms} ms after start";
                        Thread.Sleep(ms);
                    }
                    else
                    {
                        writer.WaitForLine("committed");
                        int ms = random.Next(0, 150);
                        moment = $"{ms} ms after its first commit";
                        Thread.Sleep(ms);
                    }
                    writer.Kill();
                    Assert.DoesNotContain(writer.Lines, l => l.StartsWith("error", StringComparison.Ordinal) || l.StartsWith("stderr", StringComparison.Ordinal));
                    var reported = writer.Committed();
                    if (reported.Count == 0) killedBeforeAnyCommit++;
                    foreach (var c in reported) committed[c.Key] = c.Value;
                }

                // A Test-style check finds nothing wrong: no torn state, and every byte is either in use or free.
                var problems = HeapVerifier.Verify(path);
                Assert.True(problems.Count == 0, $"round {round} (killed {moment}, seed {seed}): " + string.Join("; ", problems));

                // The dead writer's lock is gone at once (the timeout is only there to fail rather than hang).
                using (var heap = MappedHeap.Open(path, new HeapOptions { LockTimeout = TimeSpan.FromSeconds(30) }))
                {
                    // The free table, the reader table and the directory keep their invariants across the kill.
                    heap.CheckInvariants();
                    foreach (var c in committed)
                    {
                        string problem = SelfCheckingValue.Check(c.Key, heap.Get(c.Key), out long version);
                        Assert.True(problem == null, $"round {round} (killed {moment}, seed {seed}): {problem}");
                        // Every Set that returned is there; the one in flight at the kill may have committed unreported.
                        Assert.InRange(version, c.Value, c.Value + 1);
                    }
                    foreach (var key in heap.Keys.Where(k => k.StartsWith("w0-", StringComparison.Ordinal)))
                        Assert.Null(SelfCheckingValue.Check(key, heap.Get(key), out _));
                    heap.Set("after-kill", round);
                    Assert.Equal(round, heap.Get("after-kill"));
                    heap.CheckInvariants();
                    largestFile = Math.Max(largestFile, heap.Size);
                }
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("after-loop", round);
                heap.CheckInvariants();
                var stats = heap.GetStatistics();
                _output.WriteLine($"{round} kills ({killedBeforeAnyCommit} before any commit) in {clock.Elapsed.TotalSeconds:0} s; " +
                    $"largest file {largestFile / 1024} KiB; now size {stats.Size / 1024} KiB, used {stats.Used / 1024} KiB, pinned {stats.Pinned}, readers {stats.Readers}");
                // Dead writers pin nothing, and their reader slots are given back.
                Assert.Equal(0, stats.Pinned);
                Assert.Equal(1, stats.Readers);
                // Live data is at most Keys values of LargestValue bytes: what is in use stays near that, however many kills.
                Assert.InRange(stats.Used, 0, 2L * Keys * LargestValue + (1L << 20));
            }
            // Bounded whatever the number of kills: the first rounds reach this size, the rest reuse it (about 14 MB here;
            // the margin is for the writers' own short-lived pins, which last until their garbage collector runs).
            Assert.InRange(largestFile, 0, 8L * Keys * LargestValue);
        }

        [Fact]
        public void A_process_killed_while_creating_heaps_leaves_files_that_all_mount()
        {
            // A child creates new heap files back to back and is killed at random moments, so some kills land inside a
            // creation. Every file it leaves is a heap, or a creation that a writable mount finishes: none is refused.
            int seed = Setting("ANCIENTPS_STRESS_SEED", Environment.TickCount & 0xFFFFFF);
            var random = new Random(seed);
            int files = 0;
            for (int round = 0; round < 6; round++)
            {
                string folder = Path.Combine(_dir.Path, "created-" + round);
                Directory.CreateDirectory(folder);
                using (var creator = ChildProbe.HeapProbe("create", folder))
                {
                    creator.WaitForLine("created");
                    Thread.Sleep(random.Next(0, 60));
                    creator.Kill();
                    Assert.DoesNotContain(creator.Lines, l => l.StartsWith("error", StringComparison.Ordinal) || l.StartsWith("stderr", StringComparison.Ordinal));
                }
                foreach (var file in Directory.GetFiles(folder))
                {
                    using (var heap = MappedHeap.Open(file))
                    {
                        heap.Set("k", file);
                        Assert.Equal(file, heap.Get("k"));
                    }
                    Assert.Empty(HeapVerifier.Verify(file));
                    files++;
                }
            }
            _output.WriteLine($"{files} files created by killed processes all mount (seed {seed})");
        }

        [Fact]
        public void A_process_updating_list_elements_in_place_killed_at_random_moments_leaves_the_old_or_the_new_version()
        {
            // 40 self-checking rows; the child replaces random rows in place (compacting now and then) and is killed at
            // random moments. Every row must check out whole, at the version last reported or the one in flight.
            int kills = Setting("ANCIENTPS_STRESS_KILLS", 12);
            // The stress run's time limit holds here too (build/Stress.ps1 gives both: 10,000 kills by default, which
            // this loop alone took hours to reach).
            int minutes = Setting("ANCIENTPS_STRESS_MINUTES", 0);
            int seed = Setting("ANCIENTPS_STRESS_SEED", Environment.TickCount & 0xFFFFFF);
            var random = new Random(seed);
            var clock = Stopwatch.StartNew();
            string path = _dir.File("updates.heap");
            const int Rows = 40;
            using (var heap = MappedHeap.Open(path))
                heap.Set("rows", Enumerable.Range(0, Rows).Select(i => (object)SelfCheckingValue.Make("r" + i, 1, 100)).ToArray());
            var committed = new Dictionary<string, long>();
            int round = 0;
            for (; round < kills && (minutes == 0 || clock.Elapsed < TimeSpan.FromMinutes(minutes)); round++)
            {
                string moment;
                using (var updater = ChildProbe.HeapProbe("update", path, "1000000", round.ToString(), "3000"))
                {
                    updater.WaitForLine("committed");
                    int ms = random.Next(0, 120);
                    moment = $"{ms} ms after its first commit";
                    Thread.Sleep(ms);
                    updater.Kill();
                    Assert.DoesNotContain(updater.Lines, l => l.StartsWith("error", StringComparison.Ordinal) || l.StartsWith("stderr", StringComparison.Ordinal));
                    foreach (var c in updater.Committed()) committed[c.Key] = c.Value;
                }
                var problems = HeapVerifier.Verify(path);
                Assert.True(problems.Count == 0, $"round {round} (killed {moment}, seed {seed}): " + string.Join("; ", problems));
                using (var heap = MappedHeap.Open(path, new HeapOptions { LockTimeout = TimeSpan.FromSeconds(30) }))
                {
                    heap.CheckInvariants();
                    var rows = (AncientList)heap.Get("rows");
                    Assert.Equal(Rows, rows.Count);
                    for (int i = 0; i < Rows; i++)
                    {
                        string key = "r" + i;
                        string problem = SelfCheckingValue.Check(key, rows[i], out long version);
                        Assert.True(problem == null, $"round {round} (killed {moment}, seed {seed}): {problem}");
                        if (committed.TryGetValue(key, out long last)) Assert.InRange(version, last, last + 1);
                    }
                }
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using (var heap = MappedHeap.Open(path))
            {
                var stats = heap.GetStatistics();
                _output.WriteLine($"{round} kills of an updater (seed {seed}); size {stats.Size / 1024} KiB, used {stats.Used / 1024} KiB");
                // 40 rows of at most 3 KB: compaction keeps what is in use near twice that, however many updates ran.
                Assert.InRange(stats.Used, 0, 1L << 20);
                Assert.InRange(stats.Size, 0, 8L << 20);
            }
        }
    }
}
