using System;
using System.Collections;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>Good values with bytes patched at known places: every read must end in a clean corruption error.</summary>
    public unsafe class CorruptionTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();

        public void Dispose() => _arena.Dispose();

        private object Read(byte tag, ulong payload) => NodeReader.Read(_arena, "k", tag, payload, ValueProjection.None);

        [Fact]
        public void An_unknown_root_tag_is_corrupt()
        {
            Assert.Throws<AncientHeapCorruptException>(() => Read(0x3F, 0));
            Assert.Throws<AncientHeapCorruptException>(() => Read(0xFF, 0));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.Boolean, 2));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.Int32, 1UL << 40));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.DateTime, ulong.MaxValue));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.ShortString + 2, 0xFFFFFF));
        }

        [Fact]
        public void Offsets_outside_the_space_or_unaligned_are_corrupt()
        {
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.List, 0));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.List, 1UL << 40));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.String, 68));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.Record, ulong.MaxValue - 7));
        }

        [Fact]
        public void A_node_of_the_wrong_kind_is_corrupt()
        {
            _arena.Store(new object[] { 1 });
            var root = _arena.LastRoot;
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.Dictionary, root.Payload));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.Decimal, root.Payload));
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.String, root.Payload));
        }

        [Fact]
        public void A_list_claiming_two_billion_elements_in_a_small_space_is_corrupt()
        {
            _arena.Store(new object[] { 1, 2 });
            long at = (long)_arena.LastRoot.Payload;
            *(uint*)(_arena.At(at) + 4) = int.MaxValue;
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.List, (ulong)at));
            *(uint*)(_arena.At(at) + 4) = uint.MaxValue;
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.List, (ulong)at));
        }

        [Fact]
        public void A_packed_array_claiming_more_bytes_than_exist_is_corrupt()
        {
            _arena.Store(new double[] { 1, 2 });
            long at = (long)_arena.LastRoot.Payload;
            *(uint*)(_arena.At(at) + 4) = 1 << 30;
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.PackedList, (ulong)at));
            *(uint*)(_arena.At(at) + 4) = 2;
            _arena.At(at)[1] = 0x33;
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.PackedList, (ulong)at));
        }

        [Fact]
        public void A_dictionary_with_a_broken_index_is_corrupt_or_misses_but_never_loops()
        {
            var source = new Hashtable();
            for (int i = 0; i < 10; i++) source["k" + i] = i;
            var d = (AncientDictionary)_arena.Store(source);
            long at = d.NodeOffset;
            byte* p = _arena.At(at);
            uint capacity = *(uint*)(p + 8);
            long indexStart = 24 + ((20 + 7) & ~7) + 16 * 10;
            uint* index = (uint*)(p + indexStart);
            // Every index slot claims entry 1 with the probe's hash: the search must stop after one pass.
            for (int i = 0; i < capacity; i++) { index[2 * i] = 0; index[2 * i + 1] = 1; }
            Assert.Null(d["k5"]);
            for (int i = 0; i < capacity; i++) index[2 * i + 1] = 1000;
            Assert.Throws<AncientHeapCorruptException>(() => d["k5"]);
            *(uint*)(p + 8) = 3;
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.Dictionary, (ulong)at));
            *(uint*)(p + 8) = 1u << 30;
            Assert.Throws<AncientHeapCorruptException>(() => Read(NodeTags.Dictionary, (ulong)at));
        }

        [Fact]
        public void A_string_with_a_huge_length_is_corrupt()
        {
            var list = (AncientList)_arena.Store(new object[] { "a string that needs a node" });
            list.GetSlot(0, out _, out ulong payload);
            *(ushort*)(_arena.At((long)payload) + 2) = 0xFFFF;
            *(uint*)(_arena.At((long)payload) + 4) = 0x7FFF_FFF0;
            Assert.Throws<AncientHeapCorruptException>(() => list[0]);
            _arena.At((long)payload)[1] = 9;
            Assert.Throws<AncientHeapCorruptException>(() => list[0]);
        }

        [Fact]
        public void A_record_pointing_at_a_broken_shape_is_corrupt()
        {
            var list = (AncientList)_arena.Store(new object[] { new MaterializedRecord(new[] { "T" }, new[] { "A" }, new object[] { 1 }) });
            list.GetSlot(0, out _, out ulong payload);
            byte* rec = _arena.At((long)payload);
            long shape = (long)(*(ulong*)rec >> 8);
            *(uint*)(_arena.At(shape) + 4) = 1 << 28;
            Assert.Throws<AncientHeapCorruptException>(() => list[0]);
            *(uint*)(_arena.At(shape) + 4) = 1;
            *(ulong*)rec = NodeTags.Record | (12345UL << 8);
            Assert.Throws<AncientHeapCorruptException>(() => list[0]);
        }

        [Fact]
        public void Flipping_any_byte_of_a_stored_graph_never_crashes_the_reader()
        {
            var source = new object[]
            {
                "text that is long", 1.5m, Guid.NewGuid(), new Version(1, 2, 3), new Uri("http://x/"), DayOfWeek.Monday,
                DateTimeOffset.Now, System.Numerics.BigInteger.Pow(7, 40), new int[] { 1, 2, 3 },
                new Hashtable { ["a"] = 1, ["bb"] = new List<object> { 2 } },
                new MaterializedRecord(new[] { "T" }, new[] { "A", "B" }, new object[] { 1, "two" }),
            };
            _arena.Store(source);
            var root = _arena.LastRoot;
            long used = _arena.Used;
            var random = new Random(7);
            for (int round = 0; round < 2000; round++)
            {
                long at = 64 + random.Next((int)used);
                byte* p = _arena.At(at);
                byte saved = *p;
                *p = (byte)random.Next(256);
                try
                {
                    var copy = AncientValue.Materialize(Read(root.Tag, root.Payload));
                    GC.KeepAlive(copy);
                }
                catch (AncientHeapCorruptException)
                {
                }
                finally
                {
                    *p = saved;
                }
            }
        }
    }
}
