using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>
    /// Shows a stored record to PowerShell as ordinary properties, in their stored order, each read lazily from the mapping.
    /// Registered for <see cref="AncientRecordHandle"/> in AncientPS.Types.ps1xml, like PowerShell's own DataRow and XmlNode adapters.
    /// </summary>
    public sealed class AncientRecordAdapter : PSPropertyAdapter
    {
        private const string HandleTypeName = "AncientPS.AncientRecordHandle";

        public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
        {
            var record = RecordOf(baseObject);
            var names = record.Names;
            var properties = new Collection<PSAdaptedProperty>();
            for (int i = 0; i < names.Count; i++) properties.Add(new PSAdaptedProperty(names[i], i));
            return properties;
        }

        public override PSAdaptedProperty GetProperty(object baseObject, string propertyName)
        {
            var record = RecordOf(baseObject);
            int index = record.IndexOf(propertyName);
            if (index < 0)
            {
                // PowerShell names are case-insensitive whatever the engine's lookup is.
                var names = record.Names;
                for (int i = 0; i < names.Count && index < 0; i++)
                    if (string.Equals(names[i], propertyName, StringComparison.OrdinalIgnoreCase)) index = i;
            }
            return index < 0 ? null : new PSAdaptedProperty(record.Names[index], index);
        }

        public override object GetPropertyValue(PSAdaptedProperty adaptedProperty)
            => RecordOf(adaptedProperty.BaseObject).GetValue((int)adaptedProperty.Tag);

        public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty)
        {
            var value = GetPropertyValue(adaptedProperty);
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is AncientRecordHandle handle)
            {
                var typeNames = handle.Stored.TypeNames;
                return typeNames.Count > 0 ? typeNames[0] : typeof(PSObject).FullName;
            }
            return value?.GetType().FullName ?? typeof(object).FullName;
        }

        public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

        public override bool IsSettable(PSAdaptedProperty adaptedProperty) => false;

        public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value)
            // ThirdPartyAdapter replaces any other exception with a generic "cannot set" message; SetValueException passes through.
            => throw new SetValueException(
                $"'{adaptedProperty.Name}' cannot be changed: values read from a heap are read-only. Use Get-AncientObject -Materialize for a copy you can change, then store it again with Set-AncientObject.");

        /// <summary>The stored type names come first, so the user's format views and type data for the original type apply.</summary>
        public override Collection<string> GetTypeNameHierarchy(object baseObject)
        {
            var handle = (baseObject as PSObject)?.BaseObject as AncientRecordHandle ?? baseObject as AncientRecordHandle;
            if (handle != null && handle.Heap.IsDisposed)
            {
                // Formatting asks for type names first; answer without touching the unmapped heap, so that the property
                // read that follows reports the dismount clearly.
                return new Collection<string> { HandleTypeName, "System.Object" };
            }
            // PowerShell asks once for every object it wraps (each row in a pipeline): build the list once per stored
            // shape. PowerShell copies what it is given, so handing out one list is safe.
            var stored = RecordOf(baseObject).TypeNames;
            if (_hierarchies.TryGet(stored, out var known)) return known;
            var result = new Collection<string>();
            foreach (var name in stored)
            {
                if (name == "System.Object") continue;
                result.Add(name);
            }
            result.Add(HandleTypeName);
            result.Add("System.Object");
            _hierarchies.Add(stored, result);
            return result;
        }

        // One adapter serves every runspace.
        private readonly PerShapeMemo<Collection<string>> _hierarchies = new PerShapeMemo<Collection<string>>(16);

        private static StoredRecord RecordOf(object baseObject)
        {
            if (baseObject is PSObject pso) baseObject = pso.BaseObject;
            var record = ((AncientRecordHandle)baseObject).Stored;
            // PowerShell swallows exceptions thrown while a property value is read ($row.Name just gives $null), but not
            // those thrown while the property is looked up; check here so a dismounted heap gives a clear error.
            if (record.Heap.IsDisposed)
                throw new ObjectDisposedException(nameof(AncientHeap), "The heap this value was read from has been dismounted. Mount it again and read the value again.");
            return record;
        }
    }
}
