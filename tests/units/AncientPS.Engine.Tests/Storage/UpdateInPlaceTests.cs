using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>Updates in place: one element of a stored list or one entry of a stored dictionary (docs/format.md, "Updates in place").</summary>
    public class UpdateInPlaceTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        private static object[] Rows(int n) => Enumerable.Range(0, n).Select(i => (object)new Hashtable { ["Id"] = i, ["Name"] = "host" + i, ["Tags"] = new object[] { "a", "b" } }).ToArray();

        private static void AssertVerified(string path)
        {
            var problems = HeapVerifier.Verify(path);
            Assert.True(problems.Count == 0, string.Join("; ", problems));
        }

        [Fact]
        public void Replacing_a_list_element_changes_that_element_only_and_keeps_the_other_nodes_where_they_are()
        {
            string path = _dir.File("u.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("rows", Rows(100));
                var before = (AncientList)heap.Get("rows");
                long first = AncientValue.Describe(before[0]).Offset;
                long last = AncientValue.Describe(before[99]).Offset;

                Assert.False(heap.SetElement("rows", 5, new Hashtable { ["Id"] = 500, ["Name"] = "replaced" }));
                Assert.False(heap.SetElement("rows", -1, "the last"));

                var after = (AncientList)heap.Get("rows");
                Assert.Equal(100, after.Count);
                Assert.Equal("replaced", ((AncientDictionary)after[5])["Name"]);
                Assert.Equal("the last", after[99]);
                Assert.Equal("host4", ((AncientDictionary)after[4])["Name"]);
                // Shared, not copied: the untouched elements are the very nodes the first version had.
                Assert.Equal(first, AncientValue.Describe(after[0]).Offset);
                Assert.NotEqual(AncientValue.Describe(before).Offset, AncientValue.Describe(after).Offset);
                // The view read before the updates still reads its own version.
                Assert.Equal("host5", ((AncientDictionary)before[5])["Name"]);
                Assert.Equal(last, AncientValue.Describe(before[99]).Offset);
                Assert.Equal("System.Object[]", heap.GetEntries().Single().TypeName);
            }
            AssertVerified(path);
            using (var heap = MappedHeap.Open(path))
            {
                var rows = (AncientList)heap.Get("rows");
                Assert.Equal(500, ((AncientDictionary)rows[5])["Id"]);
                heap.CheckInvariants();
            }
        }

        [Fact]
        public void A_snapshot_read_before_updates_keeps_its_version_while_later_writes_reuse_space()
        {
            string path = _dir.File("s.heap");
            using var heap = MappedHeap.Open(path);
            heap.Set("rows", Rows(200));
            var old = (AncientList)heap.Get("rows");
            for (int round = 0; round < 300; round++)
            {
                heap.SetElement("rows", round % 200, new Hashtable { ["Id"] = -round, ["Name"] = new string('x', 40 + round % 7) });
                if (round % 50 == 0) heap.Set("other" + round, new string('y', 5000));
            }
            for (int i = 0; i < 200; i++) Assert.Equal("host" + i, ((AncientDictionary)old[i])["Name"]);
            var now = (AncientList)heap.Get("rows");
            Assert.Equal(-299, ((AncientDictionary)now[299 % 200])["Id"]);
            Assert.Equal(-100, ((AncientDictionary)now[100])["Id"]);
            GC.KeepAlive(old);
            heap.CheckInvariants();
            AssertVerified(path);
        }

        [Fact]
        public void Dictionary_entries_are_added_replaced_and_removed_in_place_keeping_order_and_comparer()
        {
            string path = _dir.File("d.heap");
            using (var heap = MappedHeap.Open(path))
            {
                var map = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                for (int i = 0; i < 1000; i++) map["k" + i] = i;
                heap.Set("map", map);
                var before = (AncientDictionary)heap.Get("map");

                heap.SetEntry("map", "K7", "seven");
                heap.SetEntry("map", "new", new object[] { 1, 2 });
                heap.SetEntry("map", 42, "an integer key");
                Assert.True(heap.RemoveEntry("map", "k3"));
                Assert.False(heap.RemoveEntry("map", "absent"));

                var after = (AncientDictionary)heap.Get("map");
                Assert.Equal(1001, after.Count);
                Assert.Equal("seven", after["k7"]);
                Assert.Equal(2, ((AncientList)after["NEW"]).Count);
                Assert.Equal("an integer key", after[42]);
                Assert.False(after.ContainsKey("k3"));
                Assert.Equal(999, after["k999"]);
                Assert.True(after.IgnoresCase);
                Assert.Equal(typeof(OrderedDictionary).FullName, after.DictionaryTypeName);
                var keys = after.Keys.Cast<object>().ToList();
                Assert.Equal(new object[] { "k0", "k1", "k2", "k4" }, keys.Take(4).ToArray());
                Assert.Equal(new object[] { "new", 42 }, keys.Skip(999).ToArray());
                Assert.Equal(7, before["k7"]);
                Assert.True(before.ContainsKey("k3"));
            }
            AssertVerified(path);
        }

        [Fact]
        public void Packed_lists_get_a_copy_with_one_element_changed_and_keep_their_type_through_compaction()
        {
            string path = _dir.File("p.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("ints", Enumerable.Range(0, 1000).ToArray());
                heap.Set("doubles", new List<double> { 0.5, 1.5, 2.5 });
                heap.Set("flags", new[] { true, false });
                var before = (AncientList)heap.Get("ints");
                heap.SetElement("ints", 10, -10);
                heap.SetElement("ints", -1, 5L);
                heap.SetElement("doubles", 1, 9);
                heap.SetElement("flags", 1, true);
                Assert.Equal(-10, ((AncientList)heap.Get("ints"))[10]);
                Assert.Equal(5, ((AncientList)heap.Get("ints"))[999]);
                Assert.Equal(10, before[10]);
                Assert.Equal(new[] { 0.5, 9.0, 2.5 }, ((AncientList)heap.Get("doubles")).ToArray());
                Assert.Equal(new[] { true, true }, ((AncientList)heap.Get("flags")).ToArray());
                for (int i = 0; i < 50; i++) Assert.False(heap.SetElement("doubles", i % 3, (double)i));
                Assert.Equal(new[] { 48.0, 49.0, 47.0 }, ((AncientList)heap.Get("doubles")).ToArray());
                Assert.IsType<int[]>(((AncientList)heap.Get("ints")).ToArray());
                GC.KeepAlive(before);
            }
            AssertVerified(path);
            // A packed element leaves no garbage, so only a garbage count raised by hand makes the next update compact.
            long list, bytes;
            using (var heap = MappedHeap.Open(path))
            {
                list = ExtentListOffset(heap, "doubles");
                bytes = ExtentBytes(heap, "doubles");
            }
            using (var file = new System.IO.FileStream(path, System.IO.FileMode.Open))
            {
                file.Position = list + ExtentList.GarbageField;
                file.Write(BitConverter.GetBytes(bytes), 0, 8);
            }
            using (var heap = MappedHeap.Open(path))
            {
                Assert.True(heap.SetElement("doubles", 0, 1.25));
                var doubles = (AncientList)heap.Get("doubles");
                Assert.Equal("System.Collections.Generic.List`1[System.Double]", doubles.CollectionTypeName);
                Assert.Equal(new[] { 1.25, 49.0, 47.0 }, doubles.ToArray());
            }
            AssertVerified(path);
        }

        [Fact]
        public void Refused_updates_say_why_and_change_nothing()
        {
            string path = _dir.File("e.heap");
            using var heap = MappedHeap.Open(path);
            heap.Set("rows", new object[] { 1, 2, 3 });
            heap.Set("packed", new[] { 1, 2, 3 });
            heap.Set("map", new Hashtable { ["a"] = 1 });
            heap.Set("scalar", 5);
            long txn = heap.GetStatistics().TransactionId;

            Assert.Equal(AncientUpdateProblem.IndexOutOfRange, Assert.Throws<AncientUpdateException>(() => heap.SetElement("rows", 3, 0)).Problem);
            Assert.Equal(AncientUpdateProblem.IndexOutOfRange, Assert.Throws<AncientUpdateException>(() => heap.SetElement("rows", -4, 0)).Problem);
            Assert.Equal(AncientUpdateProblem.NotAList, Assert.Throws<AncientUpdateException>(() => heap.SetElement("map", 0, 0)).Problem);
            Assert.Equal(AncientUpdateProblem.NotAList, Assert.Throws<AncientUpdateException>(() => heap.SetElement("scalar", 0, 0)).Problem);
            Assert.Equal(AncientUpdateProblem.PackedList, Assert.Throws<AncientUpdateException>(() => heap.SetElement("packed", 0, "nine")).Problem);
            Assert.Equal(AncientUpdateProblem.PackedList, Assert.Throws<AncientUpdateException>(() => heap.SetElement("packed", 0, 9.5)).Problem);
            Assert.Equal(AncientUpdateProblem.PackedList, Assert.Throws<AncientUpdateException>(() => heap.SetElement("packed", 0, 1L << 40)).Problem);
            Assert.Equal(AncientUpdateProblem.PackedList, Assert.Throws<AncientUpdateException>(() => heap.SetElement("packed", 0, null)).Problem);
            Assert.Equal(AncientUpdateProblem.NotADictionary, Assert.Throws<AncientUpdateException>(() => heap.SetEntry("rows", "a", 0)).Problem);
            Assert.Equal(AncientUpdateProblem.NullEntryKey, Assert.Throws<AncientUpdateException>(() => heap.SetEntry("map", null, 0)).Problem);
            Assert.Throws<KeyNotFoundException>(() => heap.SetElement("missing", 0, 0));
            Assert.Throws<AncientUnsupportedTypeException>(() => heap.SetElement("rows", 0, new System.Security.SecureString()));
            Assert.Equal(txn, heap.GetStatistics().TransactionId);
            Assert.Equal(new object[] { 1, 2, 3 }, ((AncientList)heap.Get("rows")).Cast<object>().ToArray());
            heap.CheckInvariants();
            using (var readOnly = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
                Assert.Throws<AncientHeapReadOnlyException>(() => readOnly.SetElement("rows", 0, 0));
            AssertVerified(path);
        }

        [Fact]
        public void Repeated_updates_are_compacted_so_the_file_stays_bounded_and_the_verifier_bounds_the_garbage()
        {
            string path = _dir.File("g.heap");
            int compactions = 0;
            long largest = 0, largestFile = 0;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("rows", Rows(500));
                var random = new Random(7);
                for (int round = 0; round < 3000; round++)
                {
                    int i = random.Next(500);
                    if (heap.SetElement("rows", i, new Hashtable { ["Id"] = round, ["Name"] = new string('n', random.Next(1, 300)), ["Tags"] = new object[] { "c", round } }))
                        compactions++;
                    if (round % 500 == 0)
                    {
                        heap.Flush();
                        AssertVerified(path);
                        // The verifier's snapshot stays pinned until its finalizer runs; pinned space is kept for it.
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                    }
                    largest = Math.Max(largest, heap.Used);
                    largestFile = Math.Max(largestFile, heap.Size);
                }
                heap.CheckInvariants();
                var rows = (AncientList)heap.Get("rows");
                Assert.Equal(500, rows.Count);
            }
            Assert.InRange(compactions, 1, 3000);
            // The value is about 100-200 KB live (at most 300 characters per row); without compaction the garbage alone would
            // pass 1 MB, and the file would grow by a 4 KiB run or more per update.
            Assert.InRange(largest, 0, 1024 * 1024);
            Assert.InRange(largestFile, 0, 4L * 1024 * 1024);
            AssertVerified(path);
        }

        [Fact]
        public void A_garbage_count_below_what_is_unreachable_is_reported_by_the_verifier()
        {
            string path = _dir.File("v.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("rows", Rows(50));
                heap.SetElement("rows", 3, new string('z', 500));
                heap.SetElement("rows", 4, new string('z', 500));
            }
            AssertVerified(path);
            // Patch the updated extent list's garbage field down to zero: the replaced rows are now unaccounted for.
            long list;
            using (var heap = MappedHeap.Open(path)) list = ExtentListOffset(heap, "rows");
            using (var file = new System.IO.FileStream(path, System.IO.FileMode.Open))
            {
                file.Position = list + ExtentList.GarbageField;
                file.Write(new byte[8], 0, 8);
            }
            var problems = HeapVerifier.Verify(path);
            Assert.Contains(problems, p => p.Message.Contains("unreachable"));
        }

        private static unsafe long ExtentListOffset(MappedHeap heap, string key)
        {
            var core = heap.Core;
            var meta = core.ReadLatestMeta();
            var space = new BoundedSpace(core.Memory, meta.CommittedSize);
            long entry = KeyDirectory.Find(space, meta.DirectoryRoot, key, KeyRules.Hash(key));
            return KeyEntry.Read(space, entry).Extents;
        }

        [Fact]
        public void A_value_as_set_writes_it_is_all_reachable_by_the_measure_the_garbage_bound_uses()
        {
            // The verifier bounds an updated value's garbage by its extents' bytes less the bytes its decoders read; that
            // measure must count every byte of every node, or a value with no garbage at all would be reported.
            string path = _dir.File("m.heap");
            var value = new object[]
            {
                "a string too long to be inline", 12345678901234m, Guid.NewGuid(), DayOfWeek.Friday, new Uri("https://example.com/x"),
                new Version(1, 2, 3), System.Numerics.BigInteger.Pow(3, 100), DateTimeOffset.Now, new[] { 1, 2, 3 }, new double[] { 1.5 },
                new List<string> { "x", "yy" }, new Hashtable { ["k"] = new ArrayList { 1, "two" } }, new Dictionary<int, string> { [1] = "one" },
                new System.Collections.Generic.Dictionary<string, object> { ["nested"] = new object[] { new object[] { "deep" } } }, "\u4e2d\u6587\u6587\u672c\u6587\u672c", null, true,
            };
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("v", value);
                Assert.Equal(ExtentBytes(heap, "v"), MeasuredBytes(heap, "v"));
                heap.Set("records", Rows(20));
                Assert.Equal(ExtentBytes(heap, "records"), MeasuredBytes(heap, "records"));
                heap.SetElement("v", 15, "replaced null");
            }
            AssertVerified(path);
        }

        private static unsafe long ExtentBytes(MappedHeap heap, string key)
        {
            var core = heap.Core;
            var space = new BoundedSpace(core.Memory, core.ReadLatestMeta().CommittedSize);
            long list = ExtentListOffset(heap, key);
            int count = ExtentList.CountAt(space, list, out _);
            long bytes = 0;
            for (int i = 0; i < count; i++)
            {
                ExtentList.Read(space, list, i, out _, out long n);
                bytes += n;
            }
            return bytes;
        }

        private static unsafe long MeasuredBytes(MappedHeap heap, string key)
        {
            var core = heap.Core;
            var meta = core.ReadLatestMeta();
            var space = new BoundedSpace(core.Memory, meta.CommittedSize);
            var entry = KeyEntry.Read(space, KeyDirectory.Find(space, meta.DirectoryRoot, key, KeyRules.Hash(key)));
            var measured = new MeasuredSpace(space, true);
            ValueWalk.Visit(new AncientPS.Engine.Encoding.NodeContext(measured, key, ValueProjection.None), entry.Tag, entry.Payload);
            return measured.Bytes;
        }
    }
}
