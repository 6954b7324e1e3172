using System;
using System.Linq;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Standard members (format 1.6, docs/format-values.md "Standard members", shape flag bit 5): what a host keeps about
    /// presenting a property bag (PowerShell's PSStandardMembers: default display and key properties) is stored once with
    /// the shape of its records and read back with each record.
    /// </summary>
    public unsafe class StandardMembersTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose()
        {
            _arena.Dispose();
            _folder.Dispose();
        }

        public sealed class Holder
        {
            public object Inner { get; set; }
        }

        private static StandardMembers Chosen() => new StandardMembers(new[]
        {
            StandardMember.PropertySet("DefaultDisplayPropertySet", new[] { "Name", "Size" }),
            StandardMember.PropertySet("DefaultKeyPropertySet", new[] { "Size" }),
            StandardMember.PropertySet("Empty", new string[0]),
            StandardMember.Note("DefaultDisplayProperty", "Name"),
            StandardMember.Note("SerializationDepth", 3),
            StandardMember.Note("InheritPropertySerializationSet", true),
        });

        private static MaterializedRecord Row(int i, StandardMembers standard) =>
            new MaterializedRecord(new[] { "Test.Row", "System.Management.Automation.PSCustomObject", "System.Object" }, new[] { "Name", "Size", "Owner" },
                new object[] { "item" + i, i * 10, "ops" }) { StandardMembers = standard };

        private static SetOptions Options(bool classic = false) => new SetOptions { ClassicLayout = classic };

        [Fact]
        public void A_property_bag_keeps_its_standard_members_in_one_shape_with_its_fellows()
        {
            var chosen = Chosen();
            var items = Enumerable.Range(1, 20).Select(i => (object)Row(i, i % 5 == 0 ? null : new StandardMembers(chosen.Members))).ToArray();
            var list = (AncientList)_arena.Store(items, Options());
            for (int i = 0; i < items.Length; i++)
            {
                var record = (AncientRecord)list[i];
                Assert.True(record.IsPropertyBag);
                if ((i + 1) % 5 == 0)
                {
                    Assert.Null(record.StandardMembers);
                    continue;
                }
                Assert.Equal(chosen, record.StandardMembers);
                Assert.Equal(chosen, new StoredRecord(record).StandardMembers);
                Assert.Equal("item" + (i + 1), record.GetValue("Name"));
            }
            var standard = ((AncientRecord)list[0]).StandardMembers;
            Assert.Equal(new[] { "Name", "Size" }, standard.Members[0].PropertyNames);
            Assert.True(standard.Members[0].IsPropertySet);
            Assert.Empty(standard.Members[2].PropertyNames);
            Assert.Equal("Name", standard.Members[3].Value);
            Assert.Equal(3, standard.Members[4].Value);
            Assert.Equal(true, standard.Members[5].Value);
            Assert.False(standard.Members[5].IsPropertySet);
            // Equal members (each row its own instance) share a shape; rows without them have another.
            var withShapes = Enumerable.Range(0, items.Length).Where(i => (i + 1) % 5 != 0).Select(i => ((AncientRecord)list[i]).Shape.Offset).Distinct().ToArray();
            var withoutShapes = Enumerable.Range(0, items.Length).Where(i => (i + 1) % 5 == 0).Select(i => ((AncientRecord)list[i]).Shape.Offset).Distinct().ToArray();
            Assert.True(withShapes.Length <= 2, "the rows with members settle within two shapes (Size grows a byte)");
            Assert.Empty(withShapes.Intersect(withoutShapes));
        }

        [Fact]
        public void Members_that_differ_make_shapes_that_differ()
        {
            var a = new StandardMembers(new[] { StandardMember.PropertySet("DefaultDisplayPropertySet", new[] { "Name" }) });
            var b = new StandardMembers(new[] { StandardMember.PropertySet("DefaultDisplayPropertySet", new[] { "Size" }) });
            var c = new StandardMembers(new[] { StandardMember.Note("SerializationDepth", 3) });
            var d = new StandardMembers(new[] { StandardMember.Note("SerializationDepth", "3") });
            var list = (AncientList)_arena.Store(new object[] { Row(1, a), Row(1, b), Row(1, c), Row(1, d), Row(1, a) }, Options());
            Assert.Equal(a, ((AncientRecord)list[0]).StandardMembers);
            Assert.Equal(b, ((AncientRecord)list[1]).StandardMembers);
            Assert.Equal(c, ((AncientRecord)list[2]).StandardMembers);
            Assert.Equal(d, ((AncientRecord)list[3]).StandardMembers);
            Assert.NotEqual(c, d);
            Assert.IsType<string>(((AncientRecord)list[3]).StandardMembers.Members[0].Value);
            Assert.Equal(4, Enumerable.Range(0, 5).Select(i => ((AncientRecord)list[i]).Shape.Offset).Distinct().Count());
        }

        [Fact]
        public void The_members_are_checked_when_made()
        {
            Assert.Throws<ArgumentException>(() => new StandardMembers(new StandardMember[0]));
            Assert.Throws<ArgumentException>(() => new StandardMembers(Enumerable.Range(0, StandardMembers.MaximumMembers + 1).Select(i => StandardMember.Note("n" + i, i))));
            Assert.Throws<ArgumentException>(() => StandardMember.Note("x", 1.5));
            Assert.Throws<ArgumentException>(() => StandardMember.PropertySet("x", new[] { "a", null }));
            Assert.Throws<ArgumentException>(() => StandardMember.PropertySet("x", Enumerable.Range(0, StandardMembers.MaximumNames + 1).Select(i => "p" + i)));
        }

        [Fact]
        public void Only_a_property_bag_in_the_compact_layout_keeps_them()
        {
            // A .NET object's record (stored by reflection) has none; the classic layout (format 1.1) has none.
            var classic = (AncientList)_arena.Store(new object[] { Row(1, Chosen()) }, Options(classic: true));
            Assert.Null(((AncientRecord)classic[0]).StandardMembers);
            Assert.Equal("item1", ((AncientRecord)classic[0]).GetValue("Name"));
            var holder = (AncientRecord)_arena.Store(new Holder { Inner = Row(2, Chosen()) }, Options());
            Assert.Null(holder.StandardMembers);
            Assert.Equal(Chosen(), ((AncientRecord)holder.GetValue("Inner")).StandardMembers);
        }

        [Fact]
        public void A_copy_a_materialized_copy_and_the_verifier_keep_them()
        {
            string path = _folder.File("standard.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("rows", Enumerable.Range(1, 3).Select(i => (object)Row(i, Chosen())).ToArray());
                var stored = (AncientList)heap.Get("rows", ValueProjection.None);
                heap.Set("copy", stored);
                var materialized = (object[])AncientValue.Materialize(stored);
                Assert.Equal(Chosen(), Assert.IsType<MaterializedRecord>(materialized[0]).StandardMembers);
                heap.Set("materialized", materialized);
            }
            Assert.Empty(HeapVerifier.Verify(path));
            using (var heap = MappedHeap.Open(path))
            {
                foreach (var key in new[] { "rows", "copy", "materialized" })
                {
                    var list = (AncientList)heap.Get(key, ValueProjection.None);
                    for (int i = 0; i < 3; i++) Assert.Equal(Chosen(), ((AncientRecord)list[i]).StandardMembers);
                }
            }
        }

        // Where the standard members of the first row's shape lie in the file, and the shape's flags.
        private long Locate(string path, out long flagsAt)
        {
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("bad", new object[] { Row(1, Chosen()) });
                var record = (AncientRecord)((AncientList)heap.Get("bad", ValueProjection.None))[0];
                var shape = record.Shape;
                flagsAt = shape.Offset + ShapeNode.FlagsAt;
                return shape.Offset + ((ShapeNode.Size(shape.TypeNames.Length, shape.Count, shape.SlotCount) + 7) & ~7L);
            }
        }

        private static void AssertCorrupt(string path, string because)
        {
            using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
            {
                var e = Assert.Throws<AncientHeapCorruptException>(() => ((AncientList)heap.Get("bad", ValueProjection.None))[0]);
                Assert.Contains(because, e.Message);
            }
            var problems = HeapVerifier.Verify(path);
            Assert.NotEmpty(problems);
            Assert.All(problems, p => Assert.Equal("bad", p.Key));
        }

        [Fact]
        public void Damaged_standard_members_are_corrupt_and_the_verifier_reports_them()
        {
            string path = _folder.File("bad-standard.heap");
            long at = Locate(path, out _);
            var original = new Hostile.HeapPatcher(path).Bytes;
            Assert.Equal(6, new Hostile.HeapPatcher(path).ReadInt64(at));
            // The count, a member's kind, a note's count, a list's count and the values of the notes.
            long first = at + 8, second = first + 16 + 16, third = second + 16 + 8, fourth = third + 16, fifth = fourth + 24, sixth = fifth + 24;
            var cases = new (Action<Hostile.HeapPatcher> Patch, string Because)[]
            {
                (p => p.WriteInt64(at, 0), "standard members"),
                (p => p.WriteInt64(at, StandardMembers.MaximumMembers + 1), "standard members"),
                (p => p.WriteUInt32(fourth + 8, 9), "unknown kind"),
                (p => p.WriteUInt32(first + 8, 2), "count of 2"),
                (p => p.WriteUInt32(fourth + 12, 1), "count of 1"),
                (p => p.WriteUInt32(first + 12, StandardMembers.MaximumNames + 1), "names in standard member 0"),
                (p => p.WriteInt64(fifth + 16, 1L << 40), "high bytes"),
                (p => p.WriteInt64(sixth + 16, 2), "Boolean of 2"),
            };
            Assert.Equal(3, new Hostile.HeapPatcher(path).ReadInt64(fifth + 16));
            Assert.Equal(1, new Hostile.HeapPatcher(path).ReadInt64(sixth + 16));
            foreach (var (patch, because) in cases)
            {
                var patcher = new Hostile.HeapPatcher(path);
                patch(patcher);
                patcher.Save();
                AssertCorrupt(path, because);
                System.IO.File.WriteAllBytes(path, original);
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void The_flag_on_a_shape_that_is_no_property_bag_is_corrupt()
        {
            string path = _folder.File("bad-flag.heap");
            long flagsAt;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("bad", new object[] { new Holder { Inner = 1 } });
                var record = (AncientRecord)((AncientList)heap.Get("bad", ValueProjection.None))[0];
                Assert.False(record.IsPropertyBag);
                flagsAt = record.Shape.Offset + ShapeNode.FlagsAt;
            }
            byte flags = new Hostile.HeapPatcher(path).Bytes[flagsAt];
            new Hostile.HeapPatcher(path).WriteByte(flagsAt, (byte)(flags | ShapeNode.StandardFlag)).Save();
            AssertCorrupt(path, "shape flags");
        }
    }
}
