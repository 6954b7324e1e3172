using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>Deep equality between an original graph and what a heap gives back, walked with an explicit stack.</summary>
    internal static class GraphAssert
    {
        public static void Equivalent(object expected, object actual)
        {
            var stack = new Stack<(object, object, string)>();
            var seen = new HashSet<(object, long)>(new PairComparer());
            stack.Push((expected, actual, "$"));
            while (stack.Count > 0)
            {
                var (e, a, path) = stack.Pop();
                if (e == null)
                {
                    if (a != null) throw Fail(path, "null", a);
                    continue;
                }
                if (a == null) throw Fail(path, e, "null");
                if (a is IAncientNode node && !seen.Add((e, node.Offset))) continue;
                switch (e)
                {
                    case Hashtable h:
                    {
                        // A Hashtable's order is its buckets': match entries by key instead.
                        var ad = a as AncientDictionary ?? throw Fail(path, e, a);
                        if (ad.Count != h.Count) throw Fail(path + ".Count", h.Count, ad.Count);
                        foreach (DictionaryEntry entry in ad)
                        {
                            if (!h.ContainsKey(entry.Key)) throw Fail(path, "no key " + entry.Key, entry.Key);
                            stack.Push((h[entry.Key], entry.Value, $"{path}[{entry.Key}]"));
                        }
                        break;
                    }
                    case IDictionary d:
                    {
                        var ad = a as AncientDictionary ?? throw Fail(path, e, a);
                        if (ad.Count != d.Count) throw Fail(path + ".Count", d.Count, ad.Count);
                        var keys = new List<object>();
                        var values = new List<object>();
                        foreach (DictionaryEntry entry in d) { keys.Add(entry.Key); values.Add(entry.Value); }
                        int i = 0;
                        foreach (DictionaryEntry entry in ad)
                        {
                            stack.Push((keys[i], entry.Key, $"{path}.key[{i}]"));
                            stack.Push((values[i], entry.Value, $"{path}[{i}]"));
                            i++;
                        }
                        break;
                    }
                    case MaterializedRecord r:
                    {
                        var ar = a as AncientRecord ?? throw Fail(path, e, a);
                        if (!Same(r.Names, ar.Names)) throw Fail(path + ".Names", string.Join(",", r.Names), string.Join(",", ar.Names));
                        if (!Same(r.TypeNames, ar.TypeNames)) throw Fail(path + ".TypeNames", string.Join(",", r.TypeNames), string.Join(",", ar.TypeNames));
                        for (int i = 0; i < r.Count; i++) stack.Push((r.Values[i], ar.GetValue(i), $"{path}.{r.Names[i]}"));
                        break;
                    }
                    case string s:
                        if (!(a is string sa) || !string.Equals(s, sa, StringComparison.Ordinal)) throw Fail(path, s, a);
                        break;
                    case Array arr when arr.GetType().GetElementType().IsPrimitive:
                    {
                        var al = a as AncientList ?? throw Fail(path, e, a);
                        if (!al.IsPacked || al.ElementType != arr.GetType().GetElementType()) throw Fail(path, "packed " + arr.GetType(), al.CollectionTypeName);
                        var copy = al.ToArray();
                        if (!StructuralComparisons.StructuralEqualityComparer.Equals(arr, copy)) throw Fail(path, "same elements", "different");
                        break;
                    }
                    case IList list:
                    {
                        var al = a as AncientList ?? throw Fail(path, e, a);
                        if (al.Count != list.Count) throw Fail(path + ".Count", list.Count, al.Count);
                        for (int i = 0; i < list.Count; i++) stack.Push((list[i], al[i], $"{path}[{i}]"));
                        break;
                    }
                    case double dv:
                        if (!(a is double da) || BitConverter.DoubleToInt64Bits(dv) != BitConverter.DoubleToInt64Bits(da)) throw Fail(path, e, a);
                        break;
                    case float fv:
                        if (!(a is float fa) || BitConverter.SingleToInt32Bits(fv) != BitConverter.SingleToInt32Bits(fa)) throw Fail(path, e, a);
                        break;
                    case DateTime dt:
                        if (!(a is DateTime at) || at.Ticks != dt.Ticks || at.Kind != dt.Kind) throw Fail(path, e, a);
                        break;
                    case DateTimeOffset dto:
                        if (!(a is DateTimeOffset ao) || ao.Ticks != dto.Ticks || ao.Offset != dto.Offset) throw Fail(path, e, a);
                        break;
                    case decimal dec:
                        if (!(a is decimal ad2) || !Same(decimal.GetBits(dec), decimal.GetBits(ad2))) throw Fail(path, e, a);
                        break;
                    case Uri u:
                        if (!(a is Uri au) || au.OriginalString != u.OriginalString || au.IsAbsoluteUri != u.IsAbsoluteUri) throw Fail(path, e, a);
                        break;
                    default:
                        if (e.GetType() != a.GetType() || !e.Equals(a)) throw Fail(path, $"{e} ({e.GetType()})", $"{a} ({a.GetType()})");
                        break;
                }
            }
        }

        private static bool Same<T>(IReadOnlyList<T> x, IReadOnlyList<T> y)
        {
            if (x.Count != y.Count) return false;
            for (int i = 0; i < x.Count; i++) if (!Equals(x[i], y[i])) return false;
            return true;
        }

        private static XunitException Fail(string path, object expected, object actual) =>
            new XunitException($"At {path}: expected {expected}, got {actual}.");

        private sealed class PairComparer : IEqualityComparer<(object, long)>
        {
            public bool Equals((object, long) x, (object, long) y) => ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;
            public int GetHashCode((object, long) p) => RuntimeHelpers.GetHashCode(p.Item1) ^ p.Item2.GetHashCode();
        }
    }
}
