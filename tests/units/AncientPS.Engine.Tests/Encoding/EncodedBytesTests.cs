using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Numerics;
using System.Security.Cryptography;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Pins the exact bytes the encoder writes for a graph that uses every node kind, so that a restructuring of the
    /// encoder cannot change the file format unnoticed. The digests were taken from the encoder before the codecs were
    /// split out of the writer (issue 17); a deliberate format change updates them together with docs/format-values.md.
    /// A copy of the stored views writes the very same bytes as the original graph.
    /// </summary>
    public class EncodedBytesTests
    {
        // Format 1.2 (issue 18, file size): records laid out by their shape (narrow payloads, tags fixed by the shape, leaves
        // written before the record) and lists of leaves with narrow payloads, so the bytes of every record and list changed.
        // Format 1.3: the graph's shared list and dictionary carry the shared flag (0x40) in their headers.
        // Format 1.6: the graph's enum nodes hold their text (enum flag bit 0, 32 bytes, a string node per distinct text).
        private const string GraphDigest = "38AF1DF187FD593E6F5826AAFB0D8EDC2B2DA18284831CFA8D862442CB50C91F/System.Object[]";
        private const string CopyDigest = GraphDigest;
        // The digest format 1.1 had: the writer's classic switch still writes exactly those bytes, which tests read below.
        private const string ClassicDigest = "7B9BF797F3AE47BE496BC406245AC7E3640088FCA16EEDBF19B7BB51F9334B47/System.Object[]";

        public sealed class Sample
        {
            public int Id { get; set; }
            public string Name { get; set; }
            public double Cpu { get; set; }
            public object Child { get; set; }
        }

        internal static object Graph()
        {
            var shared = new List<object> { "shared", 7 };
            // Only sources that enumerate in a fixed order: string hash codes differ from process to process.
            var ignoreCase = new OrderedDictionary(StringComparer.OrdinalIgnoreCase) { { "Alpha", 1 }, { "beta", 2.5 }, { 42, "answer" }, { DayOfWeek.Monday, 'c' } };
            var numbers = new Hashtable { [1] = "one", [2L] = "two", [DayOfWeek.Monday] = 3 };
            var ordered = new OrderedDictionary { { "z", null }, { "a", shared }, { 1.5m, new Version(1, 2, 3) }, { new Guid("01234567-89ab-cdef-0123-456789abcdef"), true } };
            var generic = new Dictionary<string, int> { ["one"] = 1, ["two"] = 2, ["three"] = 3 };
            var cycle = new object[2];
            cycle[0] = "cycle";
            cycle[1] = cycle;
            var records = new object[40];
            for (int i = 0; i < records.Length; i++)
                records[i] = new Sample { Id = i, Name = "host" + (10000 + i), Cpu = i / 3.0, Child = i % 7 == 0 ? (object)shared : null };
            var bag = new MaterializedRecord(new[] { "Custom.Type", "System.Management.Automation.PSCustomObject", "System.Object" },
                new[] { "Id", "When", "Nested" }, new object[] { 5, new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc), generic });
            return new object[]
            {
                null, true, 'x', (sbyte)-3, (byte)200, (short)-300, (ushort)60000, -70000, 4000000000u, long.MinValue, ulong.MaxValue,
                1.5f, -2.25, new DateTime(638000000000000001, DateTimeKind.Local), TimeSpan.FromMinutes(90), new BigInteger(-5),
                "", "abc", "12345678", "host12345", "héllo wörld, longer than nine", "日本語テキスト", "lone \uDC00 low", new string('x', 70000),
                79228162514264337593543950335m, -0.0001m, BigInteger.Pow(2, 200), -BigInteger.Pow(3, 150), Guid.Empty,
                new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(-330)), new Version(1, 2), new Version(1, 2, 3, 4),
                new Uri("https://example.com/a b?x=1#f"), new Uri("relative/path", UriKind.Relative), new Uri("https://a.b/"),
                DayOfWeek.Friday, ConsoleColor.Red, (UriKind)2,
                new byte[] { 1, 2, 3 }, new int[0], new[] { 1.0, -0.0, double.NaN }, new bool[] { true, false, true }, new char[] { 'a', 'b' },
                new List<int> { 4, 5, 6 }, new List<long>(), new ArrayList { 1, "two", null }, new List<object> { shared, shared },
                new HashSet<int> { 11, 12 }, new Queue<int>(new[] { 9, 8 }), new string[] { "s", null, "t" },
                ignoreCase, numbers, ordered, generic, new Hashtable(), cycle, records, bag, shared,
            };
        }

        internal static string Digest(TestArena arena, EncodedValue root)
        {
            var bytes = new byte[arena.Used + 9];
            unsafe
            {
                byte* p = arena.At(64);
                for (long i = 0; i < arena.Used; i++) bytes[i] = p[i];
            }
            bytes[arena.Used] = root.Tag;
            BitConverter.GetBytes(root.Payload).CopyTo(bytes, arena.Used + 1);
            using (var sha = SHA256.Create()) return Convert.ToHexString(sha.ComputeHash(bytes)) + "/" + root.TypeName;
        }

        [Fact]
        public void A_graph_of_every_node_kind_encodes_to_the_same_bytes()
        {
            using (var arena = new TestArena())
            {
                arena.Store(Graph());
                Assert.Equal(GraphDigest, Digest(arena, arena.LastRoot));
            }
        }

        [Fact]
        public void The_classic_writer_still_writes_the_bytes_of_format_1_1_and_they_read_back()
        {
            using (var classic = new TestArena())
            using (var current = new TestArena())
            {
                object old = classic.Store(Graph(), new SetOptions { ClassicLayout = true });
                Assert.Equal(ClassicDigest, Digest(classic, classic.LastRoot));
                object now = current.Store(Graph());
                Assert.True(current.Used < classic.Used, $"{current.Used} bytes now, {classic.Used} in format 1.1");
                // The file of format 1.1 reads as the same graph as the current encoding.
                GraphAssert.Equivalent(AncientValue.Materialize(now), old);
            }
        }

        [Fact]
        public void Copying_stored_views_encodes_to_the_same_bytes()
        {
            using (var source = new TestArena())
            using (var copy = new TestArena())
            {
                object view = source.Store(Graph());
                copy.Store(view);
                Assert.Equal(CopyDigest, Digest(copy, copy.LastRoot));
            }
        }
   
        [Fact]
        public void Packed_arrays_take_the_allocators_filled_path_and_write_every_byte_of_it()
        {
            using (var arena = new TestArena())
            {
                var values = new object[] { new byte[] { 1, 2, 3 }, new int[] { 7, -7 }, new List<short> { 1, 2, 3, 4, 5 }, new double[0], new bool[] { true, false } };
                var read = (AncientList)arena.Store(values);
                // The arena fills what AllocateFilled hands out with 0xCD: any byte the writer left unwritten would show.
                Assert.Equal(values.Length, arena.FilledAllocations);
                for (int i = 0; i < values.Length; i++) GraphAssert.Equivalent(values[i], read[i]);
            }
        }
    }
}
