using System;
using System.Collections;
using System.IO;
using AncientPS.Engine.Storage;
using AncientPS.Engine.Tests.Storage;
using AncientPS.HostileProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Hostile
{
    /// <summary>
    /// In the shape of py-lmdb's cve_test.py: write a good heap, patch bytes at known offsets, and check that mounting,
    /// listing, Get, full traversal and Materialize end in a clean AncientHeapFormatException (never a crash or a hang).
    /// </summary>
    public class CorruptHeapTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        private HeapPatcher Heap(object value, string name = "v.heap")
        {
            string path = _folder.File(name);
            using (var heap = MappedHeap.Open(path)) heap.Set("v", value);
            return new HeapPatcher(path);
        }

        private HeapPatcher ManyKeys(int count)
        {
            string path = _folder.File("many.heap");
            using (var heap = MappedHeap.Open(path))
                for (int i = 0; i < count; i++) heap.Set("key" + i, i);
            return new HeapPatcher(path);
        }

        // ------------------------------------------------------------------ header

        [Fact]
        public void A_damaged_header_checksum_is_refused_on_mount()
        {
            var heap = Heap(1);
            heap.WriteByte(48, (byte)(heap.Bytes[48] ^ 1)).Save();
            var e = HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Equal(HeapFormatProblem.Corrupt, e.Problem);
        }

        [Theory]
        [InlineData(20, 8192L)]      // header page size
        [InlineData(28, 1L)]         // reader slot count
        [InlineData(32, 0L)]         // reader table offset
        [InlineData(40, 4096L)]      // data start inside the reader table
        public void A_header_describing_another_layout_is_refused_even_with_a_valid_checksum(int field, long value)
        {
            var heap = Heap(1);
            if (field < 32) heap.WriteUInt32(field, (uint)value); else heap.WriteInt64(field, value);
            heap.Reseal().Save();
            Assert.Equal(HeapFormatProblem.Corrupt, HeapPatcher.AssertCorrupt(heap.Path).Problem);
        }

        [Fact]
        public void A_file_truncated_inside_the_reader_table_is_refused()
        {
            var heap = Heap(1);
            heap.Truncate(HeapLayout.HeaderSize + 100).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_file_truncated_inside_the_data_falls_back_to_the_older_state_that_fits_and_is_reported()
        {
            var heap = Heap(new object[] { "some text that needs a node", 2, 3 });
            heap.Truncate((int)HeapLayout.DataStart + 16).Save();
            Assert.Null(HeapPatcher.ReadAll(heap.Path));
            using (var h = MappedHeap.Open(heap.Path, new HeapOptions { ReadOnly = true })) Assert.Empty(h.Keys);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Meta);
        }

        [Fact]
        public void A_file_truncated_inside_the_data_without_an_older_state_is_refused()
        {
            var heap = Heap(new object[] { "some text that needs a node", 2, 3 });
            heap.KillOtherMeta().Truncate((int)HeapLayout.DataStart + 16).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        // ------------------------------------------------------------------ meta pages

        [Theory]
        [InlineData(8, long.MaxValue)]     // committed size beyond the file
        [InlineData(8, 100L)]              // committed size inside the header
        [InlineData(16, 512L)]             // directory root in the header page
        [InlineData(16, 20484L)]           // directory root unaligned
        [InlineData(16, long.MinValue)]    // directory root negative
        [InlineData(32, 8L)]               // free table in the header
        [InlineData(40, long.MaxValue)]    // free table length beyond everything
        [InlineData(24, -1L)]              // key count negative
        public void A_meta_page_pointing_outside_the_heap_is_never_used(int field, long value)
        {
            var heap = Heap(new object[] { "a value", 1 });
            heap.PatchMeta(field, value).KillOtherMeta().Save();
            var e = HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains("meta page", e.Message);
        }

        [Fact]
        public void A_torn_latest_meta_page_falls_back_to_the_previous_state()
        {
            string path = _folder.File("torn.heap");
            using (var h = MappedHeap.Open(path))
            {
                h.Set("first", 1);
                h.Set("second", 2);
            }
            var heap = new HeapPatcher(path);
            heap.WriteInt64(heap.LatestMeta + 8, 12345).Save(); // checksum now fails
            using (var h = MappedHeap.Open(path))
            {
                Assert.Equal(1, h.Get("first"));
                Assert.False(h.ContainsKey("second"));
            }
            var problem = Assert.Single(HeapVerifier.Verify(path));
            Assert.Equal(HeapArea.Meta, problem.Area);
            Assert.Contains("is lost", problem.Message);
        }

        [Fact]
        public unsafe void A_commit_interrupted_at_any_store_of_its_meta_page_leaves_the_previous_state_and_no_problem()
        {
            // What a writer killed while it writes the meta page leaves: the commit's data, and the slot part written.
            string path = _folder.File("interrupted.heap");
            using (var h = MappedHeap.Open(path)) h.Set("first", 1);
            byte[] before = File.ReadAllBytes(path);
            using (var h = MappedHeap.Open(path)) h.Set("second", 2);
            var after = new HeapPatcher(path);
            int slot = after.LatestMeta;
            MetaPage meta;
            fixed (byte* p = after.Bytes) meta = MetaPage.Read(p + slot);
            for (int stores = 0; stores <= MetaPage.Size / 8; stores++)
            {
                byte[] image = (byte[])after.Bytes.Clone();
                Array.Copy(before, slot, image, slot, MetaPage.Size);
                fixed (byte* p = image) meta.WriteTo(p + slot, stores);
                string file = _folder.File($"interrupted-{stores}.heap");
                File.WriteAllBytes(file, image);
                Assert.True(HeapVerifier.Verify(file).Count == 0, $"after {stores} stores: " + string.Join("; ", HeapVerifier.Verify(file)));
                using (var h = MappedHeap.Open(file))
                {
                    Assert.Equal(1, h.Get("first"));
                    // Only the last store, the transaction id, makes the commit.
                    Assert.Equal(stores == MetaPage.Size / 8, h.ContainsKey("second"));
                }
            }
        }

        [Fact]
        public void A_damaged_older_meta_page_is_never_used_and_is_no_problem()
        {
            string path = _folder.File("older.heap");
            using (var h = MappedHeap.Open(path)) h.Set("first", 1);
            var heap = new HeapPatcher(path);
            heap.WriteInt64(heap.OtherMeta + 8, 12345).Save();
            using (var h = MappedHeap.Open(path)) Assert.Equal(1, h.Get("first"));
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void A_directory_root_pointing_at_a_value_node_is_corrupt()
        {
            var heap = Heap(new object[] { "a value", 1 });
            long list = heap.RootOf(heap.FindEntry("v"));
            heap.PatchMeta(16, list).KillOtherMeta().Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_free_table_pointing_at_live_data_is_refused_by_writers_and_reported()
        {
            var heap = Heap(new object[] { "a value", 1 });
            long list = heap.RootOf(heap.FindEntry("v"));
            heap.PatchMeta(32, list).PatchMeta(40, 64).KillOtherMeta().Save();
            using (var h = MappedHeap.Open(heap.Path))
            {
                Assert.NotNull(h.Get("v")); // reads do not need the free table
                Assert.Throws<AncientHeapCorruptException>(() => h.Set("w", 2));
                Assert.Throws<AncientHeapCorruptException>(() => h.GetStatistics());
            }
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.FreeSpace);
        }

        [Fact]
        public void Free_ranges_overlapping_live_data_are_refused_by_writers_and_reported()
        {
            var heap = Heap(new object[] { "a value", 1 });
            long table = heap.Meta(32);
            long entry = heap.FindEntry("v");
            // Claim the key entry's own bytes as free.
            heap.WriteUInt32(table + 4, 1).WriteInt64(table + 16, entry).WriteInt64(table + 24, 64).WriteInt64(table + 32, 0).WriteInt64(table + 40, 0).Save();
            var problems = HeapVerifier.Verify(heap.Path);
            Assert.Contains(problems, p => p.Area == HeapArea.FreeSpace && p.Message.Contains("overlaps"));
        }

        // ------------------------------------------------------------------ key directory and entries

        [Theory]
        [InlineData(2, 0xFFFF)]   // key length beyond the maximum
        [InlineData(2, 0)]        // empty key
        [InlineData(4, 0xFFFF)]   // type name length beyond the maximum
        public void A_key_entry_with_impossible_lengths_is_corrupt(int field, int value)
        {
            var heap = Heap("x");
            heap.WriteUInt16(heap.FindEntry("v") + field, (ushort)value).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_key_entry_whose_lengths_reach_past_the_committed_data_is_corrupt()
        {
            var heap = Heap("x");
            heap.WriteUInt16(heap.FindEntry("v") + 4, 512).Reseal().Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_resealed_entry_with_an_invalid_key_is_corrupt_not_an_argument_error()
        {
            var heap = Heap("x");
            heap.WriteUInt16(heap.FindEntry("v") + KeyEntry.FixedSize, 0x0001).Reseal().Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_branch_whose_child_is_itself_ends_with_an_error_not_a_hang()
        {
            var heap = ManyKeys(8);
            long root = heap.DirectoryRoot;
            Assert.Equal(HeapLayout.KindBranch, heap.Bytes[root]);
            heap.WriteInt64(root + 16, root).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Directory && p.Message.Contains("twice"));
        }

        [Fact]
        public void A_branch_with_thirty_two_children_that_are_itself_does_not_multiply_the_walk()
        {
            // Before the fix, listing walked 32^14 paths through this one node.
            var heap = ManyKeys(64);
            long root = heap.DirectoryRoot;
            heap.WriteUInt32(root + 4, 0xFFFFFFFF);
            for (int i = 0; i < 32; i++) heap.WriteInt64(root + 16 + 8 * i, root);
            heap.Save();
            HeapPatcher.AssertCorrupt(heap.Path);
            using (var h = MappedHeap.Open(heap.Path))
            {
                Assert.Throws<AncientHeapCorruptException>(() => h.GetEntries());
                Assert.Throws<AncientHeapCorruptException>(() => h.Get("key1"));
            }
        }

        [Fact]
        public void A_collision_node_with_a_huge_count_is_corrupt()
        {
            var heap = ManyKeys(4);
            long root = heap.DirectoryRoot;
            heap.WriteByte(root, HeapLayout.KindCollision).WriteUInt32(root + 4, uint.MaxValue).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        // ------------------------------------------------------------------ values

        [Theory]
        [InlineData(0x7FFFFFFFu)]
        [InlineData(0xFFFFFFFFu)]
        [InlineData(1_000_000u)]
        public void A_list_with_a_huge_count_is_corrupt(uint count)
        {
            var heap = Heap(new object[] { 1, "two", 3.0 });
            long list = heap.RootOf(heap.FindEntry("v"));
            heap.WriteUInt32(list + 4, count).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_packed_array_longer_than_the_file_is_corrupt()
        {
            var heap = Heap(new double[] { 1, 2, 3 });
            long list = heap.RootOf(heap.FindEntry("v"));
            heap.WriteUInt32(list + 4, 0x7FFFFFFF).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Theory]
        [InlineData(0xFFFF, 0x7FFFFFFFu)]
        [InlineData(0xFFFF, 0xFFFFFFFFu)]
        [InlineData(0xFFFF, 0x01000000u)]
        public void A_string_longer_than_the_file_is_corrupt(int shortLength, uint longLength)
        {
            var heap = Heap(new object[] { "a string too long to travel inline" });
            long list = heap.RootOf(heap.FindEntry("v"));
            long text = heap.ReadListPayload(list, 0);
            heap.WriteUInt16(text + 2, (ushort)shortLength).WriteUInt32(text + 4, longLength).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Theory]
        [InlineData(3u)]            // not a power of two
        [InlineData(0x40000000u)]   // a power of two far beyond the file
        [InlineData(1u)]            // fewer slots than entries
        public void A_dictionary_with_an_impossible_index_capacity_is_corrupt(uint capacity)
        {
            var heap = Heap(new Hashtable { ["a"] = 1, ["b"] = 2, ["c"] = 3 });
            long node = heap.RootOf(heap.FindEntry("v"));
            heap.WriteUInt32(node + 8, capacity).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_dictionary_index_naming_missing_entries_is_corrupt_on_lookup()
        {
            var heap = Heap(new Hashtable { ["a"] = 1, ["b"] = 2, ["c"] = 3 });
            long node = heap.RootOf(heap.FindEntry("v"));
            uint count = heap.ReadUInt32(node + 4), capacity = heap.ReadUInt32(node + 8);
            long index = node + 24 + ((2 * count + 7) & ~7u) + 16 * count;
            for (long i = 0; i < capacity; i++) heap.WriteUInt32(index + 8 * i + 4, 1000 + (uint)i);
            heap.Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_record_whose_shape_is_itself_is_corrupt()
        {
            var heap = Heap(SampleHeaps.Records(1));
            long list = heap.RootOf(heap.FindEntry("v"));
            long record = heap.ReadListPayload(list, 0);
            heap.WriteInt64(record, (record << 8) | 0x53).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Theory]
        [InlineData(4, 0x7FFFFFFFu)]   // property count
        [InlineData(8, 0x7FFFFFFFu)]   // type name count
        [InlineData(4, 0xFFFFFFFFu)]
        public void A_record_shape_with_huge_counts_is_corrupt(int field, uint value)
        {
            var heap = Heap(SampleHeaps.Records(1));
            long list = heap.RootOf(heap.FindEntry("v"));
            long record = heap.ReadListPayload(list, 0);
            long shape = (long)((ulong)heap.ReadInt64(record) >> 8);
            heap.WriteUInt32(shape + field, value).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void An_enum_naming_its_type_with_a_non_string_node_is_corrupt()
        {
            var heap = Heap(new object[] { DayOfWeek.Monday, new object[] { 1 } });
            long list = heap.RootOf(heap.FindEntry("v"));
            long en = heap.ReadListPayload(list, 0);
            long inner = heap.ReadListPayload(list, 1);
            heap.WriteInt64(en + 16, inner).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_node_referred_to_with_two_different_tags_is_corrupt_even_through_materialize()
        {
            // Slot 1 says "list" but points at the string node of slot 0: before the fix, Materialize's cache returned the string.
            var heap = Heap(new object[] { "a string too long to travel inline", new object[] { 1 } });
            long list = heap.RootOf(heap.FindEntry("v"));
            heap.WriteListPayload(list, 1, heap.ReadListPayload(list, 0)).Save();
            using (var h = MappedHeap.Open(heap.Path))
            {
                var value = h.Get("v");
                Assert.Throws<AncientHeapCorruptException>(() => AncientValue.Materialize(value));
            }
            HeapPatcher.AssertCorrupt(heap.Path);
        }

        [Fact]
        public void A_value_pointing_into_another_keys_data_reads_but_the_verifier_reports_it()
        {
            string path = _folder.File("two.heap");
            using (var h = MappedHeap.Open(path))
            {
                h.Set("a", new object[] { "text of the first key, long enough" });
                h.Set("b", new object[] { "text of the second key, long enough" });
            }
            var heap = new HeapPatcher(path);
            long a = heap.RootOf(heap.FindEntry("a")), b = heap.RootOf(heap.FindEntry("b"));
            heap.WriteListPayload(b, 0, heap.ReadListPayload(a, 0)).Save();
            Assert.Null(HeapPatcher.ReadAll(path));
            var problems = HeapVerifier.Verify(path);
            Assert.Contains(problems, p => p.Area == HeapArea.Value && p.Key == "b" && p.Message.Contains("extents"));
        }

        [Fact]
        public void Removing_a_value_whose_extent_list_is_misaligned_is_refused_and_keeps_the_other_keys()
        {
            // A hostile extent list (resealed, so that its checksums pass) whose first extent starts 4 bytes into the
            // value and stays inside the heap: freeing it would put an unaligned range in the free table, and the next
            // writes at unaligned offsets.
            string path = _folder.File("aligned.heap");
            using (var h = MappedHeap.Open(path))
            {
                h.Set("a", new object[] { "text of the first key, long enough" });
                h.Set("b", new object[] { "text of the second key, long enough" });
            }
            var heap = new HeapPatcher(path);
            long list = heap.ReadInt64(heap.FindEntry("a") + KeyEntry.ExtentsField);
            long first = list + ExtentList.ExtentsField;
            heap.WriteInt64(first + ExtentList.EntryOffsetField, heap.ReadInt64(first + ExtentList.EntryOffsetField) + 4);
            heap.WriteInt64(first + ExtentList.EntryLengthField, heap.ReadInt64(first + ExtentList.EntryLengthField) - 12);
            heap.Reseal().Save();
            using (var h = MappedHeap.Open(path))
            {
                var refused = Assert.Throws<AncientHeapCorruptException>(() => h.Remove("a"));
                Assert.Contains("aligned", refused.Message);
                Assert.Equal("text of the second key, long enough", ((IList)h.Get("b"))[0]);
                h.Set("c", new object[] { "written after the refusal" });
                Assert.Equal("written after the refusal", ((IList)h.Get("c"))[0]);
            }
            Assert.DoesNotContain(HeapVerifier.Verify(path), p => p.Key == "b" || p.Key == "c");
        }

        [Fact]
        public void A_list_that_contains_itself_is_a_cycle_and_reads_to_the_end()
        {
            // The nested list makes the list classic (8-byte payloads), where an offset fits any slot.
            var heap = Heap(new object[] { 1, 2, new object[0] });
            long list = heap.RootOf(heap.FindEntry("v"));
            Assert.Equal(0, heap.Bytes[list + 1]);
            heap.WriteByte(list + 8, 0x50).WriteListPayload(list, 0, list).Save();
            using (var h = MappedHeap.Open(heap.Path))
            {
                var value = (AncientList)h.Get("v");
                Assert.True(value.Equals(value[0]));
                var copy = (object[])AncientValue.Materialize(value);
                Assert.Same(copy, copy[0]);
            }
        }

        [Fact]
        public void Aliases_cannot_amplify_traversal_or_materialize()
        {
            // 40 levels, each an array holding the next level twice: 2^40 paths through 40 nodes.
            object level = new object[] { "leaf" };
            for (int i = 0; i < 40; i++) level = new object[] { level, level };
            var heap = Heap(level);
            using (var h = MappedHeap.Open(heap.Path))
            {
                var value = h.Get("v");
                Assert.True(HeapWalker.Traverse(value) < 1000);
                var copy = (object[])AncientValue.Materialize(value);
                Assert.Same(copy[0], copy[1]);
            }
            Assert.Empty(HeapVerifier.Verify(heap.Path));
        }

        [Fact]
        public void A_deep_chain_is_read_verified_and_materialized_without_recursion()
        {
            object chain = null;
            for (int i = 0; i < 200_000; i++) chain = new object[] { i, chain };
            var heap = Heap(chain);
            using (var h = MappedHeap.Open(heap.Path))
            {
                var value = h.Get("v");
                Assert.Equal(400_001, HeapWalker.Traverse(value));
                Assert.IsType<object[]>(AncientValue.Materialize(value));
            }
            Assert.Empty(HeapVerifier.Verify(heap.Path));
        }
    }
}
