using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using AncientPS.Engine;
using Microsoft.PowerShell;

namespace AncientPS.Projection
{
    /// <summary>
    /// The .NET types PowerShell's deserializer gives back as themselves rather than as a "Deserialized." property bag
    /// (IPAddress, SwitchParameter, CultureInfo, MailAddress, X500DistinguishedName, PSPrimitiveDictionary...): a .NET
    /// object of one of them, stored by its properties, reads back as Import-Clixml gives it, made by the same public
    /// converter (<see cref="DeserializingTypeConverter"/>) from the stored record's properties. Which types those are is
    /// the converter's own rule, asked once per stored type name; a heap file cannot widen it.
    /// </summary>
    internal static class SerializerRehydration
    {
        private static readonly DeserializingTypeConverter s_converter = new DeserializingTypeConverter();

        // Stored type name -> the type the converter makes of it, or null when it makes none (most types).
        private static readonly ConcurrentDictionary<string, Type> s_targets = new ConcurrentDictionary<string, Type>(StringComparer.Ordinal);

        /// <summary>The object Import-Clixml would give for <paramref name="projected"/>, or null where it gives the property bag.</summary>
        public static object TryRehydrate(StoredRecord record, StoredRecordObject projected)
        {
            if (record.IsPropertyBag) return null;
            var typeNames = record.TypeNames;
            if (typeNames.Count == 0) return null;
            string name = typeNames[0];
            if (!s_targets.TryGetValue(name, out Type target))
            {
                target = Target(name, projected);
                s_targets.TryAdd(name, target);
            }
            if (target == null) return null;
            try
            {
                // The converter hands some objects back inside a PSObject; the deserializer's object is the bare one, and
                // a wrapper would take the type's script properties into ConvertTo-Json.
                var made = s_converter.ConvertFrom(projected, target, null, true);
                return made is PSObject wrapper ? wrapper.BaseObject : made;
            }
            catch (Exception e) when (!IsHeapProblem(e))
            {
                // A record the converter cannot make an object of (a damaged or hand-made file): the property bag, as the
                // deserializer keeps the deserialized object when its rehydration fails.
                return null;
            }
        }

        private static Type Target(string name, PSObject projected)
        {
            var type = StoredCollectionAdapter.Resolve(name);
            if (type == null) return null;
            try { return s_converter.CanConvertFrom(projected, type) ? type : null; }
            catch (Exception e) when (!IsHeapProblem(e)) { return null; }
        }

        // A dismounted heap, an expired snapshot or a damaged node met while the converter read the properties: that
        // error, not a quiet fallback.
        private static bool IsHeapProblem(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
            {
                if (x is ObjectDisposedException || x.GetType().Assembly == typeof(MappedHeap).Assembly) return true;
            }
            return false;
        }
    }
}
