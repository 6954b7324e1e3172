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

        private const string DBNullName = "System.DBNull";
        private const string SemanticVersionName = "System.Management.Automation.SemanticVersion";

        // PowerShell 6's SemanticVersion.Parse(string), where this PowerShell has the type (5.1 has none).
        private static readonly Lazy<Func<string, object>> s_parseSemanticVersion = new Lazy<Func<string, object>>(BindSemanticVersion);

        /// <summary>
        /// The object Import-Clixml would give for <paramref name="projected"/>, or the original's own type where Import-Clixml
        /// gives a property bag that behaves worse (DBNull, SemanticVersion); null where the property bag is what to give.
        /// </summary>
        public static object TryRehydrate(StoredRecord record, StoredRecordObject projected)
        {
            if (record.IsPropertyBag) return null;
            var typeNames = record.TypeNames;
            if (typeNames.Count == 0) return null;
            string name = typeNames[0];
            var same = SameType(name, record);
            if (same != null) return same;
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

        /// <summary>
        /// Types Import-Clixml gives back as a property bag, made again as themselves: DBNull (a bag that is not $null,
        /// writes {} in JSON and is not DBNull.Value, where the original is all three: database rows hold it) and
        /// SemanticVersion (a bag that cannot be compared with a version; <c>$PSVersionTable.PSVersion</c> is one), from
        /// its stored text. Anything else, or text that does not parse, stays the bag.
        /// </summary>
        private static object SameType(string name, StoredRecord record)
        {
            if (string.Equals(name, DBNullName, StringComparison.Ordinal)) return DBNull.Value;
            if (!string.Equals(name, SemanticVersionName, StringComparison.Ordinal) || !record.HasToStringText) return null;
            var parse = s_parseSemanticVersion.Value;
            string text = record.ToStringText;
            if (parse == null || string.IsNullOrEmpty(text)) return null;
            try { return parse(text); }
            catch (Exception e) when (!IsHeapProblem(e)) { return null; }
        }

        private static Func<string, object> BindSemanticVersion()
        {
            var type = typeof(PSObject).Assembly.GetType(SemanticVersionName, false);
            var tryParse = type?.GetMethod("TryParse", new[] { typeof(string), type.MakeByRefType() });
            if (tryParse == null || tryParse.ReturnType != typeof(bool)) return null;
            return text =>
            {
                var args = new object[] { text, null };
                return (bool)tryParse.Invoke(null, args) ? args[1] : null;
            };
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
