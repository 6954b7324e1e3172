using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Reflection;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// Finds out whether a dictionary compares string keys ignoring case, by asking its comparer whether "a" equals "A".
    /// PowerShell's @{} and [ordered]@{} use case-insensitive comparers, and their stored copies must keep that.
    /// </summary>
    internal static class ComparerProbe
    {
        private static readonly PropertyInfo s_hashtableComparer =
            typeof(Hashtable).GetProperty("EqualityComparer", BindingFlags.Instance | BindingFlags.NonPublic);

        private static readonly FieldInfo s_orderedComparer =
            typeof(OrderedDictionary).GetField("_comparer", BindingFlags.Instance | BindingFlags.NonPublic);

        private static readonly ConcurrentDictionary<Type, PropertyInfo> s_comparerProperties = new ConcurrentDictionary<Type, PropertyInfo>();

        public static bool IgnoresCase(object dictionary)
        {
            object comparer = null;
            try
            {
                if (dictionary is Hashtable) comparer = s_hashtableComparer?.GetValue(dictionary);
                else if (dictionary is OrderedDictionary) comparer = s_orderedComparer?.GetValue(dictionary);
                else
                {
                    var type = dictionary.GetType();
                    if (!s_comparerProperties.TryGetValue(type, out var prop))
                    {
                        prop = type.GetProperty("Comparer", BindingFlags.Instance | BindingFlags.Public);
                        if (prop != null && prop.GetIndexParameters().Length != 0) prop = null;
                        s_comparerProperties.TryAdd(type, prop);
                    }
                    comparer = prop?.GetValue(dictionary);
                }
                if (comparer != null) return Probe(comparer);
            }
            catch (Exception)
            {
                // A comparer we cannot ask: fall back to watching the dictionary itself.
            }
            try
            {
                return dictionary is IDictionary d && ProbeByContents(d);
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                // A dictionary that cannot be enumerated: its entries fail too (SourceCollections), and none are stored.
                return false;
            }
        }

        private static bool Probe(object comparer)
        {
            switch (comparer)
            {
                case IEqualityComparer<string> g: return g.Equals("a", "A");
                case IEqualityComparer e: return e.Equals("a", "A");
                case IComparer<string> c: return c.Compare("a", "A") == 0;
                case IComparer c: return c.Compare("a", "A") == 0;
            }
            return false;
        }

        // Through the dictionary's own enumerator: some dictionaries' IEnumerable gives KeyValuePairs (ProcessStartInfo's
        // Environment), not DictionaryEntry items.
        private static bool ProbeByContents(IDictionary d)
        {
            int seen = 0;
            var e = d.GetEnumerator();
            try
            {
                while (e.MoveNext())
                {
                    if (++seen > 64) break;
                    if (!(e.Key is string s)) continue;
                    string other = s.ToUpperInvariant();
                    if (other == s) other = s.ToLowerInvariant();
                    if (other == s) continue;
                    try { return d.Contains(other); }
                    catch (Exception) { return false; }
                }
            }
            finally
            {
                (e as IDisposable)?.Dispose();
            }
            return false;
        }
    }
}
