using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Storage
{
    /// <summary>
    /// Holds the field tables of docs/format.md against the constants of the types that read and write each structure,
    /// so that the byte spec and the code cannot drift: changing an offset or size on either side fails here.
    /// </summary>
    public class FormatSpecTests
    {
        /// <summary>One documented field: what its name starts with, where it is, and how many bytes it takes (null: to the end of the node).</summary>
        private sealed class Field
        {
            public Field(string name, long offset, long? size, long element = 0)
            {
                Name = name;
                Offset = offset;
                Size = size;
                Element = element;
            }

            public string Name { get; }
            public long Offset { get; }
            public long? Size { get; }
            /// <summary>For an array field: the size of one element.</summary>
            public long Element { get; }
        }

        private sealed class Row
        {
            public long Offset;
            public string Type;
            public string Name;
        }

        /// <summary>Set by a test to check these checks against a changed spec.</summary>
        [ThreadStatic] private static string t_document;

        private static string FormatMd()
        {
            if (t_document != null) return t_document;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "docs", "format.md");
                if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "AncientPS.slnx"))) return File.ReadAllText(candidate);
            }
            throw new FileNotFoundException("docs/format.md was not found above the test's folder.");
        }

        /// <summary>The section under the heading that starts with <paramref name="heading"/>, up to the next heading.</summary>
        private static string[] Section(string heading)
        {
            var lines = FormatMd().Replace("\r\n", "\n").Split('\n');
            int start = Array.FindIndex(lines, l => l.StartsWith("#", StringComparison.Ordinal) && l.TrimStart('#', ' ').StartsWith(heading, StringComparison.Ordinal));
            Assert.True(start >= 0, $"docs/format.md has no heading '{heading}'.");
            int end = Array.FindIndex(lines, start + 1, l => l.StartsWith("#", StringComparison.Ordinal));
            return lines.Skip(start).Take((end < 0 ? lines.Length : end) - start).ToArray();
        }

        /// <summary>The first "| offset | type | field |" table of a section.</summary>
        private static List<Row> Table(string heading)
        {
            var rows = new List<Row>();
            bool inTable = false;
            foreach (var line in Section(heading))
            {
                if (!line.StartsWith("|", StringComparison.Ordinal)) { if (inTable) break; continue; }
                var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                if (!inTable)
                {
                    Assert.Equal(new[] { "offset", "type", "field" }, cells);
                    inTable = true;
                    continue;
                }
                if (cells[0].StartsWith("---", StringComparison.Ordinal)) continue;
                rows.Add(new Row { Offset = long.Parse(cells[0], CultureInfo.InvariantCulture), Type = cells[1], Name = cells[2] });
            }
            Assert.True(rows.Count > 0, $"docs/format.md has no field table under '{heading}'.");
            return rows;
        }

        private static readonly Regex s_bytes = new Regex(@"^(\d+) bytes$");
        private static readonly Regex s_array = new Regex(@"^(u64|i64)\[[^\]]+\]$");
        private static readonly Regex s_tuple = new Regex(@"^\(([^)]*)\)\[[^\]]+\]$");

        private static long ScalarSize(string type)
        {
            switch (type)
            {
                case "u8": return 1;
                case "u16": return 2;
                case "u32": return 4;
                case "u64":
                case "i64": return 8;
            }
            var m = s_bytes.Match(type);
            if (m.Success) return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            throw new InvalidDataException($"docs/format.md uses the field type '{type}', which this test does not know.");
        }

        /// <summary>The parts of a "(u64 offset, u64 length)[count]" element: name and size, in order.</summary>
        private static List<KeyValuePair<string, long>> TupleParts(string type)
        {
            var m = s_tuple.Match(type);
            Assert.True(m.Success, $"'{type}' is not an array of records.");
            return m.Groups[1].Value.Split(',').Select(p => p.Trim().Split(' '))
                .Select(p => new KeyValuePair<string, long>(p[1], ScalarSize(p[0]))).ToList();
        }

        private static void AssertTable(string heading, params Field[] expected)
        {
            var rows = Table(heading);
            Assert.True(expected.Length == rows.Count,
                $"'{heading}' documents {rows.Count} fields ({string.Join(", ", rows.Select(r => r.Offset + " " + r.Name))}); the code defines {expected.Length}.");
            for (int i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var field = expected[i];
                string where = $"'{heading}', field '{row.Name}'";
                Assert.True(row.Name.StartsWith(field.Name, StringComparison.OrdinalIgnoreCase), $"{where}: expected the field '{field.Name}' here.");
                Assert.True(field.Offset == row.Offset, $"{where}: documented at offset {row.Offset}, the code has {field.Offset}.");
                if (field.Size.HasValue)
                {
                    long documented = ScalarSize(row.Type);
                    Assert.True(field.Size.Value == documented, $"{where}: documented as {documented} bytes, the code has {field.Size.Value}.");
                }
                else
                {
                    long documented = s_array.IsMatch(row.Type) ? ScalarSize(row.Type.Substring(0, 3))
                        : s_tuple.IsMatch(row.Type) ? TupleParts(row.Type).Sum(p => p.Value)
                        : row.Type == "UTF-16LE" ? 2
                        : throw new InvalidDataException($"{where}: '{row.Type}' is not a variable-length type.");
                    Assert.True(field.Element == documented, $"{where}: documented with {documented}-byte elements, the code has {field.Element}.");
                }
            }
        }

        private static void AssertRecord(string heading, string fieldName, params Field[] expected)
        {
            var row = Table(heading).Single(r => r.Name.StartsWith(fieldName, StringComparison.OrdinalIgnoreCase));
            var parts = TupleParts(row.Type);
            Assert.Equal(expected.Select(e => e.Name), parts.Select(p => p.Key));
            long at = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                Assert.True(expected[i].Offset == at, $"'{heading}', {fieldName}: '{parts[i].Key}' is documented at {at} in its record, the code has {expected[i].Offset}.");
                Assert.Equal(expected[i].Size, parts[i].Value);
                at += parts[i].Value;
            }
        }

        private static void AssertKind(string heading, byte kind)
            => Assert.Contains($"(kind 0x{kind:X2})", Section(heading)[0]);

        [Fact]
        public void The_file_layout_matches_docs_format_md()
        {
            var rows = FormatMd().Replace("\r\n", "\n").Split('\n').SkipWhile(l => !l.StartsWith("## File layout", StringComparison.Ordinal))
                .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal)).Take(4).ToArray();
            Assert.StartsWith("| 0 | 4096 | header page", rows[1]);
            Assert.Equal(4096, HeapLayout.HeaderSize);
            Assert.StartsWith($"| {HeapLayout.ReaderTableOffset} | {ReaderSlot.TableSize} | reader table: {HeapLayout.ReaderSlotCount} slots of {ReaderSlot.Size} bytes", rows[2]);
            Assert.StartsWith($"| {HeapLayout.DataStart} | ... | data area", rows[3]);
            var slots = Regex.Matches(rows[1], @"meta slot (\d) \((\d+)\.\.(\d+)\)");
            Assert.Equal(2, slots.Count);
            foreach (Match slot in slots)
            {
                int i = int.Parse(slot.Groups[1].Value, CultureInfo.InvariantCulture);
                Assert.Equal(HeapLayout.MetaOffsets[i], int.Parse(slot.Groups[2].Value, CultureInfo.InvariantCulture));
                Assert.Equal(HeapLayout.MetaOffsets[i] + MetaPage.Size - 1, int.Parse(slot.Groups[3].Value, CultureInfo.InvariantCulture));
            }
            Assert.Contains($"file header (0..{FileHeader.ChecksumField + 7})", rows[1]);
            Assert.Contains(string.Join(" ", FileHeader.Magic.Select(b => b.ToString("X2"))), string.Join("\n", Section("Header (offset 0)")));
        }

        [Fact]
        public void The_header_matches_docs_format_md()
        {
            AssertTable("Header (offset 0)",
                new Field("magic", FileHeader.MagicField, FileHeader.MagicSize),
                new Field("major version", FileHeader.MajorVersionField, FileHeader.MinorVersionField - FileHeader.MajorVersionField),
                new Field("minor version", FileHeader.MinorVersionField, FileHeader.PageSizeField - FileHeader.MinorVersionField),
                new Field("header page size", FileHeader.PageSizeField, FileHeader.FlagsField - FileHeader.PageSizeField),
                new Field("flags", FileHeader.FlagsField, FileHeader.ReaderSlotCountField - FileHeader.FlagsField),
                new Field("reader slot count", FileHeader.ReaderSlotCountField, FileHeader.ReaderTableField - FileHeader.ReaderSlotCountField),
                new Field("reader table offset", FileHeader.ReaderTableField, FileHeader.DataStartField - FileHeader.ReaderTableField),
                new Field("data area start", FileHeader.DataStartField, FileHeader.CreationTicksField - FileHeader.DataStartField),
                new Field("creation time", FileHeader.CreationTicksField, FileHeader.ReservedField - FileHeader.CreationTicksField),
                new Field("reserved", FileHeader.ReservedField, FileHeader.ReservedSize),
                new Field("checksum of bytes 0..119", FileHeader.ChecksumField, FileHeader.ReuseHorizonField - FileHeader.ChecksumField),
                new Field("reuse horizon", FileHeader.ReuseHorizonField, FileHeader.Size - FileHeader.ReuseHorizonField));
            Assert.Equal(FileHeader.ChecksumField, FileHeader.ReservedField + FileHeader.ReservedSize);
            Assert.Equal(FileHeader.ChecksumField, FileHeader.ChecksummedBytes);
        }

        [Fact]
        public void The_meta_page_matches_docs_format_md()
        {
            AssertTable("Meta pages",
                new Field("txn", MetaPage.TransactionIdField, MetaPage.CommittedSizeField - MetaPage.TransactionIdField),
                new Field("committed size", MetaPage.CommittedSizeField, MetaPage.DirectoryRootField - MetaPage.CommittedSizeField),
                new Field("key directory root", MetaPage.DirectoryRootField, MetaPage.KeyCountField - MetaPage.DirectoryRootField),
                new Field("key count", MetaPage.KeyCountField, MetaPage.FreeTableField - MetaPage.KeyCountField),
                new Field("free table offset", MetaPage.FreeTableField, MetaPage.FreeTableLengthField - MetaPage.FreeTableField),
                new Field("free table block length", MetaPage.FreeTableLengthField, MetaPage.UsedBytesField - MetaPage.FreeTableLengthField),
                new Field("used bytes", MetaPage.UsedBytesField, MetaPage.FreeBytesField - MetaPage.UsedBytesField),
                new Field("free bytes", MetaPage.FreeBytesField, MetaPage.CommitTicksField - MetaPage.FreeBytesField),
                new Field("commit time", MetaPage.CommitTicksField, MetaPage.ReservedField - MetaPage.CommitTicksField),
                new Field("reserved", MetaPage.ReservedField, MetaPage.ReservedSize),
                new Field("checksum of bytes 0..119", MetaPage.ChecksumField, MetaPage.Size - MetaPage.ChecksumField));
            Assert.Equal(MetaPage.ChecksumField, MetaPage.ReservedField + MetaPage.ReservedSize);
        }

        [Fact]
        public void The_reader_table_slot_matches_docs_format_md()
        {
            AssertTable("Reader table",
                new Field("pid", ReaderSlot.PidField, ReaderSlot.HighWaterField - ReaderSlot.PidField),
                new Field("slot 0 only: how many slots", ReaderSlot.HighWaterField, ReaderSlot.StartTicksField - ReaderSlot.HighWaterField),
                new Field("process start time", ReaderSlot.StartTicksField, ReaderSlot.OldestPinField - ReaderSlot.StartTicksField),
                new Field("oldest txn", ReaderSlot.OldestPinField, ReaderSlot.NewestPinField - ReaderSlot.OldestPinField),
                new Field("newest txn", ReaderSlot.NewestPinField, ReaderSlot.StartIdentityField - ReaderSlot.NewestPinField),
                new Field("start identity", ReaderSlot.StartIdentityField, ReaderSlot.BootIdentityField - ReaderSlot.StartIdentityField),
                new Field("boot identity", ReaderSlot.BootIdentityField, ReaderSlot.IdentityPidField - ReaderSlot.BootIdentityField),
                new Field("pid that wrote the identity", ReaderSlot.IdentityPidField, ReaderSlot.IdentityStartTicksField - ReaderSlot.IdentityPidField),
                new Field("start time of the process that wrote the identity", ReaderSlot.IdentityStartTicksField, ReaderSlot.SecondOldestPinField - ReaderSlot.IdentityStartTicksField),
                new Field("second-oldest txn", ReaderSlot.SecondOldestPinField, ReaderSlot.Size - ReaderSlot.SecondOldestPinField));
        }

        [Fact]
        public void The_directory_nodes_match_docs_format_md()
        {
            AssertKind("Branch node", HeapLayout.KindBranch);
            AssertTable("Branch node",
                new Field("kind", BranchNode.KindField, BranchNode.ReservedField - BranchNode.KindField),
                new Field("zero", BranchNode.ReservedField, BranchNode.ReservedSize),
                new Field("bitmap", BranchNode.BitmapField, BranchNode.BornField - BranchNode.BitmapField),
                new Field("txn", BranchNode.BornField, BranchNode.ChildrenField - BranchNode.BornField),
                new Field("children", BranchNode.ChildrenField, null, BranchNode.ChildSize));
            Assert.Equal(BranchNode.ChildrenField, BranchNode.HeaderSize);

            AssertKind("Collision node", HeapLayout.KindCollision);
            AssertTable("Collision node",
                new Field("kind", CollisionNode.KindField, sizeof(byte)),
                new Field("count", CollisionNode.CountField, CollisionNode.BornField - CollisionNode.CountField),
                new Field("txn", CollisionNode.BornField, CollisionNode.EntriesField - CollisionNode.BornField),
                new Field("entries", CollisionNode.EntriesField, null, CollisionNode.EntrySize));
            Assert.Equal(CollisionNode.EntriesField, CollisionNode.HeaderSize);
        }

        [Fact]
        public void The_key_entry_matches_docs_format_md()
        {
            AssertKind("Key entry", HeapLayout.KindEntry);
            AssertTable("Key entry",
                new Field("kind", KeyEntry.KindField, KeyEntry.TagField - KeyEntry.KindField),
                new Field("root value tag", KeyEntry.TagField, KeyEntry.KeyLengthField - KeyEntry.TagField),
                new Field("key length", KeyEntry.KeyLengthField, KeyEntry.TypeNameLengthField - KeyEntry.KeyLengthField),
                new Field("type-name length", KeyEntry.TypeNameLengthField, KeyEntry.ReservedField - KeyEntry.TypeNameLengthField),
                new Field("zero", KeyEntry.ReservedField, KeyEntry.ReservedSize),
                new Field("root value payload", KeyEntry.PayloadField, KeyEntry.HashField - KeyEntry.PayloadField),
                new Field("key hash", KeyEntry.HashField, KeyEntry.BornField - KeyEntry.HashField),
                new Field("txn", KeyEntry.BornField, KeyEntry.WrittenTicksField - KeyEntry.BornField),
                new Field("time written", KeyEntry.WrittenTicksField, KeyEntry.StoredSizeField - KeyEntry.WrittenTicksField),
                new Field("stored size", KeyEntry.StoredSizeField, KeyEntry.ExtentsField - KeyEntry.StoredSizeField),
                new Field("extent list offset", KeyEntry.ExtentsField, KeyEntry.ChecksumField - KeyEntry.ExtentsField),
                new Field("checksum of bytes 0..55", KeyEntry.ChecksumField, KeyEntry.KeyField - KeyEntry.ChecksumField),
                new Field("key, then", KeyEntry.KeyField, null, sizeof(char)));
            Assert.Equal(KeyEntry.KeyField, KeyEntry.FixedSize);
            Assert.Contains($"type-name length in UTF-16 code units (0..{KeyEntry.MaxTypeNameLength})", string.Join("\n", Section("Key entry")));
        }

        [Fact]
        public void The_extent_list_matches_docs_format_md()
        {
            AssertKind("Extent list", HeapLayout.KindExtents);
            AssertTable("Extent list",
                new Field("kind", ExtentList.KindField, sizeof(byte)),
                new Field("count", ExtentList.CountField, ExtentList.BornField - ExtentList.CountField),
                new Field("txn", ExtentList.BornField, ExtentList.ValueChecksumField - ExtentList.BornField),
                new Field("value checksum", ExtentList.ValueChecksumField, ExtentList.ExtentsField - ExtentList.ValueChecksumField),
                new Field("extents", ExtentList.ExtentsField, null, ExtentList.EntrySize));
            Assert.Equal(ExtentList.ExtentsField, ExtentList.HeaderSize);
            AssertRecord("Extent list", "extents",
                new Field("offset", ExtentList.EntryOffsetField, ExtentList.EntryLengthField - ExtentList.EntryOffsetField),
                new Field("length", ExtentList.EntryLengthField, ExtentList.EntrySize - ExtentList.EntryLengthField));
        }

        [Fact]
        public void The_updated_extent_list_matches_docs_format_md()
        {
            AssertKind("Updated extent list", HeapLayout.KindUpdatedExtents);
            AssertTable("Updated extent list",
                new Field("kind", ExtentList.KindField, sizeof(byte)),
                new Field("count", ExtentList.CountField, ExtentList.BornField - ExtentList.CountField),
                new Field("txn", ExtentList.BornField, ExtentList.OriginField - ExtentList.BornField),
                new Field("origin", ExtentList.OriginField, ExtentList.GarbageField - ExtentList.OriginField),
                new Field("garbage", ExtentList.GarbageField, ExtentList.UpdatedExtentsField - ExtentList.GarbageField),
                new Field("extents", ExtentList.UpdatedExtentsField, null, ExtentList.UpdatedEntrySize));
            Assert.Equal(ExtentList.UpdatedExtentsField, ExtentList.UpdatedHeaderSize);
            AssertRecord("Updated extent list", "extents",
                new Field("offset", ExtentList.EntryOffsetField, ExtentList.EntryLengthField - ExtentList.EntryOffsetField),
                new Field("length", ExtentList.EntryLengthField, ExtentList.EntryChecksumField - ExtentList.EntryLengthField),
                new Field("checksum", ExtentList.EntryChecksumField, ExtentList.UpdatedEntrySize - ExtentList.EntryChecksumField));
            Assert.Contains($"each at most {ExtentList.MaxExtentBytes} bytes", string.Join("\n", Section("Updated extent list")));
            Assert.Contains($"more than {HeapCore.ExtentAllowance}", string.Join("\n", Section("Updates in place")));
        }

        [Fact]
        public void The_free_table_matches_docs_format_md()
        {
            AssertKind("Free table", HeapLayout.KindFreeTable);
            AssertTable("Free table",
                new Field("kind", FreeTable.KindField, sizeof(byte)),
                new Field("count", FreeTable.CountField, FreeTable.BornField - FreeTable.CountField),
                new Field("txn", FreeTable.BornField, FreeTable.EntriesField - FreeTable.BornField),
                new Field("free ranges", FreeTable.EntriesField, null, FreeTable.EntrySize));
            Assert.Equal(FreeTable.EntriesField, FreeTable.HeaderSize);
            AssertRecord("Free table", "free ranges",
                new Field("offset", FreeTable.EntryOffsetField, FreeTable.EntryLengthField - FreeTable.EntryOffsetField),
                new Field("length", FreeTable.EntryLengthField, FreeTable.EntryBornField - FreeTable.EntryLengthField),
                new Field("born", FreeTable.EntryBornField, FreeTable.EntryDiedField - FreeTable.EntryBornField),
                new Field("died", FreeTable.EntryDiedField, FreeTable.EntrySize - FreeTable.EntryDiedField));
        }

        [Theory]
        [InlineData("| 4 | u32 | count |", "| 8 | u32 | count |")]
        [InlineData("| 24 | (u64 offset, u64 length)[count] |", "| 24 | (u64 offset, u32 length)[count] |")]
        [InlineData("| 16 | u64 | value checksum", "| 16 | u32 | value checksum")]
        public void A_spec_that_differs_from_the_code_fails_the_check(string documented, string changed)
        {
            string original = FormatMd();
            int section = original.IndexOf("### Extent list", StringComparison.Ordinal);
            int at = original.IndexOf(documented, section, StringComparison.Ordinal);
            Assert.True(at > section, $"The extent list's table no longer has '{documented}'.");
            t_document = original.Substring(0, at) + changed + original.Substring(at + documented.Length);
            try
            {
                Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => The_extent_list_matches_docs_format_md());
            }
            finally
            {
                t_document = null;
            }
        }
    }
}
