using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using AncientPS.Engine.Encoding;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Holds the node codecs' offsets and sizes against the tables and node paragraphs of docs/format-values.md (the
    /// value half of the byte spec that docs/format.md starts), so that neither the spec nor the code can change alone.
    /// The field offsets come from the codecs' constants named *At, found by reflection: a field added on one side only
    /// fails too.
    /// </summary>
    public class ValueFormatSpecTests
    {
        private static readonly Lazy<string> s_spec = new Lazy<string>(() => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "format-values.md")));

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "docs", "format-values.md"))) return dir.FullName;
            throw new InvalidOperationException("docs/format-values.md is not above " + AppContext.BaseDirectory);
        }

        private sealed class Row
        {
            public string Offset, Size, Field;
            public bool HasNumericOffset => int.TryParse(Offset, out _);
            public bool HasNumericSize => int.TryParse(Size, out _);
            public int OffsetValue => int.Parse(Offset);
            public int SizeValue => int.Parse(Size);
        }

        /// <summary>Every markdown table of the spec, as rows of cells (header and separator rows left out).</summary>
        private static List<List<string[]>> Tables()
        {
            var tables = new List<List<string[]>>();
            List<string[]> current = null;
            foreach (var raw in s_spec.Value.Split('\n'))
            {
                string line = raw.Trim();
                if (!line.StartsWith("|"))
                {
                    current = null;
                    continue;
                }
                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                if (current == null)
                {
                    current = new List<string[]>();
                    tables.Add(current);
                    continue; // the header row
                }
                if (cells.All(c => c.Trim('-', ':').Length == 0)) continue;
                current.Add(cells);
            }
            return tables;
        }

        /// <summary>The offset/size/field table of the node whose kind row says "kind 0x<paramref name="kind"/>".</summary>
        private static List<Row> NodeTable(byte kind)
        {
            string marker = $"kind 0x{kind:X2}";
            var found = Tables().Where(t => t.Any(r => r.Length == 3 && r[0] == "0" && r[1] == "1" && r[2] == marker)).ToList();
            Assert.True(found.Count == 1, $"docs/format-values.md should have one table with the row '| 0 | 1 | {marker} |'; it has {found.Count}.");
            return found[0].Select(r => new Row { Offset = r[0], Size = r[1], Field = r[2] }).ToList();
        }

        private static SortedSet<int> FieldOffsets(Type codec)
        {
            var offsets = new SortedSet<int> { 0 }; // the kind byte
            foreach (var f in codec.GetFields(BindingFlags.Public | BindingFlags.Static))
                if (f.IsLiteral && f.FieldType == typeof(int) && f.Name.EndsWith("At", StringComparison.Ordinal)) offsets.Add((int)f.GetRawConstantValue());
            return offsets;
        }

        /// <summary>The fixed fields are the rows with a numeric offset and size; the first row with a numeric offset and a computed size starts the variable part.</summary>
        private static void AssertFixedFields(Type codec, List<Row> table, int headerSize)
        {
            var documented = new SortedSet<int>(table.Where(r => r.HasNumericOffset && r.HasNumericSize).Select(r => r.OffsetValue));
            Assert.Equal(string.Join(", ", FieldOffsets(codec)), string.Join(", ", documented));
            foreach (var r in table.Where(r => r.HasNumericOffset && r.HasNumericSize))
                Assert.True(r.OffsetValue + r.SizeValue <= headerSize, $"{codec.Name}: the field at {r.OffsetValue} runs past the {headerSize}-byte header");
            var variable = table.FirstOrDefault(r => r.HasNumericOffset && !r.HasNumericSize);
            if (variable != null) Assert.Equal(headerSize, variable.OffsetValue);
        }

        private static int SizeAt(List<Row> table, int offset) => table.Single(r => r.Offset == offset.ToString()).SizeValue;

        [Fact]
        public void The_string_node_matches_the_spec()
        {
            var t = NodeTable(NodeTags.String);
            AssertFixedFields(typeof(StringNode), t, StringNode.LongHeaderSize);
            Assert.Equal(1, SizeAt(t, StringNode.EncodingAt));
            Assert.Equal(2, SizeAt(t, StringNode.LengthAt));
            Assert.Equal(4, SizeAt(t, StringNode.LongLengthAt));
            Assert.Contains($"0x{StringNode.LongMarker:X4} when the count follows", t.Single(r => r.Offset == StringNode.LengthAt.ToString()).Field);
            Assert.Contains(t, r => r.Offset == $"{StringNode.HeaderSize} or {StringNode.LongHeaderSize}" && r.Size == "n");
        }

        [Fact]
        public void The_list_node_matches_the_spec()
        {
            var t = NodeTable(NodeTags.List);
            AssertFixedFields(typeof(ListNode), t, ListNode.NamedHeaderSize);
            Assert.Equal(1, SizeAt(t, ListNode.FlagsAt));
            Assert.Equal(2, SizeAt(t, ListNode.CodeAt));
            Assert.Equal(4, SizeAt(t, ListNode.CountAt));
            Assert.Equal(8, SizeAt(t, ListNode.NameAt));
            var tags = t.Single(r => r.Offset == "h");
            var m = Regex.Match(tags.Field, @"h = (\d+), or (\d+) with a name");
            Assert.True(m.Success, tags.Field);
            Assert.Equal(ListNode.HeaderSize, int.Parse(m.Groups[1].Value));
            Assert.Equal(ListNode.NamedHeaderSize, int.Parse(m.Groups[2].Value));
            Assert.Equal(ListNode.HeaderSize, ListNode.HeaderSizeOf(CollectionCodes.ObjectArray));
            Assert.Equal(ListNode.NamedHeaderSize, ListNode.HeaderSizeOf(CollectionCodes.Named));
            // h + align8(n) tags, then 8n payloads.
            Assert.Equal(ListNode.NamedHeaderSize + 8 + 8 * 3, ListNode.Size(CollectionCodes.Named, 3));
            // Format 1.2: "0x04 + w for a narrow list (format 1.2) whose payloads are 2^w bytes".
            Assert.Contains($"0x{ListNode.NarrowFlag:X2} + w for a narrow list", t.Single(r => r.Offset == ListNode.FlagsAt.ToString()).Field);
            var codes = t.Single(r => r.Offset == ListNode.CodeAt.ToString()).Field;
            Assert.Contains($"{CollectionCodes.ObjectArray} {CollectionCodes.ObjectArrayName}", codes);
            Assert.Contains($"{CollectionCodes.ArrayList} {CollectionCodes.ArrayListName}", codes);
            Assert.Contains($"{CollectionCodes.ObjectList} {CollectionCodes.ObjectListName}", codes);
            Assert.Contains($"0x{CollectionCodes.Named:X4} named", codes);
        }

        [Fact]
        public void The_packed_list_node_matches_the_spec()
        {
            var t = NodeTable(NodeTags.PackedList);
            AssertFixedFields(typeof(PackedListNode), t, PackedListNode.HeaderSize);
            Assert.Equal(1, SizeAt(t, PackedListNode.ElementTagAt));
            Assert.Equal(2, SizeAt(t, PackedListNode.CodeAt));
            Assert.Equal(4, SizeAt(t, PackedListNode.CountAt));
            Assert.Contains($"{CollectionCodes.PackedArray}: an array", t.Single(r => r.Offset == PackedListNode.CodeAt.ToString()).Field);
            Assert.Contains($"{CollectionCodes.PackedGenericList}: `List<T>`", t.Single(r => r.Offset == PackedListNode.CodeAt.ToString()).Field);
            var elements = t.Single(r => r.Offset == PackedListNode.HeaderSize.ToString() && r.Size == "n * size").Field;
            var sizes = Regex.Match(elements, @"element sizes ([\d, ]+);").Groups[1].Value.Split(',').Select(x => int.Parse(x.Trim())).ToArray();
            var packable = Enumerable.Range(0, 256).Select(i => (byte)i).Where(NodeTags.IsPackable).ToArray();
            Assert.Equal(packable.Select(tag => NodeTags.ElementSize(tag)), sizes);
            Assert.Equal(NodeTags.Boolean, packable.First());
            Assert.Equal(NodeTags.Double, packable.Last());
            Assert.Contains($"0x{packable.First():X2}-0x{packable.Last():X2}", t.Single(r => r.Offset == PackedListNode.ElementTagAt.ToString()).Field);
        }

        [Fact]
        public void The_dictionary_node_matches_the_spec()
        {
            var t = NodeTable(NodeTags.Dictionary);
            AssertFixedFields(typeof(DictionaryNode), t, DictionaryNode.HeaderSize);
            Assert.Equal(1, SizeAt(t, DictionaryNode.FlagsAt));
            Assert.Equal(4, SizeAt(t, DictionaryNode.CountAt));
            Assert.Equal(4, SizeAt(t, DictionaryNode.CapacityAt));
            Assert.Equal(8, SizeAt(t, DictionaryNode.NameAt));
            Assert.Contains($"bit {DictionaryNode.IgnoreCaseFlag - 1} set when string keys compare ignoring case", t.Single(r => r.Offset == DictionaryNode.FlagsAt.ToString()).Field);
            Assert.Contains(t, r => r.Offset == DictionaryNode.HeaderSize.ToString() && r.Size == "align8(2n)");
            Assert.Contains(t, r => r.Offset == $"{DictionaryNode.HeaderSize} + align8(2n)" && r.Size == "16n");
            Assert.Contains(t, r => r.Offset == "then" && r.Size == $"{DictionaryNode.IndexSlotSize}c");
            foreach (int n in new[] { 0, 1, 3, 4, 5, 100 })
            {
                int c = DictionaryNode.IndexCapacity(n);
                long align = (2L * n + 7) & ~7L;
                Assert.Equal(DictionaryNode.HeaderSize + align, DictionaryNode.PayloadsAt(n));
                Assert.Equal(DictionaryNode.HeaderSize + align + 16L * n, DictionaryNode.IndexAt(n));
                Assert.Equal(DictionaryNode.HeaderSize + align + 16L * n + 8L * c, DictionaryNode.Size(n, c));
                // "0 when n = 0, else a power of two >= n (the writer uses the smallest >= 1.5n + 1)"
                if (n == 0) Assert.Equal(0, c);
                else Assert.True((c & (c - 1)) == 0 && c >= n + n / 2 + 1 && c / 2 < n + n / 2 + 1, $"capacity {c} for {n}");
            }
        }

        [Fact]
        public void The_record_node_matches_the_spec()
        {
            var t = NodeTable(NodeTags.Record);
            AssertFixedFields(typeof(RecordNode), t, RecordNode.HeaderSize);
            Assert.Equal(RecordNode.ShapeBytes, SizeAt(t, RecordNode.ShapeAt));
            Assert.Contains($"({8 * RecordNode.ShapeBytes} bits)", t.Single(r => r.Offset == RecordNode.ShapeAt.ToString()).Field);
            Assert.Contains(t, r => r.Offset == RecordNode.HeaderSize.ToString() && r.Size == "align8(n)");
            Assert.Contains(t, r => r.Offset == $"{RecordNode.HeaderSize} + align8(n)" && r.Size == "8n");
            Assert.Equal(RecordNode.HeaderSize + 8 + 8 * 5, RecordNode.Size(5));
        }

        [Fact]
        public void The_shape_node_matches_the_spec()
        {
            var t = NodeTable(NodeTags.Shape);
            AssertFixedFields(typeof(ShapeNode), t, ShapeNode.HeaderSize);
            Assert.Equal(1, SizeAt(t, ShapeNode.FlagsAt));
            Assert.Equal(4, SizeAt(t, ShapeNode.CountAt));
            Assert.Equal(4, SizeAt(t, ShapeNode.TypeCountAt));
            Assert.Contains($"bit {ShapeNode.PropertyBagFlag - 1} set for a property bag", t.Single(r => r.Offset == ShapeNode.FlagsAt.ToString()).Field);
            Assert.Contains(t, r => r.Offset == ShapeNode.HeaderSize.ToString() && r.Size == "8t");
            Assert.Contains(t, r => r.Offset == $"{ShapeNode.HeaderSize} + 8t" && r.Size == "8n");
            Assert.Equal(ShapeNode.HeaderSize + 8 * (2 + 3), ShapeNode.Size(2, 3));
            // Format 1.2: bit 2 and the slot layout after the names, two bytes per slot.
            Assert.Contains($"Bit {ShapeNode.LayoutFlag / 2} (format 1.2): the slot layout follows the names", t.Single(r => r.Offset == ShapeNode.FlagsAt.ToString()).Field);
            Assert.Contains(t, r => r.Offset == $"{ShapeNode.HeaderSize} + 8t + 8n" && r.Size == "2s");
            Assert.Equal(ShapeNode.HeaderSize + 8 * (2 + 3) + 2 * 4, ShapeNode.Size(2, 3, 4));
        }

        [Fact]
        public void The_slot_tags_match_the_spec()
        {
            var table = Tables().Single(t => t.Any(r => r.Length == 3 && r[0] == "0x00" && r[1] == "null"));
            var documented = new Dictionary<string, byte>();
            foreach (var r in table)
            {
                var range = Regex.Match(r[0], "^0x([0-9A-F]{2})-0x([0-9A-F]{2})$");
                if (range.Success)
                {
                    documented[r[1] + " (first)"] = Convert.ToByte(range.Groups[1].Value, 16);
                    documented[r[1] + " (last)"] = Convert.ToByte(range.Groups[2].Value, 16);
                }
                else documented[r[1]] = Convert.ToByte(r[0].Substring(2), 16);
            }
            // The spec's words for the tags whose names differ from the constants'.
            var names = new Dictionary<string, string>
            {
                ["null"] = nameof(NodeTags.Null),
                ["BigInteger that fits an Int64"] = nameof(NodeTags.SmallBigInteger),
                ["String of 0-8 UTF-8 bytes (first)"] = nameof(NodeTags.ShortString),
                ["String of 0-8 UTF-8 bytes (last)"] = nameof(NodeTags.ShortStringLast),
                ["String of exactly 9 ASCII characters"] = nameof(NodeTags.ShortAscii),
                ["Packed list"] = nameof(NodeTags.PackedList),
            };
            var constants = typeof(NodeTags).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(byte)).ToDictionary(f => f.Name, f => (byte)f.GetRawConstantValue());
            foreach (var entry in documented)
            {
                string name = names.TryGetValue(entry.Key, out var n) ? n : entry.Key;
                Assert.True(constants.TryGetValue(name, out byte value), $"The spec's tag '{entry.Key}' has no NodeTags constant {name}.");
                Assert.True(value == entry.Value, $"NodeTags.{name} is 0x{value:X2}; the spec says 0x{entry.Value:X2}.");
            }
            // Every slot tag is documented; the shape kind is never a slot's tag and has its own table.
            var slotTags = constants.Where(c => c.Key != nameof(NodeTags.Shape)).Select(c => c.Key).OrderBy(x => x);
            Assert.Equal(slotTags, documented.Keys.Select(k => names.TryGetValue(k, out var n) ? n : k).OrderBy(x => x));
            Assert.Single(Tables(), t => t.Any(r => r.Length == 3 && r[2] == $"kind 0x{NodeTags.Shape:X2}"));
        }

        [Fact]
        public void The_scalar_nodes_match_the_spec()
        {
            // "**Decimal (0x41)**, 24 bytes: kind; at 8, ..." : one paragraph per scalar node.
            var paragraphs = Regex.Matches(s_spec.Value, @"\*\*(\w+) \(0x([0-9A-F]{2})\)\*\*(, (\d+) bytes)?:(.*?)(?=\n\n)", RegexOptions.Singleline)
                .Cast<Match>().Where(m => { byte t = Convert.ToByte(m.Groups[2].Value, 16); return t > NodeTags.String && t < NodeTags.List; }).ToList();
            Assert.Equal(ScalarNodes.All.Count, paragraphs.Count);
            foreach (var m in paragraphs)
            {
                byte tag = Convert.ToByte(m.Groups[2].Value, 16);
                var codec = ScalarNodes.ByTag(tag);
                Assert.True(codec != null, $"The spec's {m.Groups[1].Value} node (0x{tag:X2}) has no codec.");
                Assert.Equal(m.Groups[1].Value, codec.Type?.Name ?? "Enum");
                var type = codec.GetType();
                var size = type.GetField("Size", BindingFlags.Public | BindingFlags.Static);
                if (m.Groups[4].Success)
                {
                    Assert.True(size != null, $"{type.Name} has no Size, but the spec gives {m.Groups[4].Value} bytes.");
                    Assert.Equal(int.Parse(m.Groups[4].Value), (int)size.GetRawConstantValue());
                }
                else Assert.True(size == null, $"{type.Name} has a fixed Size the spec does not give.");
                var documented = new SortedSet<int>(Regex.Matches(m.Groups[5].Value, @"\bat (\d+)").Cast<Match>().Select(a => int.Parse(a.Groups[1].Value))) { 0 };
                Assert.Equal(string.Join(", ", FieldOffsets(type)), string.Join(", ", documented));
            }
        }
    }
}
