using System;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Enum nodes with their text (format 1.6, docs/format-values.md "Enum"): a reader without the enum's type gives the
    /// host's projection the number and the original's text ("Gold", "Read, Write"), as Import-Clixml's copy shows it.
    /// </summary>
    public unsafe class NamedEnumTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();
        private readonly TempFolder _folder = new TempFolder();

        public void Dispose()
        {
            _arena.Dispose();
            _folder.Dispose();
        }

        public enum Tier { Bronze = 1, Gold = 3 }

        [Flags]
        public enum Perm : byte { Read = 1, Write = 2 }

        /// <summary>Records what the engine hands over for enums whose type is unknown.</summary>
        private sealed class EnumProjection : ValueProjection
        {
            public override object ProjectEnum(string typeName, object number, string text) => $"{typeName}|{number}|{number.GetType().Name}|{text}";
        }

        [Fact]
        public void An_enum_whose_type_is_loaded_comes_back_typed_and_its_node_holds_its_text()
        {
            var list = (AncientList)_arena.Store(new object[] { Tier.Gold, Perm.Read | Perm.Write, (Tier)7 }, null, new EnumProjection());
            Assert.Equal(Tier.Gold, list[0]);
            Assert.Equal(Perm.Read | Perm.Write, list[1]);
            Assert.Equal((Tier)7, list[2]);
        }

        // Stores the values in memory, renames their enum types there to names no assembly has ('+Tier' -> '+Tieq',
        // '+Perm' -> '+Perq', in the type names' string nodes), and reads them again through the projection.
        private AncientList StoreUnknown(ValueProjection projection, params object[] values)
        {
            _arena.Store(values);
            var root = _arena.LastRoot;
            byte* p = _arena.At(0);
            foreach (var encoding in new System.Text.Encoding[] { System.Text.Encoding.UTF8, System.Text.Encoding.Unicode })
            {
                foreach (var name in new[] { "+Tier", "+Perm" })
                {
                    var needle = encoding.GetBytes(name);
                    var renamed = encoding.GetBytes(name.Substring(0, name.Length - 1) + "q");
                    for (long i = 0; i + needle.Length <= _arena.Used + 64; i++)
                    {
                        int j = 0;
                        while (j < needle.Length && p[i + j] == needle[j]) j++;
                        if (j < needle.Length) continue;
                        for (int k = 0; k < renamed.Length; k++) p[i + k] = renamed[k];
                    }
                }
            }
            return (AncientList)NodeReader.Read(_arena, "key", root.Tag, root.Payload, projection);
        }

        [Fact]
        public void Without_its_type_an_enum_is_its_number_and_its_text_for_the_host()
        {
            var projected = StoreUnknown(new EnumProjection(), Tier.Gold, Perm.Read | Perm.Write, (Tier)7);
            string prefix = typeof(NamedEnumTests).FullName;
            Assert.Equal($"{prefix}+Tieq|3|Int32|Gold", projected[0]);
            Assert.Equal($"{prefix}+Perq|3|Byte|Read, Write", projected[1]);
            Assert.Equal($"{prefix}+Tieq|7|Int32|7", projected[2]);
            // Without a projection of its own, the number, read or copied.
            var root = _arena.LastRoot;
            var plain = (AncientList)NodeReader.Read(_arena, "key", root.Tag, root.Payload, ValueProjection.None);
            Assert.Equal(new object[] { 3, (byte)3, 7 }, plain.ToArray());
            Assert.Equal(new object[] { 3, (byte)3, 7 }, (object[])AncientValue.Materialize(plain));
            // A copy of a view read through a projection has what the projection makes of each such enum, as a read
            // has (the module's -Materialize: Import-Clixml's object).
            Assert.Equal(new object[] { $"{prefix}+Tieq|3|Int32|Gold", $"{prefix}+Perq|3|Byte|Read, Write", $"{prefix}+Tieq|7|Int32|7" },
                (object[])AncientValue.Materialize(projected));
        }

        [Fact]
        public void An_unresolved_enum_is_stored_as_the_enum_with_its_name_number_and_text()
        {
            string path = _folder.File("unresolved.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("u", new object[]
                {
                    new UnresolvedEnum("No.Such.Tier", 3, "Gold"),
                    new UnresolvedEnum("No.Such.Perm", (byte)3, "Read, Write"),
                    new UnresolvedEnum("No.Such.Tier", 7, null),
                    // A name this process has: read back as that enum.
                    new UnresolvedEnum(typeof(Tier).FullName, 3, "Gold"),
                });
                var projected = (AncientList)heap.Get("u", new EnumProjection());
                Assert.Equal("No.Such.Tier|3|Int32|Gold", projected[0]);
                Assert.Equal("No.Such.Perm|3|Byte|Read, Write", projected[1]);
                Assert.Equal(7, projected[2]); // no text: the number, as an enum stored without one
                Assert.Equal(Tier.Gold, projected[3]);
                Assert.Equal(new object[] { 3, (byte)3, 7, Tier.Gold }, ((AncientList)heap.Get("u", ValueProjection.None)).ToArray());
            }
        }

        [Fact]
        public void An_unresolved_enum_key_finds_the_enum_and_the_enum_finds_it()
        {
            using (var heap = MappedHeap.Open(_folder.File("keys.heap")))
            {
                heap.Set("byUnresolved", new System.Collections.Hashtable { [new UnresolvedEnum(typeof(Tier).FullName, 3, "Gold")] = "v" });
                heap.Set("byEnum", new System.Collections.Hashtable { [Tier.Gold] = "w" });
                var byUnresolved = (AncientDictionary)heap.Get("byUnresolved", ValueProjection.None);
                var byEnum = (AncientDictionary)heap.Get("byEnum", ValueProjection.None);
                Assert.Equal("v", byUnresolved[Tier.Gold]);
                Assert.Equal("v", byUnresolved[new UnresolvedEnum(typeof(Tier).FullName, 3, null)]);
                Assert.Equal("w", byEnum[new UnresolvedEnum(typeof(Tier).FullName, 3, "Gold")]);
                Assert.Null(byEnum[new UnresolvedEnum("No.Such.Tier", 3, "Gold")]);
                Assert.Null(byEnum[3]);
            }
        }

        [Fact]
        public void Copies_keep_an_enum_whose_type_is_not_here()
        {
            // Enums whose types no assembly has (renamed in the arena), copied into a heap by the writer's native copy of
            // a stored list, then the rest of a list kept by an update in place of one element.
            var plain = StoreUnknown(ValueProjection.None, Tier.Gold, Perm.Read | Perm.Write);
            string prefix = typeof(NamedEnumTests).FullName;
            using (var heap = MappedHeap.Open(_folder.File("copy.heap")))
            {
                heap.Set("copy", plain);
                var copy = (AncientList)heap.Get("copy", new EnumProjection());
                Assert.Equal($"{prefix}+Tieq|3|Int32|Gold", copy[0]);
                Assert.Equal($"{prefix}+Perq|3|Byte|Read, Write", copy[1]);

                heap.Set("rows", new object[]
                {
                    new System.Collections.Hashtable { ["E"] = new UnresolvedEnum("No.Such.Tier", 3, "Gold") },
                    new System.Collections.Hashtable { ["E"] = new UnresolvedEnum("No.Such.Tier", 1, "Bronze") },
                });
                heap.SetElement("rows", 1, "replaced");
                var rows = (AncientList)heap.Get("rows", new EnumProjection());
                Assert.Equal("No.Such.Tier|3|Int32|Gold", ((AncientDictionary)rows[0])["E"]);
                Assert.Equal("replaced", rows[1]);
            }
        }

        [Fact]
        public void A_copy_takes_an_enum_node_over_a_boolean_as_that_value()
        {
            // An enum whose underlying type is Boolean (possible in IL, not in C#) and whose type is not here: the copy
            // stores the value as it reads, as before, and does not fail.
            var plain = StoreUnknown(ValueProjection.None, Tier.Gold);
            plain.GetSlot(0, out byte tag, out ulong payload);
            Assert.Equal(NodeTags.Enum, tag);
            byte* node = _arena.At((long)payload);
            node[1] = NodeTags.Boolean;
            *(ulong*)(node + 8) = 1;
            using (var heap = MappedHeap.Open(_folder.File("bool.heap")))
            {
                heap.Set("copy", plain);
                Assert.Equal(true, ((AncientList)heap.Get("copy", new EnumProjection()))[0]);
            }
        }

        [Fact]
        public void A_copy_takes_an_enum_node_without_a_type_name_as_its_number()
        {
            // Damage a read passes over (an empty type name gives the number): the copy stores the number and does not fail.
            var plain = StoreUnknown(ValueProjection.None, Tier.Gold);
            plain.GetSlot(0, out _, out ulong payload);
            byte* node = _arena.At((long)payload);
            byte* name = _arena.At(*(long*)(node + 16));
            Assert.Equal(0x40, name[0]);
            *(ushort*)(name + 2) = 0; // the name's byte count
            using (var heap = MappedHeap.Open(_folder.File("noname.heap")))
            {
                heap.Set("copy", plain);
                Assert.Equal(3, ((AncientList)heap.Get("copy", new EnumProjection()))[0]);
            }
        }

        [Fact]
        public void An_unresolved_enum_needs_a_name_and_an_integer()
        {
            Assert.Throws<ArgumentException>(() => new UnresolvedEnum("", 3, "Gold"));
            Assert.Throws<ArgumentException>(() => new UnresolvedEnum(null, 3, "Gold"));
            Assert.Throws<ArgumentException>(() => new UnresolvedEnum("No.Such.Tier", 3.0, "Gold"));
            Assert.Throws<ArgumentException>(() => new UnresolvedEnum("No.Such.Tier", "3", "Gold"));
            Assert.Throws<ArgumentException>(() => new UnresolvedEnum("No.Such.Tier", null, "Gold"));
            Assert.Equal("7", new UnresolvedEnum("No.Such.Tier", 7, null).ToString());
            Assert.Equal(new UnresolvedEnum("A", 3, "x"), new UnresolvedEnum("A", 3, "y"));
            Assert.NotEqual(new UnresolvedEnum("A", 3, "x"), new UnresolvedEnum("B", 3, "x"));
        }

        [Fact]
        public void The_classic_layout_writes_enums_without_their_text()
        {
            string path = _folder.File("classic.heap");
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("e", new object[] { Tier.Gold }, new SetOptions { ClassicLayout = true });
                var list = (AncientList)heap.Get("e", ValueProjection.None);
                list.GetSlot(0, out _, out ulong payload);
                Assert.Equal(0, new Hostile.HeapPatcher(path).Bytes[(long)payload + EnumNode.FlagsAt]);
                Assert.Equal(Tier.Gold, list[0]);
            }
        }

        [Fact]
        public void A_damaged_enum_node_is_corrupt_and_the_verifier_reports_it()
        {
            string path = _folder.File("damaged.heap");
            long node;
            using (var heap = MappedHeap.Open(path))
            {
                heap.Set("e", new object[] { Tier.Gold });
                ((AncientList)heap.Get("e", ValueProjection.None)).GetSlot(0, out byte tag, out ulong payload);
                Assert.Equal(NodeTags.Enum, tag);
                node = (long)payload;
            }
            var original = new Hostile.HeapPatcher(path).Bytes;
            Assert.Equal(EnumNode.NamedFlag, original[node + EnumNode.FlagsAt]);
            var cases = new (Action<Hostile.HeapPatcher> Patch, string Because)[]
            {
                (p => p.WriteByte(node + EnumNode.FlagsAt, 2), "unknown enum flags"),
                (p => p.WriteInt64(node + EnumNode.TextAt, 12), ""),
            };
            foreach (var (patch, because) in cases)
            {
                var patcher = new Hostile.HeapPatcher(path);
                patch(patcher);
                patcher.Save();
                using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true }))
                {
                    var list = (AncientList)heap.Get("e", ValueProjection.None);
                    var e = Assert.Throws<AncientHeapCorruptException>(() => list[0]);
                    Assert.Contains(because, e.Message);
                }
                Assert.NotEmpty(HeapVerifier.Verify(path));
                System.IO.File.WriteAllBytes(path, original);
            }
            Assert.Empty(HeapVerifier.Verify(path));
        }
    }
}
