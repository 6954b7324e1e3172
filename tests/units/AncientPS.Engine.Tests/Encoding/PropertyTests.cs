using System;
using System.Collections;
using System.Collections.Generic;
using CsCheck;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    public class PropertyTests
    {
        private static readonly Gen<object> Scalar = Gen.OneOf<object>(
            Gen.Const<object>((object)null),
            Gen.Int.Select(v => (object)v),
            Gen.Long.Select(v => (object)v),
            Gen.Double.Select(v => (object)v),
            Gen.Float.Select(v => (object)v),
            Gen.Bool.Select(v => (object)v),
            Gen.Char.Select(v => (object)v),
            Gen.Byte.Select(v => (object)v),
            Gen.Decimal.Select(v => (object)v),
            Gen.DateTime.Select(v => (object)v),
            Gen.Guid.Select(v => (object)v),
            Gen.String.Select(v => (object)v),
            Gen.Char.Array[0, 12].Select(c => (object)new string(c)),
            Gen.Double.Array[0, 6].Select(v => (object)v));

        private static Gen<object> Node(int depth)
        {
            if (depth == 0) return Scalar;
            var child = Node(depth - 1);
            return Gen.Frequency<object>(
                (4, Scalar),
                (1, child.Array[0, 5].Select(a => (object)a)),
                (1, child.List[0, 4].Select(l => (object)l)),
                (1, Gen.Select(Gen.String.Array[0, 5], child.Array[5, 5], (keys, values) =>
                {
                    var h = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    for (int i = 0; i < keys.Length; i++) if (!h.ContainsKey(keys[i])) h[keys[i]] = values[i];
                    return (object)h;
                })),
                (1, Gen.Select(Gen.Int.Array[0, 5], child.Array[5, 5], (keys, values) =>
                {
                    var d = new Dictionary<object, object>();
                    for (int i = 0; i < keys.Length; i++) d[keys[i]] = values[i];
                    return (object)d;
                })),
                (1, child.Array[0, 4].Select(values =>
                {
                    var names = new string[values.Length];
                    for (int i = 0; i < names.Length; i++) names[i] = "P" + i;
                    return (object)new MaterializedRecord(new[] { "R" + values.Length, "System.Object" }, names, values);
                })));
        }

        [Fact]
        public void Random_graphs_round_trip()
        {
            Node(3).Sample(graph =>
            {
                using var arena = new TestArena(16L << 20);
                var read = arena.Store(graph);
                GraphAssert.Equivalent(graph, read);
                // A stored value copies into another heap unchanged, and materializes into an equivalent graph.
                using var second = new TestArena(16L << 20);
                GraphAssert.Equivalent(graph, second.Store(read));
                var materialized = AncientValue.Materialize(read);
                using var third = new TestArena(16L << 20);
                GraphAssert.Equivalent(graph, third.Store(materialized));
            }, iter: 300);
        }

        [Fact]
        public void Every_stored_dictionary_key_is_found_by_lookup()
        {
            Gen.Select(Gen.String.Array[0, 40], Gen.Int.Array[0, 40], Gen.Bool).Sample((strings, ints, ignoreCase) =>
            {
                var h = ignoreCase ? new Hashtable(StringComparer.OrdinalIgnoreCase) : new Hashtable();
                foreach (var s in strings) if (!h.ContainsKey(s)) h[s] = s.Length;
                foreach (var i in ints) h[i] = i;
                using var arena = new TestArena(4L << 20);
                var d = (AncientDictionary)arena.Store(h);
                foreach (DictionaryEntry e in h) Assert.Equal(e.Value, d[e.Key]);
                if (ignoreCase)
                    foreach (var s in strings)
                        if (IsAscii(s)) Assert.Equal(h[s.ToUpperInvariant()], d[s.ToUpperInvariant()]);
            }, iter: 300);
        }

        private static bool IsAscii(string s)
        {
            foreach (char c in s) if (c >= 0x80) return false;
            return true;
        }
    }
}
