using System;
using System.Collections;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Hostile;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Format 1.4: a list or dictionary inside a .NET object stored by its properties reads back as Import-Clixml's copy
    /// (an ArrayList, a Hashtable) and keeps the original collection's type names (docs/format-values.md, list and
    /// dictionary flag 0x20); a list or dictionary the user stored at the top, or inside a property bag, does not.
    /// </summary>
    public class DeserializedCollectionTests : IDisposable
    {
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose() => _folder.Dispose();

        public sealed class Holder
        {
            public string[] Names { get; set; } = { "a", "b" };
            public Dictionary<string, int> Counts { get; set; } = new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 };
            public List<object> Nested { get; set; } = new List<object> { new object[] { "inner" }, "s" };
            public Queue<string> Queue { get; set; } = new Queue<string>(new[] { "q" });
        }

        private static readonly string[] StringArrayNames = { "System.String[]", "System.Array", "System.Object" };

        private string Store(object value, bool classic = false, int depth = 3)
        {
            string path = _folder.File($"deserialized{Guid.NewGuid():N}.heap");
            using (var heap = MappedHeap.Open(path)) heap.Set("v", value, new SetOptions { ClassicLayout = classic, Depth = depth });
            return path;
        }

        private static void AssertDeserialized(object value, string readAs, IEnumerable<string> names)
        {
            var info = AncientValue.Describe(value);
            Assert.Equal(readAs, info.TypeName);
            Assert.Equal(names, info.DeserializedTypeNames);
            Assert.Equal(names, AncientValue.DeserializedTypeNames(value));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_dotnet_objects_collections_keep_their_type_names_and_read_as_an_ArrayList_or_a_Hashtable(bool classic)
        {
            string path = Store(new object[] { new Holder(), new[] { "top" } }, classic);
            using (var heap = MappedHeap.Open(path))
            {
                var root = (AncientList)heap.Get("v");
                var record = (AncientRecord)root[0];
                var names = (AncientList)record.GetValue("Names");
                Assert.IsNotType<AncientArray>(names);
                Assert.Equal(new object[] { "a", "b" }, names.ToArray());
                AssertDeserialized(names, "System.Collections.ArrayList", StringArrayNames);

                var counts = (AncientDictionary)record.GetValue("Counts");
                Assert.Equal(2, counts["y"]);
                AssertDeserialized(counts, "System.Collections.Hashtable", new[] { typeof(Dictionary<string, int>).FullName, "System.Object" });

                var nested = (AncientList)record.GetValue("Nested");
                AssertDeserialized(nested, "System.Collections.ArrayList", new[] { typeof(List<object>).FullName, "System.Object" });
                // A list in a list of the object is the serializer's copy too.
                AssertDeserialized(nested[0], "System.Collections.ArrayList", new[] { "System.Object[]", "System.Array", "System.Object" });
                AssertDeserialized(record.GetValue("Queue"), "System.Collections.ArrayList", new[] { typeof(Queue<string>).FullName, "System.Object" });

                // The user's own list is itself, at the top and beside the object.
                Assert.Null(AncientValue.DeserializedTypeNames(root));
                Assert.IsType<AncientArray>(root[1]);
                Assert.Null(AncientValue.Describe(root[1]).DeserializedTypeNames);

                // Materialized, they are what Import-Clixml makes.
                var copy = (MaterializedRecord)AncientValue.Materialize(record);
                Assert.IsType<ArrayList>(copy["Names"]);
                Assert.IsType<Hashtable>(copy["Counts"]);

                // Copied into another heap (a stored view written again), the names go with them.
                string other = _folder.File($"copy{classic}.heap");
                using (var target = MappedHeap.Open(other))
                {
                    target.Set("c", root);
                    target.Set("names", names);
                    var again = (AncientRecord)((AncientList)target.Get("c"))[0];
                    AssertDeserialized(again.GetValue("Names"), "System.Collections.ArrayList", StringArrayNames);
                    AssertDeserialized(again.GetValue("Counts"), "System.Collections.Hashtable", new[] { typeof(Dictionary<string, int>).FullName, "System.Object" });
                    AssertDeserialized(target.Get("names"), "System.Collections.ArrayList", StringArrayNames);
                }
                Assert.Empty(HeapVerifier.Verify(other));
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }

        [Fact]
        public void Collections_in_a_property_bag_are_their_own_types()
        {
            var bag = new MaterializedRecord(new[] { "System.Object" }, new[] { "Names", "Map" }, new object[] { new[] { "a" }, new Dictionary<string, int> { ["k"] = 1 } });
            using (var heap = MappedHeap.Open(Store(bag)))
            {
                var record = (AncientRecord)heap.Get("v");
                Assert.IsType<AncientArray>(record.GetValue("Names"));
                Assert.Null(AncientValue.DeserializedTypeNames(record.GetValue("Names")));
                Assert.Null(AncientValue.DeserializedTypeNames(record.GetValue("Map")));
                Assert.StartsWith("System.Collections.Generic.Dictionary`2", AncientValue.Describe(record.GetValue("Map")).TypeName);
            }
        }

        [Fact]
        public void Type_names_are_joined_and_split_by_line_feeds_and_an_empty_one_is_damage()
        {
            Assert.Equal("System.String[]\nSystem.Array\nSystem.Object", DeserializedNames.Of(typeof(string[])));
            Assert.Equal(StringArrayNames, DeserializedNames.Split("System.String[]\nSystem.Array\nSystem.Object", 0));
            Assert.Throws<AncientHeapCorruptException>(() => DeserializedNames.Split("System.String[]\n\nSystem.Object", 64));
            Assert.Throws<AncientHeapCorruptException>(() => DeserializedNames.Split("", 64));
        }

        [Fact]
        public void A_list_marked_deserialized_without_naming_its_types_is_corrupt()
        {
            // The root list (an object[]) has a collection code, not a name.
            string path = Store(new object[] { "a", new object[] { 1 } });
            var heap = new HeapPatcher(path);
            long list = heap.RootOf(heap.FindEntry("v"));
            Assert.Equal(NodeTags.List, heap.Bytes[list]);
            heap.WriteByte(list + ListNode.FlagsAt, (byte)(heap.Bytes[list + ListNode.FlagsAt] | ListNode.DeserializedFlag)).Save();
            HeapPatcher.AssertCorrupt(heap.Path);
            Assert.Contains(HeapVerifier.Verify(heap.Path), p => p.Area == HeapArea.Value && p.Key == "v");
        }
    }
}
