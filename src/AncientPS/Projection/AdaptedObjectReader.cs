using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace AncientPS.Projection
{
    /// <summary>
    /// Reads the PowerShell properties of a live .NET object (a FileInfo, a Process, a CommandInfo ...) without enumerating
    /// PSObject.Properties for each object. That enumeration merges the object's own members, its type-table members and
    /// its adapter's members into new collections, and builds the reserved member sets, for every object: in a profile of
    /// Set over Get-ChildItem it was a quarter of Set's time, more than Set's own work.
    ///
    /// The first object of a layout (its .NET type, its type-name list, and the names of its own note properties) is read
    /// the full way, and that enumeration is kept as the layout's plan: each property in PSObject.Properties' order, read
    /// for later objects of the layout as PowerShell would read it:
    /// - the object's own note properties straight from its member table (as <see cref="PropertyBagReader"/> does);
    /// - a .NET property of the plain .NET adapter through a getter compiled once from its PropertyInfo (what the adapter
    ///   itself calls);
    /// - a code property through its getter method, compiled once, given the object's wrapper (as PSCodeProperty does);
    /// - an alias of one of those through the member it names;
    /// - anything else (script properties, type-table notes, aliases with a conversion, and the type-data members
    ///   PowerShell hides from PSObject.Properties but the serializer writes, <see cref="HiddenTypeMembers"/>) through
    ///   PSObject.Properties[name], a lookup of that one member.
    /// A layout with a property of its own that is not a note property, or members from an adapter other than the plain
    /// .NET one (XML nodes, data rows, WMI, COM, a type adapter), is always read the full way: such members can differ
    /// from object to object. Each getter runs once per object, as on the full way; a getter that throws leaves its
    /// property out, as the full way and Export-Clixml do.
    /// Reading an object's own members uses PowerShell internals (<see cref="PropertyBagReader.TryGetInternals"/>);
    /// without them, or with <see cref="PropertyBagReader.UseInternalMembers"/> off, every object goes the full way.
    /// One reader serves one Set: type data changed between two Sets is read anew.
    /// </summary>
    internal sealed class AdaptedObjectReader
    {
        private enum Kind : byte
        {
            DotNet,
            Code,
            Lookup,
        }

        private sealed class Member
        {
            public string Name;
            public Kind Kind;
            public PropertyInfo Property;      // Kind.DotNet: compiled into DotNet when a second object needs it
            public MethodInfo Getter;          // Kind.Code: compiled into Code likewise
            public Func<object, object> DotNet;
            public Func<PSObject, object> Code;
            public bool IsInstance;
        }

        // Compiled getters, shared by every Set of the process: compiling one costs about as much as reading a few
        // hundred values through it, and the same types come back Set after Set.
        private static readonly ConcurrentDictionary<PropertyInfo, Func<object, object>> s_propertyGetters = new ConcurrentDictionary<PropertyInfo, Func<object, object>>();
        private static readonly ConcurrentDictionary<MethodInfo, Func<PSObject, object>> s_codeGetters = new ConcurrentDictionary<MethodInfo, Func<PSObject, object>>();

        private sealed class Plan
        {
            public Type Type;
            public string[] SourceTypeNames;   // the object's own type-name list, as read
            public string[] TypeNames;         // as stored (the type's name when the list is empty)
            public string[] InstanceNames;     // the object's own note properties, in order
            public Member[] Tail;              // the rest of PSObject.Properties; null: this layout goes the full way
            public string[] Names;             // InstanceNames, then the tail's names
            public bool[] InstanceFlags;       // per name: an own member of the object (stored at the object's depth)
            public bool[] AdaptedFlags;        // per name: an adapted property (the adapter's, Export-Clixml's Props)
            public bool Prepared;              // the tail's getters are compiled (at the layout's second object)
        }

        private static readonly BindingFlags PropertyFlags = BindingFlags.Instance | BindingFlags.Public;

        // Types PowerShell adapts with an adapter of their own (members per instance), by name: the module references none of them.
        private static readonly string[] s_ownAdapterTypes =
        {
            "System.Xml.XmlNode", "System.Data.DataRow", "System.Data.DataRowView", "System.Management.ManagementBaseObject",
            "System.DirectoryServices.DirectoryEntry", "Microsoft.Management.Infrastructure.CimInstance",
        };

        private readonly Dictionary<string, Plan> _plans = new Dictionary<string, Plan>(StringComparer.Ordinal);
        private readonly Dictionary<Type, bool> _plainTypes = new Dictionary<Type, bool>();
        private readonly List<string> _instanceNames = new List<string>();
        private readonly List<object> _instanceValues = new List<object>();
        private Plan _last;
        private Collection<string> _lastSource;

        /// <summary>How many objects were read by a layout's plan (not the full way): the tests check that it is taken.</summary>
        internal int PlannedReads { get; private set; }

        /// <summary>
        /// Reads the gettable properties of <paramref name="pso"/> (the wrapper of the live object <paramref name="baseObject"/>)
        /// as ReadProperties' full way would: names, values, which are the object's own members, which are adapted
        /// properties, and its type names. False: the caller takes the full way.
        /// </summary>
        public bool TryRead(PSObject pso, object baseObject, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names,
            out IReadOnlyList<object> values, out IReadOnlyList<bool> instance, out IReadOnlyList<bool> adapted)
        {
            typeNames = null;
            names = null;
            values = null;
            instance = null;
            adapted = null;
            if (baseObject == null || baseObject is PSObject || !PropertyBagReader.TryGetInternals(pso, out var members, out var source)) return false;
            if (!ReadInstanceNotes(members)) return false;
            var type = baseObject.GetType();
            var plan = Find(type, source);
            if (plan == null)
            {
                plan = Learn(pso, type, source, out names, out values, out instance, out adapted);
                typeNames = plan.TypeNames;
                return true; // read the full way, as the plan's first object
            }
            if (plan.Tail == null) return false;
            Read(pso, baseObject, plan, out names, out values, out instance, out adapted);
            PlannedReads++;
            typeNames = plan.TypeNames;
            return true;
        }

        /// <summary>
        /// True for a property of the object's own (a note, or a script or alias property added to the instance), as
        /// <c>PSObject.Properties</c> lists it: an adapted .NET property says <c>IsInstance</c> too, and is not one.
        /// </summary>
        internal static bool IsOwnProperty(PSPropertyInfo property) => property.IsInstance && !(property is PSProperty);

        /// <summary>
        /// The note properties of <paramref name="pso"/>'s own member table, in order, added to <paramref name="names"/> and
        /// <paramref name="values"/>; false (and possibly some added) where PowerShell's internals are not used or the
        /// object has an own member of another kind: the caller then enumerates PSObject.Properties.
        /// </summary>
        internal static bool TryReadInstanceNotes(PSObject pso, List<string> names, List<object> values)
        {
            if (!PropertyBagReader.TryGetInternals(pso, out var members, out _)) return false;
            return members == null || ReadNotes(members, names, values);
        }

        /// <summary>The object's own note properties into _instanceNames/_instanceValues; false when it has any other kind of property.</summary>
        private bool ReadInstanceNotes(OrderedDictionary members)
        {
            _instanceNames.Clear();
            _instanceValues.Clear();
            return ReadNotes(members, _instanceNames, _instanceValues);
        }

        // The note properties of a member table, in order; false at the first own member of another kind.
        private static bool ReadNotes(OrderedDictionary members, List<string> names, List<object> values)
        {
            int n = members.Count;
            for (int i = 0; i < n; i++)
            {
                object member = members[i];
                int kind = PropertyBagReader.ClassifyInstanceMember(member);
                if (kind == 0) continue;
                if (kind < 0) return false;
                var note = (PSNoteProperty)member;
                names.Add(note.Name);
                values.Add(note.Value);
            }
            return true;
        }

        private Plan Find(Type type, Collection<string> source)
        {
            var last = _last;
            if (last != null && last.Type == type && (ReferenceEquals(source, _lastSource) || SameList(source, last.SourceTypeNames))
                && SameList(_instanceNames, last.InstanceNames))
            {
                _lastSource = source;
                return last;
            }
            if (!_plans.TryGetValue(KeyOf(type, source, _instanceNames), out var plan)) return null;
            _last = plan;
            _lastSource = source;
            return plan;
        }

        private static bool SameList(IList<string> a, string[] b)
        {
            if (a.Count != b.Length) return false;
            for (int i = 0; i < b.Length; i++)
                if (!string.Equals(a[i], b[i], StringComparison.Ordinal)) return false;
            return true;
        }

        private static string KeyOf(Type type, IList<string> typeNames, IList<string> instanceNames)
            => type.AssemblyQualifiedName + "\n" + string.Join("\n", typeNames) + "\n\0" + string.Join("\n", instanceNames);

        /// <summary>Reads the first object of a layout the full way, and makes the layout's plan from what it met.</summary>
        private Plan Learn(PSObject pso, Type type, Collection<string> source, out IReadOnlyList<string> names, out IReadOnlyList<object> values,
            out IReadOnlyList<bool> instance, out IReadOnlyList<bool> adapted)
        {
            var sourceNames = new string[source.Count];
            source.CopyTo(sourceNames, 0);
            var plan = new Plan
            {
                Type = type,
                SourceTypeNames = sourceNames,
                InstanceNames = _instanceNames.ToArray(),
            };
            var typeNameList = new List<string>(pso.TypeNames);
            if (typeNameList.Count == 0) typeNameList.Add(type.FullName);
            plan.TypeNames = typeNameList.ToArray();

            // The full way, as PowerShellObjectConverter reads an object: every gettable property (one whose getter throws
            // is kept here, marked, so the plan has it for the next objects), then the hidden type-data members.
            var allNames = new List<string>();
            var allValues = new List<object>();
            var allInstance = new List<bool>();
            var allAdapted = new List<bool>();
            var properties = new Dictionary<string, PSPropertyInfo>(StringComparer.OrdinalIgnoreCase);
            HashSet<string> failed = null;
            bool usable = IsPlainlyAdapted(type);
            var primary = usable ? null : PrimaryAdapterProperties(pso, type);
            int position = 0;
            foreach (var property in pso.Properties)
            {
                if (!property.IsGettable) continue;
                // A data row's .NET properties (RowState, Table...) beside its columns: Export-Clixml writes the columns.
                if (primary != null && property is PSProperty && !primary.Contains(property.Name)) continue;
                bool isInstance = IsOwnProperty(property);
                if (position < plan.InstanceNames.Length)
                {
                    // The object's own note properties come first, in the order of its member table.
                    if (!(property is PSNoteProperty) || !isInstance || !string.Equals(property.Name, plan.InstanceNames[position], StringComparison.Ordinal))
                        usable = false;
                }
                else if (property is PSAdaptedProperty)
                {
                    usable = false;
                }
                position++;
                if (properties.ContainsKey(property.Name)) usable = false;
                properties[property.Name] = property;
                if (!ReadValue(property, out object value)) (failed ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(property.Name);
                allNames.Add(property.Name);
                allValues.Add(value);
                allInstance.Add(isInstance);
                allAdapted.Add(property is PSProperty);
            }
            if (position < plan.InstanceNames.Length) usable = false;
            HiddenTypeMembers.Add(pso, allNames, allValues, allAdapted, allInstance);
            HiddenTypeMembers.AddHiddenAdapted(pso, allNames, allValues, allAdapted, allInstance);
            for (int i = 0; i < plan.InstanceNames.Length && usable; i++)
                if (!string.Equals(allNames[i], plan.InstanceNames[i], StringComparison.Ordinal)) usable = false;

            var tail = new List<Member>();
            var tailProperties = new List<PSPropertyInfo>();
            if (usable)
            {
                var present = new HashSet<string>(allNames, StringComparer.OrdinalIgnoreCase);
                var hiddenNames = new List<string>(HiddenTypeMembers.NamesOf(pso));
                hiddenNames.AddRange(HiddenTypeMembers.HiddenAdaptedNamesOf(type));
                foreach (var hidden in hiddenNames)
                {
                    if (present.Contains(hidden)) continue;
                    // Left out of this object although it can be read: its getter threw here, and the plan cannot know
                    // whether it would for the next object.
                    var property = pso.Properties[hidden];
                    if (property != null && property.IsGettable) usable = false;
                }
                for (int i = plan.InstanceNames.Length; i < allNames.Count && usable; i++)
                {
                    if (!properties.TryGetValue(allNames[i], out var property)) property = pso.Properties[allNames[i]]; // a hidden type-data member or .NET property
                    if (property == null) { usable = false; break; }
                    tail.Add(new Member { Name = allNames[i], IsInstance = allInstance[i] });
                    tailProperties.Add(property);
                }
            }

            var nameList = new List<string>(allNames.Count);
            var valueList = new List<object>(allNames.Count);
            var instanceList = new List<bool>(allNames.Count);
            var adaptedList = new List<bool>(allNames.Count);
            for (int i = 0; i < allNames.Count; i++)
            {
                if (failed != null && failed.Contains(allNames[i])) continue;
                nameList.Add(allNames[i]);
                valueList.Add(allValues[i]);
                instanceList.Add(allInstance[i]);
                adaptedList.Add(allAdapted[i]);
            }
            names = nameList;
            values = valueList;
            instance = instanceList;
            adapted = adaptedList;

            if (usable)
            {
                for (int i = 0; i < tail.Count; i++) Choose(tail[i], tailProperties[i], type);
                for (int i = 0; i < tail.Count; i++) ResolveAlias(tail[i], tailProperties[i], tail, plan.InstanceNames);
                plan.Tail = tail.ToArray();
                plan.Names = new string[plan.InstanceNames.Length + tail.Count];
                plan.InstanceFlags = new bool[plan.Names.Length];
                plan.AdaptedFlags = new bool[plan.Names.Length];
                for (int i = 0; i < plan.InstanceNames.Length; i++)
                {
                    plan.Names[i] = plan.InstanceNames[i];
                    plan.InstanceFlags[i] = true;
                }
                for (int i = 0; i < tail.Count; i++)
                {
                    plan.Names[plan.InstanceNames.Length + i] = tail[i].Name;
                    plan.InstanceFlags[plan.InstanceNames.Length + i] = tail[i].IsInstance;
                    plan.AdaptedFlags[plan.InstanceNames.Length + i] = allAdapted[plan.InstanceNames.Length + i];
                }
            }
            _plans[KeyOf(type, source, plan.InstanceNames)] = plan;
            _last = plan;
            _lastSource = source;
            return plan;
        }

        /// <summary>As the full way reads one property: its value, or false when its getter throws (the property is left out).</summary>
        private static bool ReadValue(PSPropertyInfo property, out object value)
        {
            long started = GetterClock.Start();
            try
            {
                value = property.Value;
                return true;
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception)
            {
                value = null;
                return false;
            }
            finally
            {
                GetterClock.Stop(started);
            }
        }

        /// <summary>How a later object's value of this member is read.</summary>
        private static void Choose(Member member, PSPropertyInfo property, Type type)
        {
            member.Kind = Kind.Lookup;
            if (property.GetType() == typeof(PSProperty))
            {
                // The plain .NET adapter's property: what it reports must be the type's own public property.
                // Compiled only where the compiled code may call the getter on every PowerShell (a public getter of a
                // public type: .NET Framework checks visibility when a compiled lambda runs).
                var info = FindProperty(type, property.Name);
                if (info != null && info.DeclaringType.IsVisible && info.GetIndexParameters().Length == 0 && info.GetGetMethod() != null
                    && string.Equals(property.TypeNameOfValue, info.PropertyType.FullName, StringComparison.Ordinal))
                {
                    member.Property = info;
                    member.Kind = Kind.DotNet;
                }
            }
            else if (property is PSCodeProperty code && code.GetterCodeReference is MethodInfo getter && getter.IsStatic && getter.IsPublic
                && getter.DeclaringType != null && getter.DeclaringType.IsVisible)
            {
                var parameters = getter.GetParameters();
                if (parameters.Length == 1 && parameters[0].ParameterType == typeof(PSObject) && !getter.ReturnType.IsByRef && getter.ReturnType != typeof(void))
                {
                    member.Getter = getter;
                    member.Kind = Kind.Code;
                }
            }
        }

        /// <summary>An alias without a conversion reads the member it names; when that one has a compiled getter, so does the alias.</summary>
        private static void ResolveAlias(Member member, PSPropertyInfo property, List<Member> tail, string[] instanceNames)
        {
            if (!(property is PSAliasProperty alias) || alias.ConversionType != null) return;
            // The alias looks its member up among all of the object's properties: the first of that name wins.
            foreach (var name in instanceNames)
                if (string.Equals(name, alias.ReferencedMemberName, StringComparison.OrdinalIgnoreCase)) return;
            foreach (var other in tail)
            {
                if (!string.Equals(other.Name, alias.ReferencedMemberName, StringComparison.OrdinalIgnoreCase)) continue;
                if (other.Kind == Kind.DotNet) { member.Kind = Kind.DotNet; member.Property = other.Property; }
                else if (other.Kind == Kind.Code) { member.Kind = Kind.Code; member.Getter = other.Getter; }
                return;
            }
        }

        /// <summary>The most derived public instance property of that name (the one the .NET adapter reports), or null.</summary>
        private static PropertyInfo FindProperty(Type type, string name)
        {
            for (var t = type; t != null; t = t.BaseType)
            {
                PropertyInfo found = null;
                foreach (var candidate in t.GetProperties(PropertyFlags | BindingFlags.DeclaredOnly))
                {
                    if (!string.Equals(candidate.Name, name, StringComparison.Ordinal)) continue;
                    if (found != null) return null; // overloaded by index parameters: not ours to pick
                    found = candidate;
                }
                if (found != null) return found;
            }
            return null;
        }

        /// <summary>The member's compiled getter (compiled on first use), or false to read it by lookup.</summary>
        private static bool Prepare(Member member)
        {
            if (member.Kind == Kind.DotNet)
            {
                if (member.DotNet == null) member.DotNet = s_propertyGetters.GetOrAdd(member.Property, Compile);
                if (member.DotNet != null && member.DotNet != s_failedProperty) return true;
            }
            else if (member.Kind == Kind.Code)
            {
                if (member.Code == null) member.Code = s_codeGetters.GetOrAdd(member.Getter, Compile);
                if (member.Code != null && member.Code != s_failedCode) return true;
            }
            member.Kind = Kind.Lookup;
            return false;
        }

        // What the caches hold for a getter that could not be compiled.
        private static readonly Func<object, object> s_failedProperty = _ => null;
        private static readonly Func<PSObject, object> s_failedCode = _ => null;

        private static Func<object, object> Compile(PropertyInfo info)
        {
            try
            {
                var target = Expression.Parameter(typeof(object), "target");
                var body = Expression.Convert(Expression.Property(Expression.Convert(target, info.DeclaringType), info), typeof(object));
                return Expression.Lambda<Func<object, object>>(body, target).Compile();
            }
            catch (Exception)
            {
                return s_failedProperty;
            }
        }

        private static Func<PSObject, object> Compile(MethodInfo getter)
        {
            try
            {
                var target = Expression.Parameter(typeof(PSObject), "target");
                var body = Expression.Convert(Expression.Call(getter, target), typeof(object));
                return Expression.Lambda<Func<PSObject, object>>(body, target).Compile();
            }
            catch (Exception)
            {
                return s_failedCode;
            }
        }

        /// <summary>
        /// For a data row (DataRow, DataRowView), whose adapter gives its columns as properties, the names of those: what
        /// PowerShell's serializer writes as the row's properties (its adapter's, without the .NET properties
        /// PSObject.Properties adds after them). Null for every other type.
        /// </summary>
        internal static HashSet<string> PrimaryAdapterProperties(PSObject pso, Type type)
        {
            bool row = false;
            for (var t = type; t != null && !row; t = t.BaseType)
                row = t.FullName == "System.Data.DataRow" || t.FullName == "System.Data.DataRowView";
            if (!row) return null;
            try
            {
                if (!(pso.Members["psadapted"] is PSMemberSet adapted)) return null;
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in adapted.Properties) names.Add(property.Name);
                return names;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                return null;
            }
        }

        /// <summary>False for a type PowerShell adapts with an adapter of its own, whose members can differ between objects.</summary>
        private bool IsPlainlyAdapted(Type type)
        {
            if (_plainTypes.TryGetValue(type, out bool plain)) return plain;
            plain = !type.IsCOMObject && !typeof(System.Dynamic.IDynamicMetaObjectProvider).IsAssignableFrom(type);
            for (var t = type; plain && t != null; t = t.BaseType)
                if (Array.IndexOf(s_ownAdapterTypes, t.FullName) >= 0) plain = false;
            _plainTypes[type] = plain;
            return plain;
        }

        private void Read(PSObject pso, object baseObject, Plan plan, out IReadOnlyList<string> names, out IReadOnlyList<object> values,
            out IReadOnlyList<bool> instance, out IReadOnlyList<bool> adapted)
        {
            if (!plan.Prepared)
            {
                foreach (var member in plan.Tail) Prepare(member);
                plan.Prepared = true;
            }
            int own = _instanceValues.Count;
            var tail = plan.Tail;
            var result = new object[own + tail.Length];
            for (int i = 0; i < own; i++) result[i] = _instanceValues[i];
            List<int> failed = null;
            for (int i = 0; i < tail.Length; i++)
            {
                var member = tail[i];
                long started = 0;
                try
                {
                    switch (member.Kind)
                    {
                        case Kind.DotNet:
                            started = GetterClock.Start();
                            result[own + i] = member.DotNet(baseObject);
                            break;
                        case Kind.Code:
                            started = GetterClock.Start();
                            result[own + i] = member.Code(pso);
                            break;
                        default:
                            var property = pso.Properties[member.Name];
                            if (property == null) throw new InvalidOperationException();
                            started = GetterClock.Start();
                            result[own + i] = property.Value;
                            break;
                    }
                }
                catch (PipelineStoppedException)
                {
                    throw;
                }
                catch (Exception)
                {
                    // Left out, as the full way and Export-Clixml leave out a property whose getter throws.
                    (failed ??= new List<int>()).Add(own + i);
                }
                finally
                {
                    GetterClock.Stop(started);
                }
            }
            if (failed == null)
            {
                names = plan.Names;
                values = result;
                instance = plan.InstanceFlags;
                adapted = plan.AdaptedFlags;
                return;
            }
            var keptNames = new List<string>(result.Length);
            var keptValues = new List<object>(result.Length);
            var keptFlags = new List<bool>(result.Length);
            var keptAdapted = new List<bool>(result.Length);
            for (int i = 0, f = 0; i < result.Length; i++)
            {
                if (f < failed.Count && failed[f] == i) { f++; continue; }
                keptNames.Add(plan.Names[i]);
                keptValues.Add(result[i]);
                keptFlags.Add(plan.InstanceFlags[i]);
                keptAdapted.Add(plan.AdaptedFlags[i]);
            }
            names = keptNames;
            values = keptValues;
            instance = keptFlags;
            adapted = keptAdapted;
        }
    }
}
