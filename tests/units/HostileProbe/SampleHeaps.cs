using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Numerics;
using AncientPS.Engine;

namespace AncientPS.HostileProbe
{
    /// <summary>Small, real heaps holding every kind of node: the seeds that the mutation test and the fuzzer damage.</summary>
    public static class SampleHeaps
    {
        public static readonly string[] Kinds = { "mixed", "records", "dictionaries", "strings", "many-keys", "churned", "objects" };

        public static void Write(string path, string kind)
        {
            if (File.Exists(path)) File.Delete(path);
            using (var heap = MappedHeap.Open(path))
            {
                switch (kind)
                {
                    case "mixed":
                        heap.Set("mixed", Mixed());
                        heap.Set("n", 42);
                        break;
                    case "records":
                        heap.Set("rows", Records(12));
                        break;
                    case "dictionaries":
                        heap.Set("table", Dictionaries());
                        break;
                    case "strings":
                        heap.Set("text", new object[] { new string('x', 300), "héllo wörld, ünïcode", "日本語のテキストです", "\uD800 lone", "a", "host12345", "" });
                        break;
                    case "many-keys":
                        for (int i = 0; i < 40; i++) heap.Set("key" + i, i % 3 == 0 ? (object)("value " + i) : i % 3 == 1 ? (object)new[] { i, i + 1 } : i);
                        break;
                    case "objects":
                        heap.Set("objects", Objects(), new SetOptions { Converter = new ObjectsConverter(), Depth = 3 });
                        break;
                    case "churned":
                        for (int round = 0; round < 4; round++)
                            for (int i = 0; i < 6; i++) heap.Set("k" + i, Records(round + i));
                        heap.Remove("k2");
                        heap.Remove("k4");
                        break;
                    default:
                        throw new ArgumentException("Unknown sample kind " + kind);
                }
            }
        }

        public static object Mixed()
        {
            var shared = new object[] { "shared", 1 };
            var cycle = new object[2];
            cycle[0] = "cycle";
            cycle[1] = cycle;
            return new object[]
            {
                null, true, 'c', (sbyte)-1, (byte)2, (short)-3, (ushort)4, -5, 6u, -7L, 8UL, 1.5f, double.NaN, -0.0,
                new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), TimeSpan.FromMinutes(3), 123.456m,
                BigInteger.Pow(3, 100), new BigInteger(77), Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
                new DateTimeOffset(2020, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)), new Version(1, 2, 3), new Uri("https://example.org/a?b=c"),
                new Uri("relative/path", UriKind.Relative), DayOfWeek.Friday, FileAccess.ReadWrite,
                new byte[] { 1, 2, 3, 4, 5 }, new[] { 1.0, 2.0, 3.0 }, new List<int> { 4, 5, 6 }, new bool[] { true, false },
                new ArrayList { "a", 1 }, new List<object> { "b", 2.0 }, shared, shared, cycle,
                new[] { "typed", "string", "array" },
            };
        }

        public static object Records(int n)
        {
            var rows = new object[n];
            for (int i = 0; i < n; i++)
                rows[i] = new MaterializedRecord(new[] { "Sample.Row", "System.Management.Automation.PSCustomObject", "System.Object" },
                    new[] { "Id", "Name", "Cpu", "Up", "Tags" },
                    new object[] { i, "host" + (10000 + i), i * 0.5, i % 2 == 0, new object[] { "a", "b" } });
            return rows;
        }

        /// <summary>A host's value with notes (as PowerShell's PSObject around a string with a PSPath).</summary>
        private sealed class Noted
        {
            public object Value;
            public string[] Names;
            public object[] Values;
        }

        /// <summary>A .NET object a host describes with its text and its adapted properties apart, as the module does.</summary>
        private sealed class Described
        {
            public string Name;
            public object Items;
            public object Table;
        }

        private sealed class ObjectsConverter : ObjectConverter
        {
            public override bool TryDescribeValueWithNotes(object value, out RecordDescription description)
            {
                description = value is Noted noted
                    ? RecordDescription.ForValueWithNotes(noted.Value, new[] { noted.Value.GetType().FullName, "System.Object" }, noted.Names, noted.Values)
                    : null;
                return description != null;
            }

            public override bool TryDescribe(object value, out RecordDescription description)
            {
                description = null;
                if (!(value is Described d)) return false;
                description = new RecordDescription(new[] { "Sample.Described", "System.Object" }, new[] { "Note", "Name", "Items", "Table" },
                    new object[] { "extended", d.Name, d.Items, d.Table }, false, "described " + d.Name) { AdaptedFrom = 1 };
                return true;
            }
        }

        /// <summary>
        /// .NET objects with their text, adapted split and deserialized collections (formats 1.1, 1.3, 1.4), values with notes
        /// (1.5), and property bags with standard members and a list with notes (1.6).
        /// </summary>
        public static object Objects()
        {
            var drive = new Described { Name = "drive", Items = new List<string> { "a", "b" }, Table = new Dictionary<string, int> { ["k"] = 1 } };
            var lines = new object[4];
            for (int i = 0; i < lines.Length; i++)
                lines[i] = new Noted { Value = "line " + i + " of a file, longer than inline", Names = new[] { "PSPath", "PSDrive", "ReadCount" }, Values = new object[] { "/tmp/f.txt", drive, i + 1 } };
            return new object[]
            {
                drive, lines, new Noted { Value = 5, Names = new[] { "Unit" }, Values = new object[] { "kg" } },
                new Noted { Value = new DateTime(2024, 3, 4, 5, 6, 7, DateTimeKind.Utc), Names = new[] { "DisplayHint" }, Values = new object[] { DayOfWeek.Monday } },
                new Noted { Value = 1.10m, Names = new[] { "Self" }, Values = new object[] { null } },
                new Noted { Value = new object[] { "line 1", drive, 3 }, Names = new[] { "PSPath", "ReadCount" }, Values = new object[] { "/tmp/f.txt", 0 } },
                new MaterializedRecord(new[] { "Sample.Chosen", "System.Object" }, new[] { "Name", "Size" }, new object[] { "chosen", 10 })
                {
                    StandardMembers = new StandardMembers(new[]
                    {
                        StandardMember.PropertySet("DefaultDisplayPropertySet", new[] { "Name" }),
                        StandardMember.Note("DefaultDisplayProperty", "Name"),
                        StandardMember.Note("SerializationDepth", 2),
                        StandardMember.Note("InheritPropertySerializationSet", false),
                    }),
                },
            };
        }

        public static object Dictionaries()
        {
            var ignoreCase = new Hashtable(StringComparer.OrdinalIgnoreCase) { ["Alpha"] = 1, ["beta"] = "two", ["Gamma"] = new[] { 3, 4 } };
            var ordered = new OrderedDictionary { { "z", 1 }, { "y", 2 }, { 7, "seven" }, { 2.5, null }, { DayOfWeek.Monday, "monday" } };
            var generic = new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 };
            var big = new Hashtable();
            for (int i = 0; i < 50; i++) big["k" + i] = i;
            return new object[] { ignoreCase, ordered, generic, big, new Hashtable() };
        }
    }
}
