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
            using var heap = AncientHeap.Open(_dir.File("list.heap"));
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
            using var heap = AncientHeap.Open(_dir.File("chain.heap"));
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
        public void Sharing_and_cycles_are_kept_in_a_heap_file()
        {
            var shared = new object[] { "shared" };
            var root = new object[] { shared, shared, null };
            root[2] = root;
            using var heap = AncientHeap.Open(_dir.File("cycle.heap"));
            heap.Set("g", root);
            var g = (AncientList)heap.Get("g");
            Assert.Equal(((AncientList)g[0]).Offset, ((AncientList)g[1]).Offset);
            Assert.Equal(g.Offset, ((AncientList)g[2]).Offset);
        }
    }
}
