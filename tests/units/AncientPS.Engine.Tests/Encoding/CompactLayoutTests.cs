using System;
using System.Collections;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Format 1.2 (issue 18, file size): records laid out by their shape, and lists of leaves with narrow payloads.
    /// Values that do not fit the layout the first records gave get a wider shape; every value reads back as written.
    /// </summary>
    public class CompactLayoutTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();

        public void Dispose() => _arena.Dispose();

        private static MaterializedRecord Row(object a, object b, object c) => new MaterializedRecord(new[] { "T" }, new[] { "A", "B", "C" }, new[] { a, b, c });

        [Fact]
        public void Records_whose_values_outgrow_the_layout_get_a_wider_shape_and_read_back()
        {
            var rows = new object[]
            {
                Row(1, "x", true),
                Row(300, "xy", false),            // A needs 2 bytes; B's tag differs (no longer fixed)
                Row(70000, "a longer string, stored as a node", null),
                Row(-1, 5L, new object[] { 1 }),  // a nested list: C's slot is filled after the record is written
                Row(2, "x", true),                // fits the widest layout so far
                Row(long.MaxValue, 1.5, new Hashtable { ["k"] = "v" }),
                Row(null, null, null),
            };
            var list = (AncientList)_arena.Store(rows);
            GraphAssert.Equivalent(rows, list);
            var shapes = new HashSet<long>();
            for (int i = 0; i < rows.Length; i++) shapes.Add(((AncientRecord)list[i]).Shape.Offset);
            Assert.InRange(shapes.Count, 2, 6);
            // Row 4 fits the layout of row 3, written just before it: no new shape for it.
            Assert.Equal(((AncientRecord)list[3]).Shape.Offset, ((AncientRecord)list[4]).Shape.Offset);
        }

        [Fact]
        public void A_record_of_one_byte_values_is_sixteen_bytes()
        {
            var rows = new object[] { Row(1, true, 'c'), Row(2, false, 'd') };
            var list = (AncientList)_arena.Store(rows);
            var first = (AncientRecord)list[0];
            var layout = first.Shape.Layout;
            Assert.False(layout.IsClassic);
            Assert.Equal(8 + 3, layout.Size); // header and three 1-byte payloads; every tag fixed by the shape
            for (int i = 0; i < 3; i++) Assert.Equal(-1, layout.TagAt(i));
            GraphAssert.Equivalent(rows, list);
        }

        public static IEnumerable<object[]> Lists() => new[]
        {
            new object[] { new object[] { 1, 2, 3 }, 0 },
            new object[] { new object[] { 1, 300, 'c' }, 1 },
            new object[] { new object[] { "a", "b" }, 0 },
            new object[] { new object[] { 70000, true, null }, 2 },
            new object[] { new object[] { 1.5, 2 }, 3 },
            new object[] { new object[] { -1, "host12345", "a string long enough to be a node", 1m }, 3 },
            new object[] { new ArrayList { 1, "two", null }, 2 }, // "two" is 3 bytes in its payload
        };

        [Theory]
        [MemberData(nameof(Lists))]
        public void A_list_of_leaves_is_as_narrow_as_its_widest_payload(IList items, int widthLog)
        {
            var list = (AncientList)_arena.Store(items);
            GraphAssert.Equivalent(items, list);
            unsafe
            {
                byte flags = _arena.At(((IAncientNode)list).Offset)[ListNode.FlagsAt];
                Assert.Equal(ListNode.NarrowFlag | widthLog, flags);
            }
        }

        [Fact]
        public void A_list_of_leaves_then_a_composite_is_classic_and_reads_back()
        {
            var items = new object[] { 1, "two", 3.0, new object[] { "nested" }, 5 };
            var list = (AncientList)_arena.Store(items);
            GraphAssert.Equivalent(items, list);
            unsafe { Assert.Equal(0, _arena.At(((IAncientNode)list).Offset)[ListNode.FlagsAt]); }
        }

        [Fact]
        public void Equal_short_strings_that_are_different_instances_share_one_node()
        {
            string a = new string('q', 20), b = new string('q', 20), c = new string('q', 100), d = new string('q', 100);
            Assert.NotSame(a, b);
            var list = (AncientList)_arena.Store(new object[] { a, b, c, d });
            list.GetSlot(0, out byte t0, out ulong p0);
            list.GetSlot(1, out byte t1, out ulong p1);
            list.GetSlot(2, out _, out ulong p2);
            list.GetSlot(3, out _, out ulong p3);
            Assert.Equal(NodeTags.String, t0);
            Assert.Equal(NodeTags.String, t1);
            Assert.Equal(p0, p1);
            Assert.NotEqual(p2, p3); // longer strings are shared by identity only
            Assert.Equal(new object[] { a, b, c, d }, list.ToArray());
        }

        [Fact]
        public void The_bench_rows_take_fewer_bytes_than_their_compact_json()
        {
            // 100,000 rows of issue 6 were 97 bytes each in format 1.1 and are 71 bytes of compact JSON text.
            const int n = 20000;
            var typeNames = new[] { "System.Management.Automation.PSCustomObject", "System.Object" };
            var names = new[] { "Id", "Name", "Cpu", "Up", "Tags" };
            var rows = new object[n];
            for (int i = 0; i < n; i++)
                rows[i] = new MaterializedRecord(typeNames, names, new object[] { 80000 + i, "host" + (80000 + i), i * 0.5 + 0.5, i % 2 == 0, new object[] { "a", "b" } });
            var list = (AncientList)_arena.Store(rows);
            double perRow = (double)_arena.Used / n;
            Assert.True(perRow <= 66, $"{perRow:F2} bytes per row");
            var last = (AncientRecord)list[n - 1];
            Assert.Equal("host" + (80000 + n - 1), last.GetValue("Name"));
            Assert.Equal("b", ((AncientList)last.GetValue("Tags"))[1]);
        }
    }
}
