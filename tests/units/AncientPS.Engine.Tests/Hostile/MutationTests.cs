using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AncientPS.Engine.Tests.Storage;
using Xunit;
using Xunit.Abstractions;

namespace AncientPS.Engine.Tests.Hostile
{
    /// <summary>
    /// Thousands of damaged heaps (truncated, bit-flipped, zeroed, overwritten with random bytes or planted offsets,
    /// half of them with their checksums recomputed) go through mount, listing, Get, full traversal, Materialize, a
    /// write and the verifier, in a child process so that a crash cannot take the test host down with it.
    /// </summary>
    public class MutationTests : IDisposable
    {
        private const int Cases = 5000;
        private const int Seed = 20251127;
        private readonly TempFolder _folder = new TempFolder();
        private readonly ITestOutputHelper _output;

        public MutationTests(ITestOutputHelper output) { _output = output; }

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void Five_thousand_damaged_heaps_give_only_documented_errors_and_never_crash()
        {
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HostileProbe.dll"));
            foreach (var a in new[] { "mutate", _folder.Path, Cases.ToString(), Seed.ToString() }) info.ArgumentList.Add(a);
            var lines = new List<string>();
            var errors = new List<string>();
            using (var child = Process.Start(info))
            {
                child.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.Add(e.Data); };
                child.BeginErrorReadLine();
                string line;
                while ((line = child.StandardOutput.ReadLine()) != null) lines.Add(line);
                // A hang shows up as a missing "done" line once this generous bound passes; it is not a timing assertion.
                if (!child.WaitForExit(10 * 60 * 1000)) child.Kill(entireProcessTree: true);
                child.WaitForExit();
                string last = lines.Count > 0 ? lines[^1] : "(no output)";
                Assert.True(child.ExitCode == 0, $"The child ended with exit code {child.ExitCode} after: {last}\n{string.Join("\n", errors.Take(30))}");
            }
            Assert.Equal("done " + Cases, lines[^1]);
            var cases = lines.Where(l => l.StartsWith("case ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Cases, cases.Count);
            var failures = cases.Where(l => l.Contains(" FAIL ") || l.Contains(" MISMATCH ")).ToList();
            Assert.True(failures.Count == 0, $"{failures.Count} cases broke the rules:\n{string.Join("\n", failures.Take(10))}");

            var outcomes = cases.Select(l => l.Split(' ')[3]).GroupBy(o => o).OrderByDescending(g => g.Count());
            foreach (var g in outcomes) _output.WriteLine($"{g.Count(),6} {g.Key}");
            // The damage must reach past the checks: many cases mount, and many are refused.
            Assert.Contains(cases, l => l.Split(' ')[3].StartsWith("read", StringComparison.Ordinal));
            Assert.Contains(cases, l => l.Split(' ')[3].StartsWith("refused", StringComparison.Ordinal));
            Assert.Contains(cases, l => l.Split(' ')[3].StartsWith("damaged", StringComparison.Ordinal));
        }
    }
}
