using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace AncientPS.Projection
{
    /// <summary>
    /// What a type's PowerShell type data says about serializing it (types.ps1xml's PSStandardMembers), which
    /// Export-Clixml follows and so Import-Clixml's copy shows: SerializationMethod String (a PSTypeName is written as its
    /// name), SpecificProperties with a PropertySerializationSet (a ParameterMetadata keeps five of its properties, a
    /// CultureInfo or an X509Certificate2 theirs), and SerializationDepth (an Exception is written one level deep, a Job two,
    /// whatever depth is left; a SwitchParameter, a PSCredential and a CIM instance one, as the serializer fixes them).
    /// Read through the public member set PSStandardMembers, once per .NET type and Set (<see cref="For"/>); an object with
    /// type names of its own is read by its .NET type's, as nearly every object is.
    /// </summary>
    internal sealed class TypeSerializationSettings
    {
        private const string StandardMembers = "PSStandardMembers";

        internal static readonly TypeSerializationSettings None = new TypeSerializationSettings();

        /// <summary>The object is stored as its text (SerializationMethod String).</summary>
        public bool AsString { get; private set; }

        /// <summary>The depth the type asks for, or 0.</summary>
        public int Depth { get; private set; }

        /// <summary>The only properties stored, in this order (SerializationMethod SpecificProperties); null for all of them.</summary>
        public string[] SpecificProperties { get; private set; }

        /// <summary>The settings of <paramref name="value"/>'s type, from <paramref name="cache"/> or read once into it.</summary>
        internal static TypeSerializationSettings For(object value, Dictionary<Type, TypeSerializationSettings> cache)
        {
            var type = value.GetType();
            if (cache.TryGetValue(type, out var known)) return known;
            var settings = Read(value);
            cache[type] = settings;
            return settings;
        }

        private static TypeSerializationSettings Read(object value)
        {
            var result = new TypeSerializationSettings();
            // Fixed by PowerShell's serializer whatever the type data says.
            string name = value.GetType().FullName;
            if (value is SwitchParameter || value is PSCredential || name == "Microsoft.Management.Infrastructure.CimInstance") result.Depth = 1;
            try
            {
                if (!(PSObject.AsPSObject(value).Members[StandardMembers] is PSMemberSet standard)) return Settled(result);
                if (result.Depth == 0 && standard.Members["SerializationDepth"] is PSNoteProperty depth && LanguagePrimitives.TryConvertTo(depth.Value, out int d) && d > 0)
                    result.Depth = d;
                string method = (standard.Members["SerializationMethod"] as PSNoteProperty)?.Value?.ToString();
                if (string.Equals(method, "String", StringComparison.OrdinalIgnoreCase)) result.AsString = true;
                else if (string.Equals(method, "SpecificProperties", StringComparison.OrdinalIgnoreCase))
                {
                    var names = new List<string>();
                    if (standard.Members["PropertySerializationSet"] is PSPropertySet set)
                    {
                        foreach (var property in set.ReferencedPropertyNames)
                            if (!string.IsNullOrEmpty(property) && !names.Contains(property)) names.Add(property);
                    }
                    result.SpecificProperties = names.ToArray();
                }
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                // Type data that cannot be read leaves the object as the default way stores it.
            }
            return Settled(result);
        }

        private static TypeSerializationSettings Settled(TypeSerializationSettings settings)
            => settings.Depth == 0 && !settings.AsString && settings.SpecificProperties == null ? None : settings;

        /// <summary>
        /// The text a String-serialized object is stored as: its StringSerializationSource property's value as text, or the
        /// object's own text, as the serializer writes it; null when neither can be read.
        /// </summary>
        internal static string TextOf(object value)
        {
            var pso = value as PSObject ?? PSObject.AsPSObject(value);
            try
            {
                if (pso.Members[StandardMembers] is PSMemberSet standard && standard.Members["StringSerializationSource"] is PSPropertyInfo source)
                    return source.Value?.ToString();
                return pso.ToString();
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                return null;
            }
        }
    }
}
