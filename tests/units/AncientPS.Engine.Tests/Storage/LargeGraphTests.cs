using System;
using System.Linq;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    public class LargeGraphTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void A_million_element_list_is_stored_and_read_lazily()
        {
            using var heap = MappedHeap.Open(_dir.File("list.heap"));
            heap.Set("list", Enumerable.Range(0, 1_000_000).Select(i => (object)("s" + i)).ToArray());
            var list = (AncientList)heap.Get("list");
            Assert.Equal(1_000_000, list.Count);
            Assert.Equal("s0", list[0]);
            Assert.Equal("s999999", list[999_999]);
        }

        [Fact]
        public void A_million_deep_chain_is_stored_without_recursion()
        {
            object chain = null;
            for (int i = 0; i < 1_000_000; i++) chain = new object[] { i, chain };
            using var heap = MappedHeap.Open(_dir.File("chain.heap"));
            heap.Set("chain", chain);
            var node = (AncientList)heap.Get("chain");
            int depth = 0;
            while (node != null)
            {
                Assert.Equal(999_999 - depth, node[0]);
                node = (AncientList)node[1];
                depth++;
            }
            Assert.Equal(1_000_000, depth);
        }

        [Fact]
        public void Sharing_across_the_rows_of_a_long_list_is_kept_when_the_identity_map_is_sized_from_its_first_row()
        {
            // The writer sizes its identity map after the first row of a long root list: what the first row stored
            // (the shared array, the root itself) must still be recognised by the rows after it.
            var shared = new object[] { "shared-by-every-row" };
            var rows = new object[10_000];
            for (int i = 0; i < rows.Length; i++) rows[i] = new object[] { i, shared, "row-name-" + i, i % 2 == 0 ? rows : null };
            using var heap = MappedHeap.Open(_dir.File("rows.heap"));
            heap.Set("rows", rows);
            var stored = (AncientList)heap.Get("rows");
            long sharedOffset = ((AncientList)((AncientList)stored[0])[1]).NodeOffset;
            for (int i = 0; i < rows.Length; i += 997)
            {
                var row = (AncientList)stored[i];
                Assert.Equal(i, row[0]);
                Assert.Equal(sharedOffset, ((AncientList)row[1]).NodeOffset);
                Assert.Equal("row-name-" + i, row[2]);
                if (i % 2 == 0) Assert.Equal(stored.NodeOffset, ((AncientList)row[3]).NodeOffset);
                else Assert.Null(row[3]);
            }
        }

        [Fact]
        public void Sharing_and_cycles_are_kept_in_a_heap_file()
        {
            var shared = new object[] { "shared" };
            var root = new object[] { shared, shared, null };
            root[2] = root;
            using var heap = MappedHeap.Open(_dir.File("cycle.heap"));
            heap.Set("g", root);
            var g = (AncientList)heap.Get("g");
            Assert.Equal(((AncientList)g[0]).NodeOffset, ((AncientList)g[1]).NodeOffset);
            Assert.Equal(g.NodeOffset, ((AncientList)g[2]).NodeOffset);
        }
    }
}
