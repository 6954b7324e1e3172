using System;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Hostile;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Format 1.3: a record stored from a .NET object says which of its properties were the object's adapted ones
    /// (docs/format-values.md "Shape", flag bit 3 and the field at 12), read back as <see cref="AncientRecord.AdaptedFrom"/>;
    /// a damaged split is reported, never read.
    /// </summary>
    public class AdaptedSplitTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        private sealed class Item
        {
            public string Note;
            public int Size;
            public string Name;
        }

        /// <summary>Describes an <see cref="Item"/> as a .NET record whose properties from <c>_adaptedFrom</c> on are adapted.</summary>
        private sealed class SplitConverter : ObjectConverter
        {
            private readonly int _adaptedFrom;
            public SplitConverter(int adaptedFrom) { _adaptedFrom = adaptedFrom; }

            public override bool TryDescribe(object value, out RecordDescription description)
            {
                description = null;
                if (!(value is Item item)) return false;
                description = new RecordDescription(new[] { "Test.Item", "System.Object" }, new[] { "Note", "Size", "Name" }, new object[] { item.Note, item.Size, item.Name }, false, item.Name)
                {
                    AdaptedFrom = _adaptedFrom,
                };
                return true;
            }
        }

        private static Item[] Items() => new[] { new Item { Note = "n1", Size = 1, Name = "a" }, new Item { Note = "n2", Size = 300, Name = "b" } };

        private string Store(int adaptedFrom, bool classic = false)
        {
            string path = _folder.File($"split{adaptedFrom}{classic}.heap");
            using (var heap = MappedHeap.Open(path))
                heap.Set("v", Items(), new SetOptions { Converter = new SplitConverter(adaptedFrom), Depth = 2, ClassicLayout = classic });
            return path;
        }

        [Theory]
        [InlineData(1, false)]
        [InlineData(0, false)]
        [InlineData(2, false)]
        [InlineData(-1, false)]
        [InlineData(1, true)]
        public void A_record_keeps_where_its_adapted_properties_start(int adaptedFrom, bool classic)
        {
            string path = Store(adaptedFrom, classic);
            using (var heap = MappedHeap.Open(path))
            {
                var list = (AncientList)heap.Get("v");
                foreach (var element in list)
                {
                    var record = (AncientRecord)element;
                    Assert.Equal(adaptedFrom, record.AdaptedFrom);
                    Assert.Equal(adaptedFrom, new StoredRecord(record).AdaptedFrom);
                    Assert.False(record.IsPropertyBag);
                }
                Assert.Equal(300, ((AncientRecord)list[1]).GetValue("Size"));
                // Copied into another heap, the split goes with the record.
                string other = _folder.File($"copy{adaptedFrom}{classic}.heap");
                using (var copy = MappedHeap.Open(other))
                {
                    copy.Set("c", list);
                    Assert.Equal(adaptedFrom, ((AncientRecord)((AncientList)copy.Get("c"))[0]).AdaptedFrom);
                }
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void Records_told_apart_differently_have_shapes_of_their_own()
        {
            string path = _folder.File("two.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("a", Items(), new SetOptions { Converter = new SplitConverter(1), Depth = 2 });
                heap.Set("b", new object[] { Items()[0], new Dictionary<string, object> { ["x"] = Items()[1] } }, new SetOptions { Converter = new SplitConverter(2), Depth = 3 });
                Assert.Equal(1, ((AncientRecord)((AncientList)heap.Get("a"))[0]).AdaptedFrom);
                Assert.Equal(2, ((AncientRecord)((AncientList)heap.Get("b"))[0]).AdaptedFrom);
            }
        }

        [Fact]
        public void A_property_bag_is_never_split()
        {
            string path = _folder.File("bag.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("v", new MaterializedRecord(new[] { "System.Object" }, new[] { "a", "b" }, new object[] { 1, 2 }));
                Assert.Equal(-1, ((AncientRecord)heap.Get("v")).AdaptedFrom);
            }
        }

        private static (HeapPatcher heap, long shape) FirstShape(string path)
        {
            var heap = new HeapPatcher(path);
            long list = heap.RootOf(heap.FindEntry("v"));
            long record = heap.ReadListPayload(list, 0);
            long shape = (long)((ulong)heap.ReadInt64(record) >> 8);
            Assert.Equal(NodeTags.Shape, heap.Bytes[shape]);
            return (heap, shape);
        }

        [Theory]
        [InlineData(3u)]           // the property count: no property would be adapted
        [InlineData(4u)]
        [InlineData(0xFFFFFFFFu)]
        public void A_split_past_the_last_property_is_corrupt(uint k)
        {
            var (heap, shape) = FirstShape(Store(1));
            Assert.Equal(ShapeNode.AdaptedFlag, heap.Bytes[shape + ShapeNode.FlagsAt] & ShapeNode.AdaptedFlag);
            heap.WriteUInt32(shape + ShapeNode.AdaptedFromAt, k).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Value && p.Key == "v");
        }

        [Fact]
        public void A_split_property_bag_is_corrupt()
        {
            var (heap, shape) = FirstShape(Store(1));
            heap.WriteByte(shape + ShapeNode.FlagsAt, (byte)(heap.Bytes[shape + ShapeNode.FlagsAt] & ~ShapeNode.TextFlag | ShapeNode.PropertyBagFlag)).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Value && p.Key == "v");
        }
    }
}
