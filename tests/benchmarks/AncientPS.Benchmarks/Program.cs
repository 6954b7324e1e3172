using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AncientPS.Benchmarks
{
    /// <summary>
    /// Runs the engine's benchmarks, then prints each goal of issue 2 with the measured value and PASS or MISS, and writes
    /// them to engine-goals.json in the artifacts folder (build/Bench.ps1 folds that file into docs/performance.md).
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            // --quick (build/Bench.ps1 -Quick): fewer iterations; BenchmarkDotNet never sees the flag.
            bool quick = args.Contains("--quick");
            args = args.Where(a => a != "--quick").ToArray();
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create(quick)).ToArray();
            if (summaries.Length == 0) return 0;
            var goals = Goals.Evaluate(summaries);
            Goals.Print(goals);
            string folder = summaries[0].ResultsDirectoryPath;
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, "engine-goals.json");
            File.WriteAllText(path, Goals.ToJson(goals));
            Console.WriteLine($"Goals written to {path}");
            return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
        }
    }

    /// <summary>
    /// In-process runs: the child-process toolchain would rebuild the engine into the shared source tree while other builds
    /// run. Few iterations, since the machine is shared and noisy: BenchmarkDotNet reports the median next to the mean.
    /// </summary>
    public static class BenchConfig
    {
        public static IConfig Create(bool quick)
        {
            var job = Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(quick ? 1 : 3)
                .WithIterationCount(quick ? 5 : 12)
                .WithLaunchCount(1)
                .WithId("InProcess");
            return DefaultConfig.Instance
                .AddJob(job)
                .AddDiagnoser(MemoryDiagnoser.Default)
                .AddExporter(JsonExporter.Full)
                .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory)
                .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile)
                .WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Trend));
        }
    }

    /// <summary>One goal of issue 2, as measured.</summary>
    public sealed class GoalResult
    {
        public string Measure;
        public string Against;
        public string Goal;
        public double Value;
        public string Unit;
        public bool? Pass;
        public string Detail;
    }

    public static class Goals
    {
        private static double? MedianNs(Summary[] summaries, string type, string method)
        {
            foreach (var summary in summaries)
                foreach (var report in summary.Reports)
                {
                    var d = report.BenchmarkCase.Descriptor;
                    if (d.Type.Name == type && d.WorkloadMethod.Name == method && report.ResultStatistics != null)
                        return report.ResultStatistics.Median;
                }
            return null;
        }

        public static List<GoalResult> Evaluate(Summary[] s)
        {
            var list = new List<GoalResult>();
            var set = MedianNs(s, nameof(PackedArrayWrite), nameof(PackedArrayWrite.AncientSet));
            var copy = MedianNs(s, nameof(PackedArrayWrite), nameof(PackedArrayWrite.MemoryCopy));
            if (set.HasValue && copy.HasValue)
            {
                double share = copy.Value / set.Value;
                list.Add(new GoalResult
                {
                    Measure = "Set of a 100 MB double[] (packed)", Against = "Buffer.MemoryCopy of the same bytes", Goal = ">= 50% of memcpy bandwidth",
                    Value = share * 100, Unit = "% of memcpy", Pass = share >= 0.5,
                    Detail = $"{PackedArrayWrite.Bytes / 1e6 / (set.Value / 1e9):N0} MB/s vs {PackedArrayWrite.Bytes / 1e6 / (copy.Value / 1e9):N0} MB/s",
                });
            }
            var field = MedianNs(s, nameof(RecordFieldRead), nameof(RecordFieldRead.ByName));
            var fieldIndex = MedianNs(s, nameof(RecordFieldRead), nameof(RecordFieldRead.ByIndex));
            if (field.HasValue)
                list.Add(new GoalResult
                {
                    Measure = "Read one record field (by name)", Against = "-", Goal = "<= 50 ns", Value = field.Value, Unit = "ns",
                    Pass = field.Value <= 50, Detail = fieldIndex.HasValue ? $"by index {fieldIndex.Value:N1} ns" : null,
                });
            var stored = MedianNs(s, nameof(DictionaryLookup), nameof(DictionaryLookup.Stored));
            var memory = MedianNs(s, nameof(DictionaryLookup), nameof(DictionaryLookup.InMemory));
            if (stored.HasValue && memory.HasValue)
                list.Add(new GoalResult
                {
                    Measure = "Random lookup, 1,000,000-entry dictionary", Against = "Dictionary<string, object>", Goal = "<= 3x",
                    Value = stored.Value / memory.Value, Unit = "x", Pass = stored.Value / memory.Value <= 3,
                    Detail = $"{stored.Value:N1} ns vs {memory.Value:N1} ns",
                });
            foreach (var (what, ancient, json) in new[] { ("Write 1,000,000 small records", nameof(SmallRecords.AncientWrite), nameof(SmallRecords.JsonWrite)),
                                                        ("Read 1,000,000 small records (every field)", nameof(SmallRecords.AncientRead), nameof(SmallRecords.JsonRead)) })
            {
                var a = MedianNs(s, nameof(SmallRecords), ancient);
                var j = MedianNs(s, nameof(SmallRecords), json);
                if (a.HasValue && j.HasValue)
                    list.Add(new GoalResult
                    {
                        Measure = what, Against = "System.Text.Json", Goal = "(no goal: reported)", Value = a.Value / j.Value, Unit = "x", Pass = null,
                        Detail = $"{a.Value / 1e6:N0} ms vs {j.Value / 1e6:N0} ms",
                    });
            }
            return list;
        }

        public static void Print(List<GoalResult> goals)
        {
            Console.WriteLine();
            Console.WriteLine("Engine goals (issue 2), medians:");
            foreach (var g in goals)
            {
                string verdict = g.Pass == null ? "-" : g.Pass.Value ? "PASS" : "MISS";
                Console.WriteLine($"  {verdict,-4}  {g.Measure}: {g.Value.ToString("N2", CultureInfo.InvariantCulture)} {g.Unit} (goal {g.Goal}; {g.Detail})");
            }
        }

        public static string ToJson(List<GoalResult> goals)
        {
            var sb = new StringBuilder("[\n");
            for (int i = 0; i < goals.Count; i++)
            {
                var g = goals[i];
                sb.Append("  {")
                  .Append("\"measure\": ").Append(Quote(g.Measure)).Append(", ")
                  .Append("\"against\": ").Append(Quote(g.Against)).Append(", ")
                  .Append("\"goal\": ").Append(Quote(g.Goal)).Append(", ")
                  .Append("\"value\": ").Append(g.Value.ToString("R", CultureInfo.InvariantCulture)).Append(", ")
                  .Append("\"unit\": ").Append(Quote(g.Unit)).Append(", ")
                  .Append("\"pass\": ").Append(g.Pass == null ? "null" : g.Pass.Value ? "true" : "false").Append(", ")
                  .Append("\"detail\": ").Append(Quote(g.Detail)).Append('}')
                  .Append(i + 1 < goals.Count ? ",\n" : "\n");
            }
            return sb.Append("]\n").ToString();
        }

        private static string Quote(string s) => s == null ? "null" : System.Text.Json.JsonSerializer.Serialize(s);
    }
}
