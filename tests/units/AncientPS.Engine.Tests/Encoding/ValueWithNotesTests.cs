using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Values with notes (format 1.5, docs/format-values.md "Values with notes", shape flag bit 4): a scalar a host gave
    /// note properties of its own (a line Get-Content gives, with its PSPath), or (format 1.6) a list with notes (the
    /// lines Get-Content -ReadCount gives in one array), is stored as a record of the notes with the value in one more
    /// slot, and read back as the value and its notes.
    /// </summary>
    public unsafe class ValueWithNotesTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose()
        {
            _arena.Dispose();
            _folder.Dispose();
        }

        /// <summary>A host's value with notes, as PowerShell's PSObject around a string with note properties is.</summary>
        private sealed class Noted
        {
            public object Value;
            public string[] Names;
            public object[] Values;
            public string[] TypeNames;
        }

        /// <summary>A .NET object the engine stores by its public properties (reflection), one level down.</summary>
        public sealed class Holder
        {
            public object Inner { get; set; }
        }

        private sealed class NotesConverter : ObjectConverter
        {
            public override bool TryDescribeValueWithNotes(object value, out RecordDescription description)
            {
                description = value is Noted noted ? RecordDescription.ForValueWithNotes(noted.Value, noted.TypeNames, noted.Names, noted.Values) : null;
                return description != null;
            }
        }

        private static SetOptions Options(int depth = 2, bool classic = false) => new SetOptions { Converter = new NotesConverter(), Depth = depth, ClassicLayout = classic };

        private static Noted Note(object value, params object[] namesAndValues)
        {
            var names = new string[namesAndValues.Length / 2];
            var values = new object[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = (string)namesAndValues[2 * i];
                values[i] = namesAndValues[2 * i + 1];
            }
            return new Noted { Value = value, Names = names, Values = values, TypeNames = new[] { value.GetType().FullName, "System.Object" } };
        }

        private static object[] Scalars() => new object[]
        {
            "line 1", "a line longer than any inline string, as most lines of a log are", "", 42, -1L, 3.5, 1.5f, true, 'q', (byte)7,
            new DateTime(2024, 3, 4, 5, 6, 7, DateTimeKind.Utc), TimeSpan.FromMinutes(90), 1.10m, Guid.Parse("01234567-89ab-cdef-0123-456789abcdef"),
            new Version(1, 2, 3, 4), new Uri("https://example.org/a?b=1"), DayOfWeek.Friday, BigInteger.Parse("123456789012345678901234567890"),
            new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), ulong.MaxValue,
        };

        [Fact]
        public void Every_kind_of_scalar_comes_back_with_its_notes()
        {
            var scalars = Scalars();
            var items = scalars.Select((v, i) => (object)Note(v, "PSPath", "/tmp/f.txt", "ReadCount", i + 1, "Empty", null)).ToArray();
            var list = (AncientList)_arena.Store(items, Options());
            for (int i = 0; i < scalars.Length; i++)
            {
                var record = Assert.IsType<AncientRecord>(list[i]);
                Assert.True(record.WrapsValue);
                Assert.False(record.IsPropertyBag);
                Assert.Null(record.ToStringText);
                Assert.Equal(scalars[i], record.WrappedValue);
                Assert.Equal(scalars[i].GetType(), record.WrappedValue.GetType());
                Assert.Equal(new[] { "PSPath", "ReadCount", "Empty" }, record.Names);
                Assert.Equal(new[] { scalars[i].GetType().FullName, "System.Object" }, record.TypeNames);
                Assert.Equal("/tmp/f.txt", record.GetValue("PSPath"));
                Assert.Equal(i + 1, record.GetValue("ReadCount"));
                Assert.Null(record.GetValue("Empty"));
                var stored = new StoredRecord(record);
                Assert.True(stored.WrapsValue);
                Assert.Equal(scalars[i], stored.WrappedValue);
                Assert.Equal(AncientRecord.FormatValue(scalars[i], 0), record.ToString());
            }
        }

        [Fact]
        public void A_record_that_is_no_value_with_notes_says_so()
        {
            var list = (AncientList)_arena.Store(new object[] { new MaterializedRecord(new[] { "System.Object" }, new[] { "A" }, new object[] { 1 }) }, Options());
            var record = (AncientRecord)list[0];
            Assert.False(record.WrapsValue);
            Assert.Null(record.WrappedValue);
            Assert.False(new StoredRecord(record).WrapsValue);
            Assert.Null(new StoredRecord(record).WrappedValue);
        }

        [Fact]
        public void Notes_hold_any_value_and_lines_of_one_file_share_their_shape()
        {
            var drive = new MaterializedRecord(new[] { "Test.Drive", "System.Object" }, new[] { "Name" }, new object[] { "/" });
            var lines = Enumerable.Range(1, 50).Select(i => (object)Note("line " + i, "PSPath", "/tmp/f.txt", "PSDrive", drive, "ReadCount", i, "Tags", new object[] { "a", i })).ToArray();
            var list = (AncientList)_arena.Store(lines, Options());
            var first = (AncientRecord)list[0];
            for (int i = 0; i < lines.Length; i++)
            {
                var record = (AncientRecord)list[i];
                Assert.Equal("line " + (i + 1), record.WrappedValue);
                var d = Assert.IsType<AncientRecord>(record.GetValue("PSDrive"));
                Assert.Equal("/", d.GetValue("Name"));
                Assert.Equal(new object[] { "a", i + 1 }, ((AncientList)record.GetValue("Tags")).ToArray());
            }
            // One drive for every line, as the original had one; the lines' shapes settle within a few.
            Assert.Equal(((AncientRecord)((AncientRecord)list[0]).GetValue("PSDrive")).Offset, ((AncientRecord)((AncientRecord)list[49]).GetValue("PSDrive")).Offset);
            Assert.True(Enumerable.Range(0, lines.Length).Select(i => ((AncientRecord)list[i]).Shape.Offset).Distinct().Count() <= 3);
        }

        [Fact]
        public void Past_the_depth_and_in_the_classic_layout_the_value_is_stored_alone()
        {
            // Inside a .NET object stored at depth 1, its properties are at the depth limit: the value alone, as a scalar is.
            var holder = new Holder { Inner = Note(5, "Unit", "kg") };
            var record = (AncientRecord)_arena.Store(holder, Options(depth: 1));
            Assert.Equal(5, record.GetValue("Inner"));
            var deeper = (AncientRecord)_arena.Store(holder, Options(depth: 2));
            var inner = Assert.IsType<AncientRecord>(deeper.GetValue("Inner"));
            Assert.True(inner.WrapsValue);
            Assert.Equal("kg", inner.GetValue("Unit"));
            // A file of the classic layout (format 1.1, for older readers) has no values with notes.
            var classic = (AncientList)_arena.Store(new object[] { Note("x", "A", 1) }, Options(classic: true));
            Assert.Equal("x", classic[0]);
        }

        [Fact]
        public void A_dictionary_key_with_notes_is_stored_as_the_value_and_found_by_it()
        {
            var dictionary = new Dictionary<object, object> { [Note("k1", "PSPath", "/tmp/f.txt")] = Note("v1", "PSPath", "/tmp/f.txt"), [Note(7, "Unit", "kg")] = 2 };
            var stored = (AncientDictionary)_arena.Store(dictionary, Options());
            Assert.Equal(new object[] { "k1", 7 }, stored.Keys.Cast<object>().ToArray());
            var value = Assert.IsType<AncientRecord>(stored["k1"]);
            Assert.Equal("v1", value.WrappedValue);
            Assert.Equal(2, stored[7]);
        }

        [Fact]
        public void A_copy_a_materialized_copy_and_the_verifier_keep_the_value_and_its_notes()
        {
            string path = _folder.File("notes.heap");
            var scalars = Scalars();
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("v", scalars.Select(v => (object)Note(v, "Unit", "kg")).ToArray(), Options());
                var stored = (AncientList)heap.Get("v", ValueProjection.None);
                heap.Set("copy", stored);
                var materialized = (object[])AncientValue.Materialize(stored);
                var copy = Assert.IsType<MaterializedRecord>(materialized[0]);
                Assert.Equal(scalars[0], copy.WrappedValue);
                Assert.Equal("kg", copy["Unit"]);
                Assert.Equal(AncientRecord.FormatValue(scalars[0], 0), copy.ToString());
                heap.Set("materialized", materialized);
            }
            Assert.Empty(HeapVerifier.Verify(path));
            using (var heap = MappedHeap.Open(path))
            {
                foreach (var key in new[] { "v", "copy", "materialized" })
                {
                    var list = (AncientList)heap.Get(key, ValueProjection.None);
                    for (int i = 0; i < scalars.Length; i++)
                    {
                        var record = (AncientRecord)list[i];
                        Assert.True(record.WrapsValue, key);
                        Assert.Equal(scalars[i], record.WrappedValue);
                        Assert.Equal("kg", record.GetValue("Unit"));
                    }
                }
            }
        }

        [Fact]
        public void A_list_with_notes_comes_back_as_its_list_with_its_notes()
        {
            // Format 1.6: as Get-Content -ReadCount gives its lines, an array with the file's notes; a list of leaves, one of
            // records, a packed one, and the same list twice (one node).
            var row = new MaterializedRecord(new[] { "Test.Row", "System.Object" }, new[] { "Id" }, new object[] { 7 });
            var lines = new object[] { "line 1", "line 2", "a line longer than any inline string, as most lines of a log are" };
            var items = new object[]
            {
                new Noted { Value = lines, Names = new[] { "PSPath", "ReadCount" }, Values = new object[] { "/tmp/f.txt", 3 }, TypeNames = new[] { "System.Object[]", "System.Array", "System.Object" } },
                new Noted { Value = new object[] { row, row, null }, Names = new[] { "Source" }, Values = new object[] { "import" }, TypeNames = new[] { "System.Object[]", "System.Array", "System.Object" } },
                new Noted { Value = new[] { 1, 2, 3 }, Names = new[] { "Unit" }, Values = new object[] { "kg" }, TypeNames = new[] { "System.Int32[]", "System.Array", "System.Object" } },
            };
            var list = (AncientList)_arena.Store(items, Options());
            var first = Assert.IsType<AncientRecord>(list[0]);
            Assert.True(first.WrapsValue);
            Assert.Equal(lines, Assert.IsAssignableFrom<AncientList>(first.WrappedValue).ToArray());
            Assert.Equal("/tmp/f.txt", first.GetValue("PSPath"));
            Assert.Equal(3, first.GetValue("ReadCount"));
            Assert.Equal(new[] { "System.Object[]", "System.Array", "System.Object" }, first.TypeNames);
            var second = (AncientList)((AncientRecord)list[1]).WrappedValue;
            Assert.Equal(7, ((AncientRecord)second[0]).GetValue("Id"));
            Assert.Equal(((AncientRecord)second[0]).Offset, ((AncientRecord)second[1]).Offset);
            Assert.Null(second[2]);
            var third = (AncientList)((AncientRecord)list[2]).WrappedValue;
            Assert.True(third.IsPacked);
            Assert.Equal(new[] { 1, 2, 3 }, (int[])third.ToArray());
            Assert.Equal("kg", ((AncientRecord)list[2]).GetValue("Unit"));
        }

        [Fact]
        public void A_copy_a_materialized_copy_and_the_verifier_keep_a_list_with_notes()
        {
            string path = _folder.File("list-notes.heap");
            var row = new MaterializedRecord(new[] { "Test.Row", "System.Object" }, new[] { "Id" }, new object[] { 7 });
            var noted = new Noted { Value = new object[] { "a", row }, Names = new[] { "Source" }, Values = new object[] { "import" }, TypeNames = new[] { "System.Object[]", "System.Array", "System.Object" } };
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("v", new object[] { noted }, Options());
                var stored = (AncientList)heap.Get("v", ValueProjection.None);
                heap.Set("copy", stored);
                var materialized = (object[])AncientValue.Materialize(stored);
                var copy = Assert.IsType<MaterializedRecord>(materialized[0]);
                var value = Assert.IsType<object[]>(copy.WrappedValue);
                Assert.Equal("a", value[0]);
                Assert.Equal(7, Assert.IsType<MaterializedRecord>(value[1])["Id"]);
                Assert.Equal("import", copy["Source"]);
                heap.Set("materialized", materialized);
                // In the classic layout (format 1.1) the list alone.
                heap.Set("classic", new object[] { noted }, Options(classic: true));
                Assert.IsAssignableFrom<AncientList>(((AncientList)heap.Get("classic", ValueProjection.None))[0]);
            }
            Assert.Empty(HeapVerifier.Verify(path));
            using (var heap = MappedHeap.Open(path))
            {
                foreach (var key in new[] { "v", "copy", "materialized" })
                {
                    var record = (AncientRecord)((AncientList)heap.Get(key, ValueProjection.None))[0];
                    Assert.True(record.WrapsValue, key);
                    var value = (AncientList)record.WrappedValue;
                    Assert.Equal("a", value[0]);
                    Assert.Equal(7, ((AncientRecord)value[1]).GetValue("Id"));
                    Assert.Equal("import", record.GetValue("Source"));
                }
            }
        }

        [Fact]
        public void A_value_slot_holding_neither_a_scalar_nor_a_list_is_corrupt_and_the_verifier_reports_it()
        {
            string path = _folder.File("bad-notes.heap");
            long valueTag;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("good", new object[] { Note("a line longer than any inline string", "A", 1) }, Options());
                heap.Set("bad", new object[] { Note("another line longer than any inline string", "A", 1) }, Options());
                var record = (AncientRecord)((AncientList)heap.Get("bad", ValueProjection.None))[0];
                Assert.True(record.Shape.Layout.TagAt(1) >= 0, "a string node's tag is the record's own");
                valueTag = record.Offset + record.Shape.Layout.TagAt(1);
            }
            foreach (byte tag in new[] { NodeTags.Null, NodeTags.Dictionary, NodeTags.Record, (byte)0x30 })
            {
                var patch = new Hostile.HeapPatcher(path);
                byte good = patch.Bytes[valueTag];
                patch.WriteByte(valueTag, tag).Save();
                using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
                {
                    var record = (AncientRecord)((AncientList)heap.Get("bad", ValueProjection.None))[0];
                    Assert.Throws<AncientHeapCorruptException>(() => record.WrappedValue);
                }
                var problems = HeapVerifier.Verify(path);
                Assert.NotEmpty(problems);
                Assert.All(problems, p => Assert.Equal("bad", p.Key));
                new Hostile.HeapPatcher(path).WriteByte(valueTag, good).Save();
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void A_shape_that_is_a_value_with_notes_and_anything_else_is_corrupt()
        {
            string path = _folder.File("bad-shape.heap");
            long flagsAt;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("bad", new object[] { Note("x", "A", 1) }, Options());
                var record = (AncientRecord)((AncientList)heap.Get("bad", ValueProjection.None))[0];
                flagsAt = record.Shape.Offset + ShapeNode.FlagsAt;
            }
            byte flags = new Hostile.HeapPatcher(path).Bytes[flagsAt];
            Assert.Equal(ShapeNode.ValueFlag | ShapeNode.LayoutFlag, flags);
            foreach (byte extra in new[] { ShapeNode.PropertyBagFlag, ShapeNode.TextFlag, ShapeNode.AdaptedFlag, (byte)0x20 })
            {
                new Hostile.HeapPatcher(path).WriteByte(flagsAt, (byte)(flags | extra)).Save();
                using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
                    Assert.Throws<AncientHeapCorruptException>(() => ((AncientList)heap.Get("bad", ValueProjection.None))[0]);
                Assert.NotEmpty(HeapVerifier.Verify(path));
            }
        }
    }
}
