using System;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Hostile;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Format 1.3: a record referred to more than once in its value is marked in its header (docs/format-values.md
    /// "Record", bit 0 of the shape field), so that a host can give one object for it within a read; the other two low
    /// bits of the field stay 0, and a file with them set is damaged.
    /// </summary>
    public class SharedRecordTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        private static MaterializedRecord Record(string name) => new MaterializedRecord(new[] { "System.Object" }, new[] { "Name" }, new object[] { name });

        private string Store(object value, bool classic = false)
        {
            string path = _folder.File($"shared{Guid.NewGuid():N}.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("v", value, new SetOptions { ClassicLayout = classic });
            return path;
        }

        private static StoredRecord StoredAt(AncientList list, int index) => new StoredRecord((AncientRecord)list[index]);

        [Fact]
        public void Only_a_record_met_twice_is_marked_shared_and_its_host_object_is_kept_once_per_read()
        {
            var owner = Record("ops");
            string path = Store(new object[] { owner, Record("other"), owner });
            using (var heap = MappedHeap.Open(path))
            {
                var list = (AncientList)heap.Get("v");
                Assert.True(StoredAt(list, 0).IsShared);
                Assert.False(StoredAt(list, 1).IsShared);
                Assert.Equal(StoredAt(list, 0), StoredAt(list, 2));
                var first = StoredAt(list, 0);
                Assert.Null(first.KeptProjection);
                var kept = new object();
                Assert.Same(kept, first.KeepProjection(kept));
                Assert.Same(kept, StoredAt(list, 2).KeptProjection);
                Assert.Same(kept, StoredAt(list, 2).KeepProjection(new object()));
                // Another read has its own.
                Assert.Null(StoredAt((AncientList)heap.Get("v"), 0).KeptProjection);
                Assert.Equal("ops", ((AncientRecord)list[2]).GetValue("Name"));
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void The_classic_layout_marks_nothing()
        {
            var owner = Record("ops");
            using (var heap = MappedHeap.Open(Store(new object[] { owner, owner }, classic: true)))
                Assert.False(StoredAt((AncientList)heap.Get("v"), 0).IsShared);
        }

        [Fact]
        public void A_list_or_dictionary_met_twice_is_marked_shared_and_its_host_object_is_kept_once_per_read()
        {
            var tags = new List<object> { "a", "b" };
            var map = new Dictionary<string, object> { ["k"] = "v" };
            string path = Store(new object[] { tags, map, tags, map, new List<object> { "c" } });
            using (var heap = MappedHeap.Open(path))
            {
                var list = (AncientList)heap.Get("v");
                Assert.True(((AncientList)list[0]).IsShared);
                Assert.True(((AncientDictionary)list[1]).IsShared);
                Assert.False(((AncientList)list[4]).IsShared);
                Assert.Null(AncientValue.KeptProjection(list[0]));
                var kept = new object();
                Assert.Same(kept, AncientValue.KeepProjection(list[0], kept));
                Assert.Same(kept, AncientValue.KeptProjection(list[2]));
                var notShared = new object();
                Assert.Same(notShared, AncientValue.KeepProjection(list[4], notShared));
                Assert.Null(AncientValue.KeptProjection(list[4]));
                Assert.Equal("v", ((AncientDictionary)list[3])["k"]);
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void A_dictionary_with_unknown_flags_is_corrupt()
        {
            string path = Store(new Dictionary<string, object> { ["k"] = "v" });
            var heap = new HeapPatcher(path);
            long node = heap.RootOf(heap.FindEntry("v"));
            Assert.Equal(NodeTags.Dictionary, heap.Bytes[node]);
            heap.WriteByte(node + DictionaryNode.FlagsAt, 0x80).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Value && p.Key == "v");
        }

        [Theory]
        [InlineData(2)]
        [InlineData(4)]
        public void A_record_whose_shape_field_has_bit_1_or_2_set_is_corrupt(int bit)
        {
            string path = Store(new object[] { Record("a"), Record("b") });
            var heap = new HeapPatcher(path);
            long list = heap.RootOf(heap.FindEntry("v"));
            long record = heap.ReadListPayload(list, 0);
            Assert.Equal(NodeTags.Record, heap.Bytes[record]);
            heap.WriteInt64(record, heap.ReadInt64(record) | ((long)bit << 8)).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Value && p.Key == "v");
        }
    }
}
