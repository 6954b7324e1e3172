using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AncientPS.Engine;

namespace AncientPS.HostileProbe
{
    /// <summary>
    /// hostileprobe copy WORKDIR COUNT SEED: damages COUNT copies of the sample heaps and copies each with a compacting
    /// copy, refusing and then skipping damaged values. A copy that is made must verify clean, and each of its values must
    /// equal the value the sample heap was written with, unless the source itself gives no sign of the change (damage
    /// with its checksums recomputed, which nothing can tell from data). A line with LAUNDERED, UNCHECKED or FAIL breaks
    /// the rules.
    /// </summary>
    public static class CopyCases
    {
        public static int Run(string work, int count, int seed)
        {
            Directory.CreateDirectory(work);
            var originals = new List<KeyValuePair<string, byte[]>>();
            var expected = new Dictionary<string, Dictionary<string, string>>();
            foreach (var kind in SampleHeaps.Kinds)
            {
                string path = Path.Combine(work, kind + ".heap");
                SampleHeaps.Write(path, kind);
                originals.Add(new KeyValuePair<string, byte[]>(kind, File.ReadAllBytes(path)));
                expected[kind] = DumpAll(path);
            }
            var mutator = new Mutator(seed);
            string source = Path.Combine(work, "case.heap");
            string copy = Path.Combine(work, "copy.heap");
            for (int i = 0; i < count; i++)
            {
                var original = originals[i % originals.Count];
                byte[] bytes = mutator.Mutate(original.Value, out string how);
                File.WriteAllBytes(source, bytes);
                string refused = CopyOnce(source, copy, skip: false, expected[original.Key]);
                string skipped = CopyOnce(source, copy, skip: true, expected[original.Key]);
                Console.WriteLine($"case {i} {original.Key} {refused} {skipped} [{how}]");
            }
            Console.WriteLine("done " + count);
            return 0;
        }

        private static string CopyOnce(string source, string copy, bool skip, Dictionary<string, string> expected)
        {
            var left = new List<string>();
            try
            {
                HeapCopy.Copy(source, copy, compact: true, overwrite: true, null, default, skip, (key, problem) => left.Add(key));
            }
            catch (Exception e) when (HeapWalker.IsDocumented(e))
            {
                return (skip ? "skip-refused:" : "refused:") + e.GetType().Name;
            }
            catch (Exception e)
            {
                return $"FAIL {e.GetType().FullName}: {OneLine(e.Message)} at {OneLine(e.StackTrace)}";
            }
            try
            {
                var problems = HeapVerifier.Verify(copy);
                if (problems.Count > 0) return $"UNCHECKED the copy fails verification: {OneLine(problems[0].ToString())}";
                if (!skip && left.Count > 0) return "FAIL values were left out without -SkipDamaged";
                var changed = DumpAll(copy).Where(kv => !expected.TryGetValue(kv.Key, out var want) || want != kv.Value).Select(kv => kv.Key).ToList();
                if (changed.Count == 0) return (skip ? "skip-copied" : "copied") + (left.Count > 0 ? ":left-" + left.Count : "");
                // A changed value is allowed only where the source shows nothing wrong with that key (damage that was
                // resealed with fresh checksums, which no reader can detect).
                var flagged = new HashSet<string>(HeapVerifier.Verify(source).Where(p => p.Key != null).Select(p => p.Key));
                var laundered = changed.Where(flagged.Contains).ToList();
                if (laundered.Count > 0) return $"LAUNDERED '{laundered[0]}': the source fails its checks for it, the copy verifies clean with a changed value";
                return (skip ? "skip-copied" : "copied") + ":undetectable-" + changed.Count;
            }
            catch (Exception e)
            {
                return $"FAIL checking the copy {e.GetType().FullName}: {OneLine(e.Message)}";
            }
        }

        /// <summary>Every key's value, materialized and written out canonically.</summary>
        public static Dictionary<string, string> DumpAll(string path)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var heap = MappedHeap.Open(path, new HeapOptions { ReadOnly = true, CreateIfMissing = false }))
            {
                foreach (var entry in heap.GetEntries())
                {
                    var sb = new StringBuilder();
                    Dump(AncientValue.Materialize(heap.Get(entry.Key)), sb, new Dictionary<object, int>(ReferenceEqualityComparer.Instance));
                    result[entry.Key] = entry.TypeName + "=" + sb;
                }
            }
            return result;
        }

        private static void Dump(object value, StringBuilder sb, Dictionary<object, int> seen)
        {
            switch (value)
            {
                case null:
                    sb.Append("null");
                    return;
                case string s:
                    sb.Append("s\"").Append(s).Append('"');
                    return;
                case IFormattable _ when !(value is IEnumerable):
                    sb.Append(value.GetType().FullName).Append(':').Append(Convert.ToString(value is double d ? d.ToString("R", CultureInfo.InvariantCulture) : value is float f ? f.ToString("R", CultureInfo.InvariantCulture) : value, CultureInfo.InvariantCulture));
                    return;
            }
            if (value.GetType().IsValueType || value is Uri || value is Version)
            {
                sb.Append(value.GetType().FullName).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            }
            if (seen.TryGetValue(value, out int id)) { sb.Append('#').Append(id); return; }
            seen[value] = seen.Count;
            switch (value)
            {
                case MaterializedRecord record:
                    sb.Append("rec<").Append(string.Join(",", record.TypeNames)).Append(">{");
                    for (int i = 0; i < record.Count; i++)
                    {
                        sb.Append(record.Names[i]).Append('=');
                        Dump(record.Values[i], sb, seen);
                        sb.Append(';');
                    }
                    sb.Append('}');
                    return;
                case IDictionary dictionary:
                    sb.Append(value.GetType().Name).Append('{');
                    var parts = new List<KeyValuePair<string, object>>();
                    foreach (DictionaryEntry e in dictionary)
                    {
                        var k = new StringBuilder();
                        Dump(e.Key, k, new Dictionary<object, int>(ReferenceEqualityComparer.Instance));
                        parts.Add(new KeyValuePair<string, object>(k.ToString(), e.Value));
                    }
                    foreach (var part in parts.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        sb.Append(part.Key).Append("=>");
                        Dump(part.Value, sb, seen);
                        sb.Append(';');
                    }
                    sb.Append('}');
                    return;
                case IEnumerable list:
                    sb.Append(value.GetType().Name).Append('[');
                    foreach (object item in list)
                    {
                        Dump(item, sb, seen);
                        sb.Append(',');
                    }
                    sb.Append(']');
                    return;
                default:
                    sb.Append(value.GetType().FullName).Append(':').Append(value);
                    return;
            }
        }

        private static string OneLine(string s) => (s ?? "").Replace('\r', ' ').Replace('\n', ' ');
    }
}
