using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Security;
using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>
    /// Tells the engine what PowerShell's objects are: PSObject wrappers are unwrapped, PSCustomObjects are stored as
    /// property bags with their PSTypeNames, and other .NET objects as records of their PowerShell-adapted properties,
    /// which is what Export-Clixml stores.
    /// </summary>
    internal sealed class PowerShellObjectConverter : ObjectConverter
    {
        // Unwrapping a PSObject to its base object would lose the note properties attached to that instance (such as the
        // PSPath that providers add); remember each wrapper so TryDescribe can describe the object with them.
        private readonly ConditionalWeakTable<object, PSObject> _wrappers = new ConditionalWeakTable<object, PSObject>();
        private readonly PropertyBagReader _bags = new PropertyBagReader();

        public override object Unwrap(object value)
        {
            if (value is PSObject pso)
            {
                object baseObject = pso.BaseObject;
                if (baseObject is PSCustomObject)
                    return pso is StoredRecordObject stored && stored.IsUnchanged() ? stored.Stored.Open() : (object)pso;
                if (!(baseObject is string) && !baseObject.GetType().IsValueType && !(baseObject is System.Collections.IEnumerable))
                {
                    _wrappers.Remove(baseObject);
                    _wrappers.Add(baseObject, pso);
                }
                return baseObject;
            }
            return value;
        }

        // Unwrap hands a PSCustomObject over as its PSObject, and every other object as its base object.
        public override bool MayBePropertyBag(object value) => value is PSObject pso && pso.BaseObject is PSCustomObject;

        public override bool TryDescribe(object value, out RecordDescription description)
        {
            description = null;
            if (value == null) return false;
            var pso = value as PSObject;
            bool isPropertyBag = pso != null && pso.BaseObject is PSCustomObject;
            if (pso == null && !_wrappers.TryGetValue(value, out pso)) pso = PSObject.AsPSObject(value);

            if (isPropertyBag && _bags.TryRead(pso, out var bagTypeNames, out var bagNames, out var bagValues))
            {
                description = new RecordDescription(bagTypeNames, bagNames, bagValues, true);
                return true;
            }

            var names = new List<string>();
            var values = new List<object>();
            ReadProperties(pso, names, values);

            var typeNames = new List<string>(pso.TypeNames);
            if (typeNames.Count == 0) typeNames.Add(value.GetType().FullName);
            description = new RecordDescription(typeNames, names, values, isPropertyBag);
            return true;
        }

        private static void ReadProperties(PSObject pso, List<string> names, List<object> values)
        {
            foreach (var property in pso.Properties)
            {
                if (!property.IsGettable) continue;
                object propertyValue;
                try
                {
                    propertyValue = property.Value;
                }
                catch (PipelineStoppedException)
                {
                    throw;
                }
                catch (Exception)
                {
                    // Export-Clixml skips a property whose getter throws; so do we.
                    continue;
                }
                names.Add(property.Name);
                values.Add(propertyValue);
            }
        }

        public override void CheckAllowed(object value)
        {
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is PSCredential || value is SecureString)
                throw new AncientUnsupportedTypeException(
                    $"a {value.GetType().Name} is a secret, and a heap file is readable by anyone who can read the file. Store a reference to the secret (for example a SecretManagement vault name) instead.",
                    value.GetType());
        }
    }
}
