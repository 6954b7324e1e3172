using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Reflection;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Shows a stored dictionary to PowerShell as the dictionary it was stored from: its type names (so Clixml, Get-Member
    /// and formatting name System.Collections.Hashtable, not the engine's view class) and that type's properties (Count,
    /// Keys, Values...), and not its keys, as PowerShell adapts a hashtable. PowerShell
    /// still lists the view's own public members after them. Registered for a bare AncientDictionary in AncientPS.Types.ps1xml
    /// (PowerShell is given the module's dictionary classes, whose own members are the original's, and which PowerShell's
    /// .NET adapter shows); not for lists, since PowerShell resolves method calls on an adapted collection against its
    /// elements. Its <see cref="StandInFor"/> names a stored list's or dictionary's original type for note properties, and
    /// <see cref="TypeNamesOf"/> gives the original type's names to <see cref="OriginalTypeNames"/>.
    /// </summary>
    public sealed class StoredCollectionAdapter : PSPropertyAdapter
    {
        private static readonly ConcurrentDictionary<string, Original> s_originals = new ConcurrentDictionary<string, Original>(StringComparer.Ordinal);

        /// <summary>What PowerShell shows of the original type: its type names and public instance properties.</summary>
        private sealed class Original
        {
            public Collection<string> TypeNames;
            public string[] Properties;
            public string[] PropertyTypes; // the declared type of each property, as PowerShell names an adapted property's type
        }

        public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
        {
            var original = OriginalOf(baseObject);
            var result = new Collection<PSAdaptedProperty>();
            foreach (var name in original.Properties) result.Add(new PSAdaptedProperty(name, null));
            return result;
        }

        /// <summary>
        /// One property by name: only the original type's, as a hashtable's <c>PSObject.Properties['web01']</c> is $null.
        /// <c>$dictionary.web01</c> still reads the key first: PowerShell's binder asks the dictionary itself before its
        /// adapter, for the original as for the stored copy.
        /// </summary>
        public override PSAdaptedProperty GetProperty(object baseObject, string propertyName)
        {
            foreach (var name in OriginalOf(baseObject).Properties)
                if (string.Equals(name, propertyName, StringComparison.OrdinalIgnoreCase)) return new PSAdaptedProperty(name, null);
            return null;
        }

        public override object GetPropertyValue(PSAdaptedProperty adaptedProperty)
        {
            object view = Unwrap(adaptedProperty.BaseObject);
            var dictionary = (IDictionary)view;
            // SyncRoot: the object PowerShell was given (a stored hashtable's own), as a Hashtable's is itself.
            switch (adaptedProperty.Name)
            {
                case "Count": return dictionary.Count;
                case "Keys": return dictionary.Keys;
                case "Values": return dictionary.Values;
                case "SyncRoot": return view;
                // The original's values: a Hashtable or OrderedDictionary is neither read-only, fixed-size nor synchronized.
                case "IsReadOnly":
                case "IsFixedSize":
                case "IsSynchronized":
                    return false;
                default: return null;
            }
        }

        public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty)
        {
            var original = OriginalOf(adaptedProperty.BaseObject);
            int i = Array.IndexOf(original.Properties, adaptedProperty.Name);
            if (i >= 0) return original.PropertyTypes[i];
            return GetPropertyValue(adaptedProperty)?.GetType().FullName ?? typeof(object).FullName;
        }

        public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

        public override bool IsSettable(PSAdaptedProperty adaptedProperty) => false;

        public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value)
            => throw new SetValueException(ReadOnly.PropertyMessage(adaptedProperty.Name));

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
            value = StoredDictionary.ViewOf(OriginalTypeNames.CollectionOf(value) ?? value);
            string name = value is AncientList list ? AncientValue.Describe(list).TypeName : value is AncientDictionary dictionary ? AncientValue.Describe(dictionary).TypeName : null;
            if (name == null) return value;
            var standIn = s_standIns.GetOrAdd(name, n =>
            {
                var type = Resolve(n);
                try
                {
                    // A type a heap file names is made only when it is one of .NET's own collections: a hostile file
                    // must not get the constructor of any other loaded type run.
                    if (type == null || !typeof(IEnumerable).IsAssignableFrom(type) || !FrameworkTypes.Contains(type)) return null;
                    if (type.IsArray) return Array.CreateInstance(type.GetElementType(), 0);
                    return type.GetConstructor(Type.EmptyTypes) != null ? Activator.CreateInstance(type) : null;
                }
                catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is MemberAccessException || e is TargetInvocationException) { return null; }
            });
            return standIn ?? value;
        }

        /// <summary>The type names of the collection type a view was stored from: its .NET hierarchy where this process has the type.</summary>
        internal static Collection<string> TypeNamesOf(string storedName) => s_originals.GetOrAdd(storedName, Describe).TypeNames;

        private static Original OriginalOf(object baseObject)
        {
            object view = StoredDictionary.ViewOf(Unwrap(baseObject));
            string stored = view is AncientDictionary dictionary ? AncientValue.Describe(dictionary).TypeName : view.GetType().FullName;
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
                original.PropertyTypes = new[] { typeof(int).FullName };
                return original;
            }
            for (var t = type; t != null; t = t.BaseType) original.TypeNames.Add(t.FullName);
            var names = new List<string>();
            var types = new List<string>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || names.Contains(property.Name)) continue;
                names.Add(property.Name);
                types.Add(property.PropertyType.FullName ?? property.PropertyType.Name);
            }
            // Then, as PowerShell lists them, the properties of the interfaces the type implements explicitly
            // (OrderedDictionary's IsFixedSize, SyncRoot and IsSynchronized), in the order of its interfaces.
            foreach (var face in type.GetInterfaces())
            {
                foreach (var property in face.GetProperties())
                {
                    if (property.GetIndexParameters().Length > 0 || names.Contains(property.Name)) continue;
                    names.Add(property.Name);
                    types.Add(property.PropertyType.FullName ?? property.PropertyType.Name);
                }
            }
            original.Properties = names.ToArray();
            original.PropertyTypes = types.ToArray();
            return original;
        }

        /// <summary>The stored collection's .NET type where this process has it loaded: System.Object[], List`1[System.Int32]...</summary>
        internal static Type Resolve(string name) => LoadedTypes.Resolve(name);
    }
}
