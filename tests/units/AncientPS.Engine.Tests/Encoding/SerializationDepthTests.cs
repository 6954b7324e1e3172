using System;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// <see cref="ObjectConverter.SerializationDepthOf"/>: an object whose type asks for a depth of its own (PowerShell's type
    /// data SerializationDepth) is stored that many levels deep from itself, whatever depth the write had left, deeper or
    /// shallower, as PowerShell's serializer does.
    /// </summary>
    public class SerializationDepthTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        public sealed class Node
        {
            public string Name { get; set; }
            public Node Next { get; set; }
            public override string ToString() => "node " + Name;
        }

        private sealed class DepthConverter : ObjectConverter
        {
            public override int SerializationDepthOf(object value) => value is Node node && node.Name.StartsWith("d", StringComparison.Ordinal) ? node.Name[1] - '0' : 0;
        }

        private static Node Chain(params string[] names)
        {
            Node first = null, last = null;
            foreach (var name in names)
            {
                var node = new Node { Name = name };
                if (first == null) first = node; else last.Next = node;
                last = node;
            }
            return first;
        }

        /// <summary>How many records deep the stored chain goes, and the text it ends in.</summary>
        private string StoredShape(Node chain, int depth)
        {
            using (var heap = MappedHeap.Open(_folder.File($"depth{Guid.NewGuid():N}.heap")))
            {
                heap.Set("v", new object[] { chain }, new SetOptions { Converter = new DepthConverter(), Depth = depth });
                object value = ((AncientList)heap.Get("v"))[0];
                int records = 0;
                while (value is AncientRecord record)
                {
                    records++;
                    value = record.GetValue("Next");
                }
                return $"{records}:{value}";
            }
        }

        [Theory]
        [InlineData(10, new[] { "a", "b", "c", "e" }, "4:")]          // no type depth: the whole chain
        [InlineData(10, new[] { "a", "d1", "c", "e" }, "2:node c")]   // d1 cuts one level below itself
        [InlineData(1, new[] { "a", "b", "c" }, "1:node b")]          // the write's depth alone
        [InlineData(1, new[] { "d3", "b", "c", "e", "f" }, "3:node e")] // d3 goes deeper than the write's depth
        [InlineData(2, new[] { "a", "d2", "c", "e", "f" }, "3:node e")] // met at the depth limit, d2 still expands
        public void A_type_depth_replaces_the_depth_left(int depth, string[] names, string expected)
            => Assert.Equal(expected, StoredShape(Chain(names), depth));
    }
}
