using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace AncientPS.Projection
{
    /// <summary>
    /// The properties PowerShell's type data gives a .NET object but hides from <c>PSObject.Properties</c> (FileInfo's
    /// NameString, LengthString and LastWriteTimeString, which the file table and list views show; CommandInfo's
    /// Namespace). Export-Clixml writes them, so Import-Clixml's objects have them, and so must a stored copy: without them
    /// a stored file's Name and Length columns come out empty.
    ///
    /// The names come from <c>Get-TypeData</c> for the object's type names (the only public way to them: hidden members
    /// are not enumerable), once per list of type names and runspace; their values from <c>PSObject.Properties[name]</c>,
    /// which finds a hidden member by name. Each goes where the serializer puts it: after the type-data members of the
    /// base types before it, and before the object's adapted .NET properties.
    /// </summary>
    internal static class HiddenTypeMembers
    {
        /// <summary>The type-data property names of one list of type names, base type first, and which of them are hidden.</summary>
        private sealed class Layout
        {
            public static readonly Layout None = new Layout { Order = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase), Names = Array.Empty<string>() };
            public Dictionary<string, int> Order; // name -> position among the type-data properties
            public string[] Names;                // in that order
        }

        private static readonly ConcurrentDictionary<string, Layout> s_layouts = new ConcurrentDictionary<string, Layout>(StringComparer.Ordinal);

        /// <summary>
        /// Adds the object's hidden type-data properties to <paramref name="names"/> and <paramref name="values"/> (its
        /// visible properties, in PSObject.Properties order; <paramref name="adapted"/> says which are .NET properties,
        /// <paramref name="instance"/> which are the instance's own members: a hidden member is neither).
        /// </summary>
        public static void Add(PSObject pso, List<string> names, List<object> values, List<bool> adapted, List<bool> instance)
        {
            var layout = LayoutOf(pso);
            if (layout.Names.Length == 0) return;
            HashSet<string> visible = null;
            foreach (var name in layout.Names)
            {
                if (visible == null) visible = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
                if (visible.Contains(name)) continue;
                if (!TryRead(pso, name, out object value)) continue;
                int at = InsertionPoint(layout, layout.Order[name], names, adapted);
                names.Insert(at, name);
                values.Insert(at, value);
                adapted.Insert(at, false);
                instance.Insert(at, false);
                visible.Add(name);
            }
        }

        /// <summary>The type-data property names of the object's type names, base type first (hidden or not).</summary>
        internal static string[] NamesOf(PSObject pso) => LayoutOf(pso).Names;

        /// <summary>A .NET type's public properties, in the adapter's order, and which of them are hidden.</summary>
        private sealed class HiddenAdapted
        {
            public static readonly HiddenAdapted None = new HiddenAdapted { Order = new Dictionary<string, int>(), Names = Array.Empty<string>() };
            public Dictionary<string, int> Order; // every public instance property's position (first of a name)
            public string[] Names;                // the hidden ones, in that order
        }

        private static readonly ConcurrentDictionary<Type, HiddenAdapted> s_hiddenAdapted = new ConcurrentDictionary<Type, HiddenAdapted>();

        /// <summary>
        /// Adds the object's .NET properties marked hidden (a PowerShell class's <c>hidden</c> properties, any type's
        /// <c>[Hidden()]</c> ones) to <paramref name="names"/> and the other lists, as adapted properties in the type's
        /// order: PSObject.Properties leaves them out, but Export-Clixml writes them with the others, so Import-Clixml's
        /// copy has them, and ConvertTo-Json of the original writes them.
        /// </summary>
        public static void AddHiddenAdapted(PSObject pso, List<string> names, List<object> values, List<bool> adapted, List<bool> instance)
        {
            var hidden = HiddenAdaptedOf(pso.BaseObject.GetType());
            foreach (var name in hidden.Names)
            {
                if (names.Contains(name)) continue;
                if (!TryRead(pso, name, out object value)) continue;
                int position = hidden.Order[name];
                int at = names.Count;
                for (int i = 0; i < names.Count; i++)
                {
                    if (adapted[i] && hidden.Order.TryGetValue(names[i], out int other) && other > position) { at = i; break; }
                }
                names.Insert(at, name);
                values.Insert(at, value);
                adapted.Insert(at, true);
                instance.Insert(at, false);
            }
        }

        /// <summary>The names <see cref="AddHiddenAdapted"/> adds for objects of <paramref name="type"/>.</summary>
        internal static string[] HiddenAdaptedNamesOf(Type type) => HiddenAdaptedOf(type).Names;

        private static HiddenAdapted HiddenAdaptedOf(Type type) => s_hiddenAdapted.GetOrAdd(type, ReadHiddenAdapted);

        private static HiddenAdapted ReadHiddenAdapted(Type type)
        {
            System.Reflection.PropertyInfo[] properties;
            try { properties = type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance); }
            catch (Exception) { return HiddenAdapted.None; }
            var order = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var hidden = new List<string>();
            foreach (var property in properties)
            {
                if (order.ContainsKey(property.Name) || property.GetIndexParameters().Length > 0) continue;
                order[property.Name] = order.Count;
                bool isHidden;
                try { isHidden = property.IsDefined(typeof(HiddenAttribute), true) && property.GetGetMethod() != null; }
                catch (Exception) { isHidden = false; }
                if (isHidden) hidden.Add(property.Name);
            }
            return hidden.Count == 0 ? HiddenAdapted.None : new HiddenAdapted { Order = order, Names = hidden.ToArray() };
        }

        // A member by name (PSObject.Properties finds hidden ones so), read as the full way reads it: false when it
        // cannot be read (left out, as Export-Clixml leaves out a property whose getter throws).
        private static bool TryRead(PSObject pso, string name, out object value)
        {
            value = null;
            long started = 0;
            try
            {
                var property = pso.Properties[name];
                if (property == null || !property.IsGettable) return false;
                started = GetterClock.Start();
                value = property.Value;
                return true;
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception)
            {
                return false;
            }
            finally
            {
                GetterClock.Stop(started);
            }
        }

        /// <summary>Before the first property that is a later type-data member or an adapted .NET property; else at the end.</summary>
        private static int InsertionPoint(Layout layout, int position, List<string> names, List<bool> adapted)
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (adapted[i]) return i;
                if (layout.Order.TryGetValue(names[i], out int other) && other > position) return i;
            }
            return names.Count;
        }

        private static Layout LayoutOf(PSObject pso)
        {
            var typeNames = pso.TypeNames;
            if (typeNames.Count == 0) return Layout.None;
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null) return Layout.None;
            string key = runspace.InstanceId.ToString("N") + "|" + string.Join("|", typeNames);
            if (s_layouts.TryGetValue(key, out var layout)) return layout;
            // When Get-TypeData cannot run here, the object is stored as PSObject.Properties shows it.
            return s_layouts.GetOrAdd(key, Read(typeNames) ?? Layout.None);
        }

        /// <summary>Get-TypeData for every type name, base type first; null when it cannot run here.</summary>
        private static Layout Read(IList<string> typeNames)
        {
            var patterns = new string[typeNames.Count];
            for (int i = 0; i < patterns.Length; i++) patterns[i] = WildcardPattern.Escape(typeNames[i]);
            var byType = new Dictionary<string, TypeData>(StringComparer.OrdinalIgnoreCase);
            try
            {
                using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
                {
                    ps.AddCommand("Microsoft.PowerShell.Utility\\Get-TypeData").AddParameter("TypeName", patterns);
                    foreach (var result in ps.Invoke())
                        if (result?.BaseObject is TypeData data) byType[data.TypeName] = data;
                }
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                return null;
            }

            var order = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var ordered = new List<string>();
            for (int t = typeNames.Count - 1; t >= 0; t--)
            {
                if (!byType.TryGetValue(typeNames[t], out var data)) continue;
                foreach (var member in data.Members.Values)
                {
                    bool isProperty = member is NotePropertyData || member is AliasPropertyData || member is ScriptPropertyData || member is CodePropertyData;
                    if (!isProperty || order.ContainsKey(member.Name)) continue;
                    order[member.Name] = ordered.Count;
                    ordered.Add(member.Name);
                }
            }
            return ordered.Count == 0 ? Layout.None : new Layout { Order = order, Names = ordered.ToArray() };
        }
    }
}
