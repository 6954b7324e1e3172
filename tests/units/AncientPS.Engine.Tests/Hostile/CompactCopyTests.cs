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
    /// A thousand damaged heaps go through a compacting copy, refusing and then skipping damaged values (HostileProbe
    /// copy, in a child process). No copy may verify clean while holding a value the source fails its checks for.
    /// </summary>
    public class CompactCopyTests : IDisposable
    {
        private const int Cases = 1000;
        private const int Seed = 7;
        private readonly string _work;
        private readonly ITestOutputHelper _output;

        public CompactCopyTests(ITestOutputHelper output)
        {
            _output = output;
            // tmpfs where there is one: each copy is flushed, and a thousand fsyncs on a disk take long.
            string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
            _work = Path.Combine(root, "ancientps-copycases-" + Guid.NewGuid().ToString("N"));
        }

        public void Dispose()
        {
            try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        [Fact]
        public void A_thousand_damaged_heaps_never_give_a_compacted_copy_that_verifies_clean_with_changed_data()
        {
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HostileProbe.dll"));
            foreach (var a in new[] { "copy", _work, Cases.ToString(), Seed.ToString() }) info.ArgumentList.Add(a);
            var lines = new List<string>();
            var errors = new List<string>();
            using (var child = Process.Start(info))
            {
                child.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.Add(e.Data); };
                child.BeginErrorReadLine();
                string line;
                while ((line = child.StandardOutput.ReadLine()) != null) lines.Add(line);
                if (!child.WaitForExit(10 * 60 * 1000)) child.Kill(entireProcessTree: true);
                child.WaitForExit();
                string last = lines.Count > 0 ? lines[^1] : "(no output)";
                Assert.True(child.ExitCode == 0, $"The child ended with exit code {child.ExitCode} after: {last}\n{string.Join("\n", errors.Take(30))}");
            }
            Assert.Equal("done " + Cases, lines[^1]);
            var cases = lines.Where(l => l.StartsWith("case ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Cases, cases.Count);
            var broken = cases.Where(l => l.Contains(" LAUNDERED ") || l.Contains(" UNCHECKED ") || l.Contains(" FAIL ")).ToList();
            Assert.True(broken.Count == 0, $"{broken.Count} cases broke the rules:\n{string.Join("\n", broken.Take(10))}");

            var outcomes = cases.Select(l => l.Split(' ')[3].Split(':')[0] + " / " + l.Split(' ')[4].Split(':')[0]).GroupBy(o => o).OrderByDescending(g => g.Count());
            foreach (var g in outcomes) _output.WriteLine($"{g.Count(),6} {g.Key}");
            // The damage must reach the check: some copies are refused for a damaged value, and with skipping some of
            // those are made without it.
            Assert.Contains(cases, l => l.Split(' ')[3].StartsWith("refused", StringComparison.Ordinal));
            Assert.Contains(cases, l => l.Split(' ')[4].Contains(":left-"));
            Assert.Contains(cases, l => l.Split(' ')[3] == "copied");
        }
    }
}
