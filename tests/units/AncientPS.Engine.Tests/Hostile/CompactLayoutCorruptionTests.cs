using System;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HostileProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Hostile
{
    /// <summary>
    /// The nodes of format 1.2 (issue 18, file size) damaged in a file: a shape's slot layout (payload widths, fixed tags)
    /// and a narrow list's flags and size. Each must end in a clean format error when read, and the verifier must report it.
    /// </summary>
    public class CompactLayoutCorruptionTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        private HeapPatcher Heap(object value)
        {
            string path = _folder.File("v.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("v", value);
            return new HeapPatcher(path);
        }

        private static void AssertReportedAndCorrupt(HeapPatcher heap)
        {
            HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Value && p.Key == "v");
        }

        /// <summary>The first record of the rows, its shape node, and where the shape's layout bytes start.</summary>
        private static (long record, long shape, long layout) FirstRecord(HeapPatcher heap)
        {
            long list = heap.RootOf(heap.FindEntry("v"));
            long record = heap.ReadListPayload(list, 0);
            Assert.Equal(NodeTags.Record, heap.Bytes[record]);
            long shape = (long)((ulong)heap.ReadInt64(record) >> 8);
            Assert.Equal(NodeTags.Shape, heap.Bytes[shape]);
            Assert.Equal(ShapeNode.LayoutFlag, heap.Bytes[shape + 1] & ShapeNode.LayoutFlag);
            long n = heap.ReadUInt32(shape + 4), t = heap.ReadUInt32(shape + 8);
            return (record, shape, shape + 16 + 8 * (t + n));
        }

        [Theory]
        [InlineData(4)]
        [InlineData(0xFF)]
        public void A_shape_giving_a_slot_an_impossible_width_is_corrupt(byte widthLog)
        {
            var heap = Heap(SampleHeaps.Records(3));
            var (_, _, layout) = FirstRecord(heap);
            heap.WriteByte(layout, widthLog).Save();
            AssertReportedAndCorrupt(heap);
        }

        [Theory]
        [InlineData(NodeTags.Record)]   // a node tag cannot be fixed: each record has its own node
        [InlineData(NodeTags.String)]
        [InlineData(0x10)]              // no such tag
        [InlineData(0xFE)]
        public void A_shape_fixing_a_slot_to_a_tag_that_cannot_be_fixed_is_corrupt(byte tag)
        {
            var heap = Heap(SampleHeaps.Records(3));
            var (_, _, layout) = FirstRecord(heap);
            heap.WriteByte(layout + 1, tag).Save();
            AssertReportedAndCorrupt(heap);
        }

        [Fact]
        public void A_shape_with_unknown_flags_is_corrupt()
        {
            var heap = Heap(SampleHeaps.Records(3));
            var (_, shape, _) = FirstRecord(heap);
            heap.WriteByte(shape + 1, (byte)(heap.Bytes[shape + 1] | 0x10)).Save();
            AssertReportedAndCorrupt(heap);
        }

        [Fact]
        public void A_fixed_tag_whose_payload_its_type_cannot_have_is_corrupt()
        {
            // Slot 3 (Up) is a Boolean fixed by the shape, one byte wide: 2 is no Boolean.
            var heap = Heap(SampleHeaps.Records(3));
            var (record, shape, layout) = FirstRecord(heap);
            Assert.Equal(NodeTags.Boolean, heap.Bytes[layout + 2 * 3 + 1]);
            Assert.Equal(0, heap.Bytes[layout + 2 * 3]);
            long at = record + PayloadAt(heap, layout, 5, 3);
            Assert.Equal(1, heap.Bytes[at]); // row 0 is Up
            heap.WriteByte(at, 2).Save();
            AssertReportedAndCorrupt(heap);
        }

        /// <summary>Where slot <paramref name="slot"/>'s payload lies in a record (docs/format-values.md "Records"): after the header, the wider payloads, then those of its width before it.</summary>
        private static int PayloadAt(HeapPatcher heap, long layout, int slots, int slot)
        {
            int log = heap.Bytes[layout + 2 * slot];
            int at = 8;
            for (int i = 0; i < slots; i++)
            {
                int w = heap.Bytes[layout + 2 * i];
                if (w > log || (w == log && i < slot)) at += 1 << w;
            }
            return at;
        }

        [Fact]
        public void A_shape_whose_widths_make_its_records_run_past_the_file_is_corrupt()
        {
            var heap = Heap(SampleHeaps.Records(1));
            var (_, shape, _) = FirstRecord(heap);
            // A million properties: the shape itself (and its records) would end far past the file.
            heap.WriteUInt32(shape + 4, 1_000_000).Save();
            AssertReportedAndCorrupt(heap);
        }

        [Theory]
        [InlineData(0x08)]  // an unknown flag
        [InlineData(0x0C)]  // narrow with an unknown flag
        [InlineData(0x80)]
        public void A_list_with_unknown_flags_is_corrupt(byte flags)
        {
            var heap = Heap(new object[] { 1, 2, "three" });
            long list = heap.RootOf(heap.FindEntry("v"));
            Assert.Equal(ListNode.NarrowFlag, heap.Bytes[list + 1] & ~3);
            heap.WriteByte(list + 1, flags).Save();
            AssertReportedAndCorrupt(heap);
        }

        [Fact]
        public void A_narrow_list_whose_count_runs_past_the_file_is_corrupt()
        {
            var heap = Heap(new object[] { 1, 2, 3 });
            long list = heap.RootOf(heap.FindEntry("v"));
            heap.WriteByte(list + 1, ListNode.NarrowFlag | 3).WriteUInt32(list + 4, 0x7FFF_FFFF).Save();
            AssertReportedAndCorrupt(heap);
        }

        [Fact]
        public void A_narrow_list_whose_width_is_changed_reads_other_payloads_or_fails_cleanly()
        {
            // Widening a list of 1-byte payloads makes it read bytes beyond its own: inside the value they decode as
            // whatever scalars they are (the checksum catches the change); past the value's extents they fail.
            var heap = Heap(new object[] { 1, 2, 3 });
            long list = heap.RootOf(heap.FindEntry("v"));
            Assert.Equal(ListNode.NarrowFlag, heap.Bytes[list + 1]);
            heap.WriteByte(list + 1, ListNode.NarrowFlag | 3).Save();
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Key == "v");
            var e = HeapPatcher.ReadAll(heap.Path);
            if (e != null) Assert.IsAssignableFrom<AncientHeapFormatException>(e);
        }
    }
}
