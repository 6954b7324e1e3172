using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Gives a stored [ordered] dictionary the type names of an OrderedDictionary on the object itself, so that it keeps
    /// them where the module's type data (StoredCollectionAdapter) does not apply: in another runspace (Start-ThreadJob,
    /// ForEach-Object -Parallel) and in the serializer of Start-Job and remoting, which runs without a runspace. PowerShell's
    /// deserializer makes an OrderedDictionary only of a dictionary named so; any other becomes a Hashtable, whose keys come
    /// back in hash order. PowerShell keeps type names set on a wrapper for the object itself (its "resurrection table"),
    /// so every later wrapper, in any runspace, finds them. The cost is one PSObject and one table entry per [ordered]
    /// dictionary handed out (docs/performance.md, "Crossings"); other dictionaries and lists are left alone (their type
    /// names differ across a crossing, their contents do not).
    /// </summary>
    internal static class CrossingTypeNames
    {
        private const string OrderedName = "System.Collections.Specialized.OrderedDictionary";

        /// <summary>False gives nothing, as before: for the benchmark row that measures the cost (tests/benchmarks/CrossingBench.ps1).</summary>
        internal static bool Enabled { get; set; } = true;

        internal static void Give(AncientDictionary dictionary)
        {
            if (!Enabled || dictionary.ToString() != OrderedName) return; // ToString: the stored type name, without a description's allocation
            var names = PSObject.AsPSObject(dictionary).TypeNames;
            if (names.Count == 2 && names[0] == OrderedName) return;
            names.Clear();
            names.Add(OrderedName);
            names.Add("System.Object");
        }
    }
}
