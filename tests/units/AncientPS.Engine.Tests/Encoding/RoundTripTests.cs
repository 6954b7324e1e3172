using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Numerics;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    public class RoundTripTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();

        public void Dispose() => _arena.Dispose();

        public static IEnumerable<object[]> Scalars()
        {
            var values = new object[]
            {
                true, false, char.MinValue, char.MaxValue, '\uD800', 'x',
                sbyte.MinValue, sbyte.MaxValue, (sbyte)-1, byte.MinValue, byte.MaxValue,
                short.MinValue, short.MaxValue, (short)-1, ushort.MinValue, ushort.MaxValue,
                int.MinValue, int.MaxValue, -1, 0, uint.MinValue, uint.MaxValue,
                long.MinValue, long.MaxValue, -1L, ulong.MinValue, ulong.MaxValue,
                float.MinValue, float.MaxValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f, float.Epsilon,
                double.MinValue, double.MaxValue, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon,
                BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF),
                decimal.MinValue, decimal.MaxValue, 0m, -0m, 1.00m, 0.0000000000000000000000000001m,
                BigInteger.Zero, BigInteger.MinusOne, new BigInteger(long.MaxValue), new BigInteger(long.MinValue),
                BigInteger.Pow(2, 200), -BigInteger.Pow(3, 150),
                DateTime.MinValue, DateTime.MaxValue, new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc),
                new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Local), new DateTime(638000000000000001, DateTimeKind.Unspecified),
                DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(-330)),
                new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(14)),
                TimeSpan.MinValue, TimeSpan.MaxValue, TimeSpan.Zero,
                Guid.Empty, new Guid("01234567-89ab-cdef-0123-456789abcdef"),
                new Version(1, 2), new Version(1, 2, 3), new Version(1, 2, 3, 4), new Version(int.MaxValue, 0, 0, int.MaxValue),
                new Uri("https://example.com/a b?x=1#f"), new Uri("relative/path", UriKind.Relative), new Uri("/rooted", UriKind.RelativeOrAbsolute),
                "", "a", "12345678", "123456789", "héllo", "日本語テキスト", "\U0001F600 astral \U0010FFFF",
                "\uD800", "lone \uDC00 low", "ab\uD83D", new string('x', 70000), "nul\0inside",
                DayOfWeek.Friday, DateTimeKind.Utc, ConsoleColor.Red,
            };
            foreach (var v in values) yield return new[] { v };
        }

        [Theory]
        [MemberData(nameof(Scalars))]
        public void Scalars_come_back_with_their_exact_value_and_type(object value)
        {
            GraphAssert.Equivalent(value, _arena.Store(value));
        }

        [Fact]
        public void Null_comes_back_as_null()
        {
            Assert.Null(_arena.Store(null));
            Assert.Equal("", _arena.LastTypeName);
        }

        [Fact]
        public void A_generic_dictionary_enumerates_as_the_original_does()
        {
            var generic = (AncientDictionary)_arena.Store(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
            var plain = ((IEnumerable)generic).Cast<object>().ToList();
            Assert.All(plain, e => Assert.IsType<KeyValuePair<object, object>>(e));
            Assert.Equal(new object[] { "a", "b" }, plain.Select(e => ((KeyValuePair<object, object>)e).Key));
            // As IDictionary it still gives DictionaryEntry, as every IDictionary does.
            foreach (DictionaryEntry entry in (IDictionary)generic) Assert.IsType<string>(entry.Key);
            var hashtable = (AncientDictionary)_arena.Store(new Hashtable { ["a"] = 1 });
            Assert.IsType<DictionaryEntry>(((IEnumerable)hashtable).Cast<object>().Single());
        }

        [Fact]
        public void Describe_names_a_views_node_and_stored_type_and_a_list_shows_only_an_arrays_properties()
        {
            var list = (AncientList)_arena.Store(new[] { 1, 2, 3 });
            var info = AncientValue.Describe(list);
            Assert.Equal(list.NodeOffset, info.Offset);
            Assert.True(info.IsPacked);
            Assert.Equal(typeof(int), info.ElementType);
            Assert.Equal("System.Int32[]", info.TypeName);
            var dictionary = (AncientDictionary)_arena.Store(new Dictionary<string, int> { ["a"] = 1 });
            Assert.Equal(dictionary.DictionaryTypeName, AncientValue.Describe(dictionary).TypeName);
            Assert.Null(AncientValue.Describe("not a view"));
            // Hosts that list public properties (PowerShell's CSV and formatting) see an array's, in an array's order.
            var arrayProperties = typeof(object[]).GetProperties().Where(p => p.GetIndexParameters().Length == 0).Select(p => p.Name);
            var listProperties = typeof(AncientArray).GetProperties().Where(p => p.GetIndexParameters().Length == 0).Select(p => p.Name);
            Assert.Equal(arrayProperties.Concat(new[] { "Count" }), listProperties); // an array's Count is ICollection's, which PowerShell lists last
            var array = Assert.IsType<AncientArray>(list);
            Assert.Equal(3, array.Length);
            Assert.Equal(3L, array.LongLength);
            Assert.Equal(1, array.Rank);
        }

        [Fact]
        public void Only_a_list_stored_from_an_array_has_an_arrays_Length()
        {
            Assert.IsType<AncientArray>(_arena.Store(new object[] { 1, "a" }));
            Assert.IsType<AncientArray>(_arena.Store(new[] { "a", "b" }));
            Assert.IsType<AncientArray>(_arena.Store(new[] { 1.5, 2.5 }));
            foreach (var notArray in new object[] { new List<int> { 1 }, new List<object> { "a" }, new ArrayList { 1 }, new List<string> { "a" } })
            {
                var view = _arena.Store(notArray);
                // A List<T> gets List's reading members (AncientGenericList); any other list the collection's alone.
                if (notArray is ArrayList) Assert.IsType<AncientList>(view);
                else Assert.IsType<AncientGenericList>(view);
                Assert.Null(view.GetType().GetProperty("Length"));
            }
        }

        [Fact]
        public void A_list_stored_from_a_List_has_Lists_reading_members_over_its_elements()
        {
            var view = Assert.IsType<AncientGenericList>(_arena.Store(new List<object> { 3, "b", 1, null, "b" }));
            var original = new List<object> { 3, "b", 1, null, "b" };
            Predicate<object> isString = x => x is string;
            Assert.Equal(original.Capacity == original.Count ? original.Count : view.Count, view.Capacity);
            Assert.Equal(original.Find(isString), view.Find(isString));
            Assert.Equal(original.FindIndex(isString), view.FindIndex(isString));
            Assert.Equal(original.FindLastIndex(isString), view.FindLastIndex(isString));
            Assert.Equal(original.FindIndex(2, isString), view.FindIndex(2, isString));
            Assert.Equal(original.FindAll(isString), view.FindAll(isString));
            Assert.Equal(original.Exists(x => x == null), view.Exists(x => x == null));
            Assert.Equal(original.TrueForAll(isString), view.TrueForAll(isString));
            Assert.Equal(original.GetRange(1, 3), view.GetRange(1, 3));
            Assert.Equal(original.LastIndexOf("b"), view.LastIndexOf("b"));
            Assert.Equal(original.AsReadOnly(), view.AsReadOnly());
            var seen = new List<object>();
            view.ForEach(seen.Add);
            Assert.Equal(original, seen);
            Assert.Throws<ArgumentOutOfRangeException>(() => view.GetRange(4, 2));
            Assert.Throws<AncientReadOnlyException>(() => view.Sort());
            Assert.Throws<AncientReadOnlyException>(() => view.RemoveAll(isString));
            // Packed lists of a primitive type are Lists too.
            var packed = Assert.IsType<AncientGenericList>(_arena.Store(new List<int> { 4, 5, 6 }));
            Assert.Equal(new List<object> { 5, 6 }, packed.FindAll(x => (int)x > 4));
        }

        [Fact]
        public void Every_scalar_survives_inside_a_list_with_nulls_between()
        {
            var items = new List<object>();
            foreach (var row in Scalars()) { items.Add(row[0]); items.Add(null); }
            var array = items.ToArray();
            var list = (AncientList)_arena.Store(array);
            Assert.Equal("System.Object[]", list.CollectionTypeName);
            GraphAssert.Equivalent(array, list);
        }

        [Fact]
        public void Short_strings_take_no_node()
        {
            _arena.Store("abc");
            Assert.Equal(0, _arena.Used);
            _arena.Store("12345678");
            Assert.Equal(0, _arena.Used);
        }

        [Fact]
        public void Empty_collections_keep_their_types()
        {
            Assert.Empty((AncientList)_arena.Store(new object[0]));
            Assert.Empty((AncientList)_arena.Store(new int[0]));
            var d = (AncientDictionary)_arena.Store(new Hashtable());
            Assert.Empty(d);
            Assert.Null(d["x"]);
            Assert.Equal("System.Collections.Hashtable", d.DictionaryTypeName);
            var r = (AncientRecord)_arena.Store(new MaterializedRecord(new[] { "Empty" }, new string[0], new object[0]));
            Assert.Equal(0, r.Count);
        }

        [Theory]
        [InlineData(typeof(bool))]
        [InlineData(typeof(char))]
        [InlineData(typeof(sbyte))]
        [InlineData(typeof(byte))]
        [InlineData(typeof(short))]
        [InlineData(typeof(ushort))]
        [InlineData(typeof(int))]
        [InlineData(typeof(uint))]
        [InlineData(typeof(long))]
        [InlineData(typeof(ulong))]
        [InlineData(typeof(float))]
        [InlineData(typeof(double))]
        public void Primitive_arrays_are_packed_and_copy_out_in_bulk(Type element)
        {
            var random = new Random(42);
            var array = Array.CreateInstance(element, 1001);
            var bytes = new byte[Buffer.ByteLength(array)];
            random.NextBytes(bytes);
            if (element == typeof(bool)) for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
            Buffer.BlockCopy(bytes, 0, array, 0, bytes.Length);
            var list = (AncientList)_arena.Store(array);
            Assert.True(list.IsPacked);
            Assert.Equal(element, list.ElementType);
            Assert.Equal(element.FullName + "[]", list.CollectionTypeName);
            Assert.Equal(array, list.ToArray());
            Assert.Equal(array.GetValue(500), list[500]);
            var target = Array.CreateInstance(element, 1003);
            list.CopyTo(target, 2);
            Assert.Equal(array.GetValue(1000), target.GetValue(1002));
            Assert.Equal(8 + Buffer.ByteLength(array) + 7 & ~7, _arena.Used);
        }

        [Fact]
        public void Generic_lists_of_primitives_are_packed_and_keep_their_type_name()
        {
            var source = new List<int> { 1, 2, 3, int.MinValue };
            var list = (AncientList)_arena.Store(source);
            Assert.True(list.IsPacked);
            Assert.Equal("System.Collections.Generic.List`1[System.Int32]", list.CollectionTypeName);
            var copy = Assert.IsType<List<int>>(AncientValue.Materialize(list));
            Assert.Equal(source, copy);
        }

        [Fact]
        public void Collections_keep_their_type_names()
        {
            Assert.Equal("System.String[]", ((AncientList)_arena.Store(new[] { "a", null, "c" })).CollectionTypeName);
            Assert.Equal("System.Collections.ArrayList", ((AncientList)_arena.Store(new ArrayList { 1, "x" })).CollectionTypeName);
            Assert.Equal("System.Collections.Generic.List`1[System.String]", ((AncientList)_arena.Store(new List<string> { "a" })).CollectionTypeName);
            Assert.Equal("System.Collections.Generic.HashSet`1[System.Int32]", ((AncientList)_arena.Store(new HashSet<int> { 1, 2 })).CollectionTypeName);
            Assert.Equal("System.Collections.Generic.List`1[System.Int32]", ((AncientList)_arena.Store(new List<int>())).CollectionTypeName);
            Assert.Equal("System.Collections.Specialized.OrderedDictionary", ((AncientDictionary)_arena.Store(new OrderedDictionary())).DictionaryTypeName);
            Assert.Equal("System.Collections.Generic.Dictionary`2[System.String,System.Int32]", ((AncientDictionary)_arena.Store(new Dictionary<string, int> { ["a"] = 1 })).DictionaryTypeName);
            Assert.Equal("System.Collections.Generic.SortedDictionary`2[System.Int32,System.String]", ((AncientDictionary)_arena.Store(new SortedDictionary<int, string> { [2] = "b", [1] = "a" })).DictionaryTypeName);
        }

        [Fact]
        public void Root_type_names_are_reported_for_listings()
        {
            _arena.Store(new object[] { 1 });
            Assert.Equal("System.Object[]", _arena.LastTypeName);
            _arena.Store(new double[3]);
            Assert.Equal("System.Double[]", _arena.LastTypeName);
            _arena.Store(42);
            Assert.Equal("System.Int32", _arena.LastTypeName);
            _arena.Store(new MaterializedRecord(new[] { "System.Management.Automation.PSCustomObject", "System.Object" }, new[] { "A" }, new object[] { 1 }));
            Assert.Equal("System.Management.Automation.PSCustomObject", _arena.LastTypeName);
            _arena.Store(new Hashtable { ["a"] = 1 });
            Assert.Equal("System.Collections.Hashtable", _arena.LastTypeName);
        }

        [Fact]
        public void An_object_reachable_twice_is_stored_once()
        {
            var shared = new object[] { "shared", 1 };
            var rec = new MaterializedRecord(new[] { "T" }, new[] { "A", "B" }, new object[] { shared, shared });
            var root = new object[] { shared, rec, shared };
            var list = (AncientList)_arena.Store(root);
            var a = (AncientList)list[0];
            var b = (AncientList)list[2];
            var r = (AncientRecord)list[1];
            Assert.Equal(a.NodeOffset, b.NodeOffset);
            Assert.Equal(a, b);
            Assert.Equal(a.NodeOffset, ((AncientList)r.GetValue("A")).NodeOffset);
            Assert.Equal(a.NodeOffset, ((AncientList)r.GetValue("b")).NodeOffset);
        }

        [Fact]
        public void A_cycle_back_to_the_root_is_stored_as_a_cycle()
        {
            var root = new object[2];
            root[0] = "root";
            root[1] = root;
            var list = (AncientList)_arena.Store(root);
            var again = (AncientList)list[1];
            Assert.Equal(list.NodeOffset, again.NodeOffset);
            Assert.Equal("root", ((AncientList)again[1])[0]);

            var table = new Hashtable();
            table["self"] = table;
            var d = (AncientDictionary)_arena.Store(table);
            Assert.Equal(d.NodeOffset, ((AncientDictionary)d["self"]).NodeOffset);
        }

        [Fact]
        public void A_million_element_list_round_trips()
        {
            var array = new object[1_000_000];
            for (int i = 0; i < array.Length; i++) array[i] = i % 3 == 0 ? (object)i : i % 3 == 1 ? "s" + (i % 1000) : null;
            var list = (AncientList)_arena.Store(array);
            Assert.Equal(array.Length, list.Count);
            for (int i = 0; i < array.Length; i += 9973) Assert.Equal(array[i], list[i]);
            Assert.Equal(array[999_999], list[999_999]);
        }

        [Fact]
        public void A_million_deep_chain_of_lists_encodes_decodes_and_materializes()
        {
            using var arena = new TestArena(256L << 20);
            const int depth = 1_000_000;
            object chain = null;
            for (int i = depth - 1; i >= 0; i--) chain = new object[] { i, chain };
            var list = (AncientList)arena.Store(chain);
            int n = 0;
            for (var node = list; node != null; node = (AncientList)node[1]) Assert.Equal(n++, node[0]);
            Assert.Equal(depth, n);

            var copy = (object[])AncientValue.Materialize(list);
            n = 0;
            for (var node = copy; node != null; node = (object[])node[1]) Assert.Equal(n++, node[0]);
            Assert.Equal(depth, n);
        }

        [Fact]
        public void A_million_deep_chain_of_records_encodes_and_decodes()
        {
            using var arena = new TestArena(256L << 20);
            const int depth = 1_000_000;
            var typeNames = new[] { "System.Management.Automation.PSCustomObject", "System.Object" };
            var names = new[] { "Id", "Next" };
            object chain = null;
            for (int i = depth - 1; i >= 0; i--) chain = new MaterializedRecord(typeNames, names, new[] { (object)i, chain });
            var record = (AncientRecord)arena.Store(chain);
            int n = 0;
            for (var node = record; node != null; node = (AncientRecord)node.GetValue("Next")) Assert.Equal(n++, node.GetValue("Id"));
            Assert.Equal(depth, n);
        }

        [Fact]
        public void Views_are_read_only()
        {
            var list = (AncientList)_arena.Store(new object[] { 1, 2 });
            var e = Assert.Throws<AncientReadOnlyException>(() => list[0] = 5);
            Assert.Contains("read-only", e.Message);
            Assert.Contains("-Materialize", e.Message);
            Assert.Throws<AncientReadOnlyException>(() => ((IList)list).Add(3));
            Assert.Throws<AncientReadOnlyException>(() => ((IList)list).Clear());
            Assert.Throws<AncientReadOnlyException>(() => ((IList)list).RemoveAt(0));
            Assert.Throws<AncientReadOnlyException>(() => ((IList)list).Insert(0, 1));
            Assert.Throws<AncientReadOnlyException>(() => ((IList)list).Remove(1));
            Assert.True(((IList)list).IsReadOnly);
            // The public IsReadOnly of an array's view says what an array's says (False), for hosts that list properties;
            // the interface, which code that may change a list asks, says True. Likewise a List's view.
            Assert.False(((AncientArray)list).IsReadOnly);
            var generic = (AncientGenericList)_arena.Store(new List<int> { 1 });
            Assert.False(generic.IsReadOnly);
            Assert.False(generic.IsFixedSize);
            Assert.True(((IList)generic).IsReadOnly);
            Assert.True(((IList)generic).IsFixedSize);

            var d = (AncientDictionary)_arena.Store(new Hashtable { ["a"] = 1 });
            Assert.Throws<AncientReadOnlyException>(() => d["a"] = 2);
            Assert.Throws<AncientReadOnlyException>(() => d.Add("b", 2));
            Assert.Throws<AncientReadOnlyException>(() => d.Remove("a"));
            Assert.Throws<AncientReadOnlyException>(() => d.Clear());
        }

        [Fact]
        public void Every_view_read_is_bracketed_by_enter_and_exit()
        {
            var list = (AncientList)_arena.Store(new object[] { new Hashtable { ["a"] = new object[] { 1 } } });
            int before = _arena.Reads;
            var d = (AncientDictionary)list[0];
            var inner = (AncientList)d["a"];
            Assert.Equal(1, inner[0]);
            Assert.True(_arena.Reads >= before + 3);
            Assert.Equal(0, _arena.ReadDepth);
        }

        [Fact]
        public void A_view_read_after_the_space_is_gone_throws_object_disposed()
        {
            var arena = new TestArena();
            var list = (AncientList)arena.Store(new object[] { 1 });
            arena.Dispose();
            Assert.ThrowsAny<ObjectDisposedException>(() => list[0]);
        }

        [Fact]
        public void Views_read_from_a_heap_can_be_stored_again_keeping_types_and_sharing()
        {
            var shared = new Hashtable(StringComparer.OrdinalIgnoreCase) { ["Key"] = new double[] { 1.5, -0.0 } };
            var source = new object[] { shared, shared, new List<int> { 7 }, new MaterializedRecord(new[] { "R" }, new[] { "X" }, new object[] { shared }) };
            using var first = new TestArena();
            var view = (AncientList)first.Store(source);
            var copy = (AncientList)_arena.Store(view);
            GraphAssert.Equivalent(source, copy);
            Assert.Equal(((IAncientNode)copy[0]).Offset, ((IAncientNode)copy[1]).Offset);
            Assert.True(((AncientDictionary)copy[0]).IgnoresCase);
            Assert.Equal(1.5, ((double[])((AncientList)((AncientDictionary)copy[0])["KEY"]).ToArray())[0]);
            Assert.Equal("System.Collections.Generic.List`1[System.Int32]", ((AncientList)copy[2]).CollectionTypeName);
        }

        [Fact]
        public void A_record_reads_like_a_powershell_object()
        {
            var rec = new MaterializedRecord(new[] { "System.Management.Automation.PSCustomObject", "System.Object" },
                new[] { "Id", "Name", "Tags" }, new object[] { 1, "x", new object[] { "a" } });
            var r = (AncientRecord)_arena.Store(rec);
            Assert.Equal(3, r.Count);
            Assert.Equal(new[] { "Id", "Name", "Tags" }, r.Names);
            Assert.Equal("System.Management.Automation.PSCustomObject", r.TypeNames[0]);
            Assert.Equal(1, r.GetValue("ID"));
            Assert.Equal("x", r.GetValue(1));
            Assert.Equal("Name", r.GetName(1));
            Assert.Equal(2, r.IndexOf("tags"));
            Assert.Equal(-1, r.IndexOf("missing"));
            Assert.Null(r.GetValue("missing"));
            Assert.False(r.TryGetValue("missing", out _));
            Assert.True(r.TryGetValue("name", out var name));
            Assert.Equal("x", name);
            Assert.True(r.IsPropertyBag);
            Assert.Equal("@{Id=1; Name=x; Tags=System.Object[]}", r.ToString());
            Assert.Throws<ArgumentOutOfRangeException>(() => r.GetValue(3));
        }

        [Fact]
        public void Records_of_one_shape_share_one_shape_node()
        {
            var typeNames = new[] { "T" };
            var records = new object[100];
            for (int i = 0; i < records.Length; i++)
                records[i] = new MaterializedRecord(typeNames, new[] { "A", "B" }, new object[] { i, i + 0.5 });
            _arena.Store(records);
            long used = _arena.Used;
            // Top list (8 + 104 tags + 800) + 100 records of 24 bytes (header, B's 8 bytes, A's 1 byte; both tags fixed by
            // the shape) + one shape (16 + 24 + 2 layout bytes per slot, rounded to 48) + 3 names (8 each).
            Assert.Equal(8 + 104 + 800 + 100 * 24 + 48 + 24, used);
        }

        [Fact]
        public void A_projection_sees_every_view_handed_out()
        {
            var projection = new CountingProjection();
            var source = new object[] { new Hashtable { ["r"] = new MaterializedRecord(new[] { "T" }, new[] { "A" }, new object[] { new object[0] }) } };
            var root = _arena.Store(source, projection: projection);
            Assert.Equal(1, projection.Lists);
            var d = (AncientDictionary)((AncientList)root)[0];
            Assert.Equal(1, projection.Dictionaries);
            var r = (AncientRecord)d["r"];
            Assert.Equal(1, projection.Records);
            _ = r.GetValue("A");
            Assert.Equal(2, projection.Lists);
        }

        [Fact]
        public void A_projection_can_wrap_records_unopened_and_read_them_like_views()
        {
            var projection = new WrappingProjection();
            var rows = new object[]
            {
                new MaterializedRecord(new[] { "Row" }, new[] { "Id", "Name" }, new object[] { 1, "one" }),
                new MaterializedRecord(new[] { "Row" }, new[] { "Id", "Name" }, new object[] { 2, "two" }),
                new MaterializedRecord(new[] { "Other" }, new[] { "Name" }, new object[] { "three" }),
            };
            var list = (AncientList)_arena.Store(rows, projection: projection);
            var a = (Wrapped)list[0];
            var b = (Wrapped)list[1];
            var c = (Wrapped)list[2];
            Assert.Same(a.Record.Names, b.Record.Names);           // one shape, one name list
            Assert.NotSame(a.Record.Names, c.Record.Names);
            Assert.Equal(1, a.Record.IndexOf("name"));              // names ignore case
            Assert.Equal(-1, c.Record.IndexOf("Id"));
            Assert.Equal("two", b.Record.GetValue(b.Record.IndexOf("Name")));
            Assert.Equal(2, b.Record.GetValue(0));
            Assert.Throws<ArgumentOutOfRangeException>(() => c.Record.GetValue(1));
            var view = b.Record.Open();
            Assert.Equal(new[] { "Row" }, view.TypeNames);
            Assert.Equal(b.Record, new StoredRecord(view));
            Assert.Equal(view.Offset, b.Record.Offset);
            Assert.False(default(StoredRecord).IsValid);
            Assert.Throws<InvalidOperationException>(() => default(StoredRecord).Open());
        }

        [Fact]
        public void Every_value_read_is_a_box_of_its_own()
        {
            // A host files what a script adds to a value type under its box (PowerShell's Add-Member, PSTypeNames), so a
            // box shared between equal values would carry one value's additions into every other.
            var list = (AncientList)_arena.Store(new object[] { 7, 7, -128, 1023, 1024, 100_000, true, true });
            Assert.Equal(new object[] { 7, 7, -128, 1023, 1024, 100_000, true, true }, list.Cast<object>().ToArray());
            Assert.NotSame(list[0], list[1]);
            Assert.NotSame(list[0], list[0]);
            Assert.NotSame(list[2], _arena.Store(-128));
            Assert.NotSame(list[6], list[7]);
            var packed = (AncientList)_arena.Store(new[] { true, true });
            Assert.NotSame(packed[0], packed[1]);
        }

        private sealed class Wrapped
        {
            public Wrapped(StoredRecord record) { Record = record; }
            public StoredRecord Record { get; }
        }

        private sealed class WrappingProjection : ValueProjection
        {
            public override object ProjectRecord(StoredRecord record) => new Wrapped(record);
        }

        private sealed class CountingProjection : ValueProjection
        {
            public int Lists, Dictionaries, Records;
            public override object ProjectList(AncientList list) { Lists++; return list; }
            public override object ProjectDictionary(AncientDictionary dictionary) { Dictionaries++; return dictionary; }
            public override object ProjectRecord(AncientRecord record) { Records++; return record; }
        }
    }
}
