using System;
using System.Collections.Generic;
using System.Linq;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// The text slot of a record stored from a .NET object (docs/format-values.md "Records", shape flag bit 1): the
    /// original's ToString, as the host gives it, kept with the record and read back; property bags have none.
    /// </summary>
    public unsafe class RecordTextTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose()
        {
            _arena.Dispose();
            _folder.Dispose();
        }

        private sealed class Item
        {
            public string Name;
            public override string ToString() => Text;
            public string Text;
        }

        /// <summary>Describes an <see cref="Item"/> as a .NET record with the text its ToString gives (null when it has none).</summary>
        private sealed class TextConverter : ObjectConverter
        {
            public override bool TryDescribe(object value, out RecordDescription description)
            {
                if (value is Item item)
                {
                    description = new RecordDescription(new[] { "Test.Item", "System.Object" }, new[] { "Name" }, new object[] { item.Name }, false, item.ToString());
                    return true;
                }
                description = null;
                return false;
            }
        }

        private static SetOptions Options => new SetOptions { Converter = new TextConverter(), Depth = 2 };

        private static Item[] Items() => new[]
        {
            new Item { Name = "a", Text = "/some/long/path/to/a.txt, longer than a short string" },
            new Item { Name = "b", Text = "b" },
            new Item { Name = "c", Text = null },
            new Item { Name = "d", Text = "" },
        };

        [Fact]
        public void A_record_keeps_its_originals_text_and_a_property_bag_has_none()
        {
            var items = Items();
            var list = (AncientList)_arena.Store(new object[] { items[0], items[1], items[2], items[3], new MaterializedRecord(new[] { "System.Object" }, new[] { "Name" }, new object[] { "bag" }) }, Options);
            for (int i = 0; i < items.Length; i++)
            {
                var record = (AncientRecord)list[i];
                Assert.Equal(items[i].Text, record.ToStringText);
                Assert.Equal(items[i].Name, record.GetValue("Name"));
                Assert.Equal(1, record.Count);
                Assert.Equal(items[i].Text != null, new StoredRecord(record).HasToStringText);
                Assert.Equal(items[i].Text, new StoredRecord(record).ToStringText);
                if (items[i].Text != null) Assert.Equal(items[i].Text, record.ToString());
            }
            var bag = (AncientRecord)list[4];
            Assert.Null(bag.ToStringText);
            Assert.False(new StoredRecord(bag).HasToStringText);
            Assert.Equal("@{Name=bag}", bag.ToString());
            // Records with text share one shape; the one without text has its own.
            Assert.Equal(((AncientRecord)list[0]).Shape.Offset, ((AncientRecord)list[1]).Shape.Offset);
            Assert.NotEqual(((AncientRecord)list[0]).Shape.Offset, ((AncientRecord)list[2]).Shape.Offset);
        }

        [Fact]
        public void The_text_survives_a_file_a_copy_of_the_stored_view_and_the_verifier()
        {
            string path = _folder.File("text.heap");
            var items = Items();
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("items", items, Options);
                var stored = (AncientList)heap.Get("items", ValueProjection.None);
                heap.Set("copy", stored);
            }
            Assert.Empty(HeapVerifier.Verify(path));
            using (var heap = MappedHeap.Open(path))
            {
                foreach (var key in new[] { "items", "copy" })
                {
                    var list = (AncientList)heap.Get(key, ValueProjection.None);
                    Assert.Equal(items.Select(i => i.Text), Enumerable.Range(0, items.Length).Select(i => ((AncientRecord)list[i]).ToStringText));
                }
            }
        }

        [Fact]
        public void A_text_slot_holding_no_string_or_pointing_outside_is_corrupt_and_reported()
        {
            var items = Items();
            var list = (AncientList)_arena.Store(new object[] { items[0] }, Options);
            var record = (AncientRecord)list[0];
            int slots = record.SlotCount;
            Assert.Equal(2, slots);
            // The text slot holds a string node: its tag is the record's own (not fixed by the shape).
            var layout = record.Shape.Layout;
            byte* node = _arena.At(record.Offset);
            Assert.True(layout.TagAt(1) >= 0);
            Assert.Equal(NodeTags.String, layout.Tag(node, 1));
            ulong good = layout.Payload(node, 1);
            ulong outside = layout.Width(1) == 8 ? 1UL << 40 : (1UL << (8 * layout.Width(1))) - 8;

            layout.Put(node, 1, NodeTags.String, outside);
            Assert.Throws<AncientHeapCorruptException>(() => ((AncientRecord)list[0]).ToStringText);
            layout.Put(node, 1, NodeTags.String, good + 3);
            Assert.Throws<AncientHeapCorruptException>(() => ((AncientRecord)list[0]).ToStringText);
            layout.Put(node, 1, NodeTags.Int32, good);
            Assert.Throws<AncientHeapCorruptException>(() => ((AncientRecord)list[0]).ToStringText);
            layout.Put(node, 1, NodeTags.String, good);
            Assert.Equal(items[0].Text, ((AncientRecord)list[0]).ToStringText);
        }

        [Fact]
        public void The_verifier_reports_a_text_slot_of_the_wrong_kind_in_a_file()
        {
            string path = _folder.File("bad-text.heap");
            long textTag;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("good", Items(), Options);
                heap.Set("bad", new object[] { Items()[0] }, Options);
                var record = (AncientRecord)((AncientList)heap.Get("bad", ValueProjection.None))[0];
                Assert.True(record.Shape.Layout.TagAt(1) >= 0);
                textTag = record.Offset + record.Shape.Layout.TagAt(1);
            }
            var patch = new Hostile.HeapPatcher(path);
            patch.WriteByte(textTag, NodeTags.Dictionary).Save();
            var problems = HeapVerifier.Verify(path);
            Assert.NotEmpty(problems);
            Assert.All(problems, p => Assert.Equal("bad", p.Key));
            Assert.Contains(problems, p => p.Message.Contains("text slot"));
        }
    }
}
