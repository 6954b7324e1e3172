using System;
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace AncientPS.Engine.Tests.Encoding
{
    public class LayoutTests
    {
        private readonly ITestOutputHelper _output;

        public LayoutTests(ITestOutputHelper output) { _output = output; }

        private static object[] Hosts(int count)
        {
            var typeNames = new[] { "System.Management.Automation.PSCustomObject", "System.Object" };
            var names = new[] { "Id", "Name", "Cpu", "Up", "Tags" };
            var records = new object[count];
            for (int i = 0; i < count; i++)
                records[i] = new MaterializedRecord(typeNames, names, new object[] { i, "host" + (10000 + i % 90000), i * 0.5, i % 2 == 0, new object[] { "a", "b" } });
            return records;
        }

        [Fact]
        public void A_hundred_thousand_small_records_fit_in_seven_megabytes()
        {
            using var arena = new TestArena(64L << 20);
            var records = Hosts(100_000);
            var list = (AncientList)arena.Store(records);
            double perRecord = arena.Used / 100_000.0;
            _output.WriteLine($"{arena.Used} bytes, {perRecord:F1} bytes per record");
            Assert.True(arena.Used <= 7_000_000, $"{arena.Used} bytes"); // 9.7 MB in format 1.1; their compact JSON is 7.1 MB
            var r = (AncientRecord)list[99_999];
            Assert.Equal(99_999, r.GetValue("Id"));
            Assert.Equal("b", ((AncientList)r.GetValue("Tags"))[1]);
        }

        [Fact]
        public void Reading_a_field_is_cheap()
        {
            using var arena = new TestArena(64L << 20);
            var list = (AncientList)arena.Store(Hosts(100_000));
            var views = new AncientRecord[list.Count];
            for (int i = 0; i < views.Length; i++) views[i] = (AncientRecord)list[i];
            double sum = 0;
            for (int round = 0; round < 3; round++)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < views.Length; i++) sum += (double)views[i].GetValue("Cpu");
                sw.Stop();
                _output.WriteLine($"{sw.Elapsed.TotalMilliseconds * 1e6 / views.Length:F1} ns per field read");
            }
            Assert.True(sum > 0);
        }
    }
}
