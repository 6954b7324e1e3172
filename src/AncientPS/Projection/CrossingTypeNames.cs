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
    /// dictionary handed out (docs/performance.md, "Crossings"). Other dictionaries and lists are named by a cheaper
    /// wrapper (<see cref="OriginalTypeNames"/>), which the serializer reads; an [ordered] one is not, because in another
    /// runspace PowerShell reads a dictionary view's members past any wrapper (the view answers dynamic member lookups,
    /// and PowerShell binds to the view itself), and only names kept for the view itself reach there.
    /// </summary>
    internal static class CrossingTypeNames
    {
        private const string OrderedName = "System.Collections.Specialized.OrderedDictionary";

        /// <summary>False gives nothing, as before: for the benchmark row that measures the cost (tests/benchmarks/CrossingBench.ps1).</summary>
        internal static bool Enabled { get; set; } = true;

        /// <summary>Gives <paramref name="dictionary"/> its names if it was stored from an [ordered]; true when it was.</summary>
        internal static bool Give(AncientDictionary dictionary)
        {
            if (!Enabled || dictionary.ToString() != OrderedName) return false; // ToString: the stored type name, without a description's allocation
            var names = PSObject.AsPSObject(dictionary).TypeNames;
            if (names.Count == 2 && names[0] == OrderedName) return true;
            names.Clear();
            names.Add(OrderedName);
            names.Add("System.Object");
            return true;
        }
    }
}
