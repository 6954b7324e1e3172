using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace AncientPS.Projection
{
    /// <summary>
    /// The text of a -Materialize copy of a .NET object (a PSCustomObject named Deserialized.*): the original's, as
    /// Import-Clixml's copy gives it to "$x", -like and the formatter. The copy's ToString code method reads it here.
    /// </summary>
    public static class MaterializedText
    {
        private static readonly ConditionalWeakTable<PSObject, string> s_texts = new ConditionalWeakTable<PSObject, string>();
        private static readonly System.Reflection.MethodInfo s_method = typeof(MaterializedText).GetMethod(nameof(Of));

        internal static void Give(PSObject copy, string text)
        {
            s_texts.Remove(copy);
            s_texts.Add(copy, text);
            // Also for PowerShell's serializer, which writes a copy's text only for an object it knows as deserialized.
            DeserializedText.TrySet(copy, text);
            copy.Members.Add(new PSCodeMethod("ToString", s_method), true);
        }

        /// <summary>The target of a copy's ToString code method. Not for use in scripts.</summary>
        public static string Of(PSObject instance)
        {
            if (instance != null && s_texts.TryGetValue(instance, out var text)) return text;
            return instance?.BaseObject is PSCustomObject ? string.Empty : instance?.BaseObject?.ToString() ?? string.Empty;
        }
    }
}
