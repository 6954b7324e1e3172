using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Numerics;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    public class DictionaryTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena(256L << 20);

        public void Dispose() => _arena.Dispose();

        [Fact]
        public void A_stored_powershell_hashtable_looks_keys_up_ignoring_case()
        {
            var source = new Hashtable(StringComparer.OrdinalIgnoreCase) { ["Name"] = "x", ["Ünïcode"] = 2, ["a-much-longer-key-than-eight"] = 3 };
            var d = (AncientDictionary)_arena.Store(source);
            Assert.True(d.IgnoresCase);
            Assert.Equal("x", d["NAME"]);
            Assert.Equal("x", d["name"]);
            Assert.Equal(2, d["üNÏCODE"]);
            Assert.Equal(3, d["A-MUCH-LONGER-KEY-THAN-EIGHT"]);
            Assert.True(d.ContainsKey("nAmE"));
        }

        [Fact]
        public void An_ordered_dictionary_with_current_culture_ignore_case_keeps_order_and_case_insensitivity()
        {
            var source = new OrderedDictionary(StringComparer.CurrentCultureIgnoreCase) { ["z"] = 1, ["a"] = 2, ["m"] = 3 };
            var d = (AncientDictionary)_arena.Store(source);
            Assert.True(d.IgnoresCase);
            Assert.Equal(new object[] { "z", "a", "m" }, new List<object>((IReadOnlyList<object>)d.Keys));
            Assert.Equal(2, d["A"]);
            var copy = Assert.IsType<OrderedDictionary>(AncientValue.Materialize(d));
            Assert.Equal(3, copy["M"]);
        }

        [Fact]
        public void A_default_dictionary_of_strings_stays_case_sensitive()
        {
            var source = new Dictionary<string, object> { ["Key"] = 1, ["key"] = 2 };
            var d = (AncientDictionary)_arena.Store(source);
            Assert.False(d.IgnoresCase);
            Assert.Equal(1, d["Key"]);
            Assert.Equal(2, d["key"]);
            Assert.Null(d["KEY"]);
        }

        [Fact]
        public void A_missing_key_reads_as_null()
        {
            var d = (AncientDictionary)_arena.Store(new Hashtable { ["a"] = 1 });
            Assert.Null(d["b"]);
            Assert.Null(d[1]);
            Assert.Null(d[new object()]);
            Assert.False(d.TryGetValue("b", out _));
            Assert.Throws<KeyNotFoundException>(() => ((IReadOnlyDictionary<object, object>)d)["b"]);
        }

        [Fact]
        public void Typed_keys_follow_hashtable_semantics()
        {
            var guid = Guid.NewGuid();
            var source = new Hashtable
            {
                [1] = "int", [1L] = "long", ["1"] = "string", ['1'] = "char", [1.0] = "double", [(byte)1] = "byte",
                [1.5m] = "decimal", [guid] = "guid", [BigInteger.Pow(10, 30)] = "big", [new Version(1, 2)] = "version",
                [DayOfWeek.Monday] = "enum", [new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)] = "date", [true] = "bool",
            };
            var d = (AncientDictionary)_arena.Store(source);
            Assert.Equal("int", d[1]);
            Assert.Equal("long", d[1L]);
            Assert.Equal("string", d["1"]);
            Assert.Equal("char", d['1']);
            Assert.Equal("double", d[1.0]);
            Assert.Equal("byte", d[(byte)1]);
            Assert.Equal("decimal", d[1.50m]);
            Assert.Equal("guid", d[guid]);
            Assert.Equal("big", d[BigInteger.Pow(10, 30)]);
            Assert.Equal("version", d[new Version(1, 2)]);
            Assert.Equal("enum", d[DayOfWeek.Monday]);
            Assert.Null(d[DayOfWeek.Tuesday]);
            Assert.Equal("date", d[new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Local)]);
            Assert.Equal("bool", d[true]);
            Assert.Null(d[2]);
            Assert.Null(d[(short)1]);
        }

        [Fact]
        public void Zero_and_negative_zero_and_every_nan_are_one_key_each()
        {
            var d = (AncientDictionary)_arena.Store(new Hashtable { [0.0] = "zero", [double.NaN] = "nan" });
            Assert.Equal("zero", d[-0.0]);
            Assert.Equal("nan", d[BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001)]);
        }

        [Fact]
        public void A_key_that_is_a_stored_node_is_found_by_its_view()
        {
            var keyList = new object[] { 1, 2 };
            var source = new object[] { keyList, new Hashtable { [keyList] = "found" } };
            var root = (AncientList)_arena.Store(source);
            var d = (AncientDictionary)root[1];
            Assert.Equal("found", d[root[0]]);
            Assert.Null(d[keyList]);
        }

        [Fact]
        public void A_million_entry_dictionary_finds_every_probed_key()
        {
            var source = new Dictionary<string, int>(1_000_000);
            for (int i = 0; i < 1_000_000; i++) source["key" + i] = i;
            var d = (AncientDictionary)_arena.Store(source);
            Assert.Equal(1_000_000, d.Count);
            for (int i = 0; i < 1_000_000; i += 997) Assert.Equal(i, d["key" + i]);
            Assert.Equal(999_999, d["key999999"]);
            Assert.Null(d["key1000000"]);
            int n = 0;
            foreach (DictionaryEntry e in d)
            {
                if (n < 5) Assert.Equal("key" + n, e.Key);
                n++;
            }
            Assert.Equal(1_000_000, n);
        }

        [Fact]
        public void Generic_read_only_dictionaries_are_stored_as_dictionaries()
        {
            IReadOnlyDictionary<string, int> source = new System.Collections.ObjectModel.ReadOnlyDictionary<string, int>(new Dictionary<string, int> { ["a"] = 1 });
            var d = (AncientDictionary)_arena.Store(source);
            Assert.Equal(1, d["a"]);
            dynamic expando = new System.Dynamic.ExpandoObject();
            expando.Name = "n";
            var e = (AncientDictionary)_arena.Store((object)expando);
            Assert.Equal("n", e["Name"]);
        }

        [Fact]
        public void A_list_that_is_also_a_read_only_dictionary_is_stored_as_the_list_it_enumerates()
        {
            // A Regex GroupCollection: IList of groups and IReadOnlyDictionary by group name; PowerShell enumerates groups.
            var groups = System.Text.RegularExpressions.Regex.Match("ab", "(?<first>a)(b)").Groups;
            var list = Assert.IsAssignableFrom<AncientList>(_arena.Store(groups));
            Assert.Equal(3, list.Count);
            var odd = new PairsElsewhere();
            var items = Assert.IsAssignableFrom<AncientList>(_arena.Store(odd));
            Assert.Equal(new object[] { "x", "y" }, new[] { items[0], items[1] });
        }

        // A read-only dictionary whose non-generic enumerator, the one PowerShell uses, gives its items, not pairs.
        private sealed class PairsElsewhere : IReadOnlyDictionary<string, string>
        {
            private readonly Dictionary<string, string> _inner = new Dictionary<string, string> { ["1"] = "x", ["2"] = "y" };
            public string this[string key] => _inner[key];
            public IEnumerable<string> Keys => _inner.Keys;
            public IEnumerable<string> Values => _inner.Values;
            public int Count => _inner.Count;
            public bool ContainsKey(string key) => _inner.ContainsKey(key);
            public bool TryGetValue(string key, out string value) => _inner.TryGetValue(key, out value);
            public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _inner.GetEnumerator();
            IEnumerator IEnumerable.GetEnumerator() => _inner.Values.GetEnumerator();
        }

        [Fact]
        public void Materialized_dictionaries_keep_their_kind_and_comparer()
        {
            var hashtable = Assert.IsType<Hashtable>(AncientValue.Materialize(_arena.Store(new Hashtable(StringComparer.OrdinalIgnoreCase) { ["A"] = 1 })));
            Assert.Equal(1, hashtable["a"]);
            var dict = Assert.IsType<Dictionary<object, object>>(AncientValue.Materialize(_arena.Store(new Dictionary<string, int> { ["A"] = 1 })));
            Assert.Equal(1, dict["A"]);
            Assert.False(dict.ContainsKey("a"));
        }
    }
}
