using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Reflection;
using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>
    /// Shows a stored list or dictionary to PowerShell as the collection it was stored from: its type names (so Clixml,
    /// Get-Member and formatting name System.Object[] or System.Collections.Hashtable, not the engine's view class) and
    /// the properties that type has (Length, Count, Rank, Keys, Values...), with the stored collection's values. The view
    /// classes' own members (Heap, Key, Offset...) stay out of sight. Registered for both views in AncientPS.Types.ps1xml.
    /// </summary>
    public sealed class StoredCollectionAdapter : PSPropertyAdapter
    {
        private static readonly ConcurrentDictionary<string, Original> s_originals = new ConcurrentDictionary<string, Original>(StringComparer.Ordinal);

        /// <summary>What PowerShell shows of the original type: its type names and public instance properties.</summary>
        private sealed class Original
        {
            public Collection<string> TypeNames;
            public string[] Properties;
        }

        public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
        {
            var original = OriginalOf(baseObject);
            var result = new Collection<PSAdaptedProperty>();
            foreach (var name in original.Properties) result.Add(new PSAdaptedProperty(name, null));
            return result;
        }

        // Tags of the properties that are not the original type's own.
        private static readonly object s_dictionaryKey = new object();
        private static readonly object s_memberEnumeration = new object();

        /// <summary>
        /// One property by name: a dictionary's key first, as PowerShell reads <c>$hashtable.web01</c>; then the original
        /// type's property; for a list, any other name reads the elements' properties, as PowerShell's member enumeration
        /// (<c>$rows.Name</c>) does for an array.
        /// </summary>
        public override PSAdaptedProperty GetProperty(object baseObject, string propertyName)
        {
            object view = Unwrap(baseObject);
            if (view is AncientDictionary dictionary && dictionary.Contains(propertyName))
                return new PSAdaptedProperty(propertyName, s_dictionaryKey);
            foreach (var name in OriginalOf(baseObject).Properties)
                if (string.Equals(name, propertyName, StringComparison.OrdinalIgnoreCase)) return new PSAdaptedProperty(name, null);
            if (view is AncientList) return new PSAdaptedProperty(propertyName, s_memberEnumeration);
            return null;
        }

        /// <summary>PowerShell's member enumeration: each element's value of the property, one level of collections flattened.</summary>
        private static object EnumerateMember(AncientList list, string name)
        {
            var values = new List<object>();
            foreach (var element in list)
            {
                if (element == null) continue;
                var property = PSObject.AsPSObject(element).Properties[name];
                if (property == null) continue;
                object value = property.Value;
                object bare = value is PSObject pso ? pso.BaseObject : value;
                if (bare is IEnumerable items && !(bare is string) && !(bare is IDictionary))
                {
                    foreach (var item in items) values.Add(item);
                }
                else values.Add(value);
            }
            if (values.Count == 0) return null;
            return values.Count == 1 ? values[0] : values.ToArray();
        }

        public override object GetPropertyValue(PSAdaptedProperty adaptedProperty)
        {
            object view = Unwrap(adaptedProperty.BaseObject);
            if (ReferenceEquals(adaptedProperty.Tag, s_dictionaryKey)) return ((IDictionary)view)[adaptedProperty.Name];
            if (ReferenceEquals(adaptedProperty.Tag, s_memberEnumeration)) return EnumerateMember((AncientList)view, adaptedProperty.Name);
            var collection = (ICollection)view;
            switch (adaptedProperty.Name)
            {
                case "Count":
                case "Length":
                case "Capacity":
                    return collection.Count;
                case "LongLength": return (long)collection.Count;
                case "Rank": return 1;
                case "SyncRoot": return view;
                case "IsSynchronized": return false;
                case "IsReadOnly": return false;
                case "IsFixedSize": return view is AncientList list && list.CollectionTypeName.EndsWith("]", StringComparison.Ordinal) && !list.CollectionTypeName.Contains("`");
                case "Keys": return (view as IDictionary)?.Keys;
                case "Values": return (view as IDictionary)?.Values;
                default: return null;
            }
        }

        public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty)
            => GetPropertyValue(adaptedProperty)?.GetType().FullName ?? typeof(object).FullName;

        public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

        public override bool IsSettable(PSAdaptedProperty adaptedProperty) => false;

        public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value)
            => throw new SetValueException($"'{adaptedProperty.Name}' cannot be changed: " + ReadOnly.Advice.Substring(0, 1).ToLowerInvariant() + ReadOnly.Advice.Substring(1));

        public override Collection<string> GetTypeNameHierarchy(object baseObject) => OriginalOf(baseObject).TypeNames;

        private static object Unwrap(object value) => value is PSObject pso ? pso.BaseObject : value;

        private static readonly ConcurrentDictionary<string, object> s_standIns = new ConcurrentDictionary<string, object>(StringComparer.Ordinal);

        /// <summary>
        /// An empty instance of the collection type a view was stored from (an empty object[] for a stored array), for
        /// PowerShell to name the type as it names the original's (Get-Member's "Object[] Tags=..."); the view itself
        /// where the type cannot be made here.
        /// </summary>
        internal static object StandInFor(object value)
        {
            string name = value is AncientList list ? list.CollectionTypeName : value is AncientDictionary dictionary ? dictionary.DictionaryTypeName : null;
            if (name == null) return value;
            var standIn = s_standIns.GetOrAdd(name, n =>
            {
                var type = Resolve(n);
                try
                {
                    if (type == null) return null;
                    if (type.IsArray) return Array.CreateInstance(type.GetElementType(), 0);
                    return type.GetConstructor(Type.EmptyTypes) != null ? Activator.CreateInstance(type) : null;
                }
                catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is MemberAccessException || e is TargetInvocationException) { return null; }
            });
            return standIn ?? value;
        }

        private static Original OriginalOf(object baseObject)
        {
            object view = Unwrap(baseObject);
            string stored = view is AncientList list ? list.CollectionTypeName
                : view is AncientDictionary dictionary ? dictionary.DictionaryTypeName
                : view.GetType().FullName;
            return s_originals.GetOrAdd(stored, Describe);
        }

        private static Original Describe(string storedName)
        {
            var type = Resolve(storedName);
            var original = new Original { TypeNames = new Collection<string>() };
            if (type == null)
            {
                original.TypeNames.Add(storedName);
                original.TypeNames.Add("System.Object");
                original.Properties = new[] { "Count" };
                return original;
            }
            for (var t = type; t != null; t = t.BaseType) original.TypeNames.Add(t.FullName);
            var names = new List<string>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || names.Contains(property.Name)) continue;
                names.Add(property.Name);
            }
            // PowerShell also shows ICollection.Count, which arrays implement explicitly.
            if (typeof(ICollection).IsAssignableFrom(type) && !names.Contains("Count")) names.Add("Count");
            original.Properties = names.ToArray();
            return original;
        }

        /// <summary>The stored collection's .NET type where this process can load it: System.Object[], List`1[System.Int32]...</summary>
        internal static Type Resolve(string name)
        {
            try
            {
                var type = Type.GetType(name, false);
                if (type != null) return type;
                foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
                {
                    type = assembly.GetType(name, false);
                    if (type != null) return type;
                }
            }
            catch (Exception e) when (e is ArgumentException || e is System.IO.IOException || e is TypeLoadException || e is BadImageFormatException) { }
            return null;
        }
    }
}
