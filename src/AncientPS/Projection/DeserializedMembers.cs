using System;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace AncientPS.Projection
{
    /// <summary>
    /// Makes a stored .NET object's record a PSObject of the kind PowerShell's deserializer makes: its adapted properties
    /// (the public properties of the original's type, Export-Clixml's <c>&lt;Props&gt;</c>) are the object's adapted
    /// members, apart from its extended ones (note properties), and its .NET methods are GetType alone, as on
    /// Import-Clixml's copy. Then Get-Member and PSObject.Properties give Property for them, Select-Object * and
    /// Format-List * list them after the type's property sets, and Export-Clixml and every crossing into a job or a remote
    /// session write them as <c>&lt;Props&gt;</c> again.
    /// <para>
    /// PowerShell has no public way to this state: the deserializer sets three internal members of PSObject
    /// (IsDeserialized, AdaptedMembers and ClrMembers) and adds GetType as an instance method. They are bound once here,
    /// guarded; where this PowerShell lacks any of them, or <see cref="Enabled"/> is off (tests), the record keeps every
    /// property as a note property, as before format 1.3.
    /// </para>
    /// </summary>
    internal static class DeserializedMembers
    {
        private static readonly Func<PSObject, PSMemberInfoCollection<PSPropertyInfo>> s_mark = Bind();
        private static readonly Func<PSObject, PSMemberInfoCollection<PSMemberInfo>> s_instanceMembers = BindInstanceMembers();
        private static readonly Func<object, string, PSMemberInfo> s_dotNetMethod = BindDotNetMethod();
        private static readonly PSMemberInfo s_getType = s_dotNetMethod?.Invoke(new PSObject(), "GetType");

        /// <summary>False makes every stored .NET object's properties note properties (tests switch it).</summary>
        internal static bool Enabled { get; set; } = true;

        /// <summary>True when this PowerShell has the internal members used.</summary>
        internal static bool IsAvailable => s_mark != null && s_instanceMembers != null && s_getType != null;

        /// <summary>True when <see cref="TryMark"/> will mark objects (the switch on, the members found).</summary>
        internal static bool CanMark => Enabled && IsAvailable;

        /// <summary>
        /// Gives a PSObject around a value, whose deserialized text is set (<see cref="DeserializedText"/>), the ToString
        /// method the deserializer gives Import-Clixml's copy of such a value (an enum of a type the process does not
        /// have): PSObject's own, bound to the object, which answers with that text. False where this PowerShell lacks
        /// the member used or the switch is off.
        /// </summary>
        internal static bool TryAddTextMethod(PSObject obj)
        {
            if (!Enabled || s_dotNetMethod == null) return false;
            try
            {
                var toString = s_dotNetMethod(obj, "ToString");
                if (toString == null) return false;
                obj.Members.Add(toString, true);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>
        /// Marks a new object as deserialized and gives back its (empty) collection of adapted members to fill; null when
        /// not done (nothing was changed then). <paramref name="hasText"/>: the object has the original's text
        /// (<see cref="DeserializedText"/>), and gets a ToString method that gives it, as Import-Clixml's copy has.
        /// </summary>
        internal static PSMemberInfoCollection<PSPropertyInfo> TryMark(PSObject obj, bool hasText)
        {
            if (!CanMark) return null;
            try
            {
                // The methods first (nothing is marked if they fail): with the object's .NET members hidden, GetType and
                // ToString are its only methods, as the deserializer gives them. GetType is bound to a plain PSObject and
                // added as the deserializer adds it (PSObject.Members.Add would bind it to this object), so that invoked
                // as a member it gives PSObject as the copy's does; a call site PowerShell has bound to .NET's GetType
                // before still gives the module's class (a known difference, tests/fidelity/known-differences.txt).
                var own = s_instanceMembers(obj);
                var toString = hasText ? s_dotNetMethod(obj, "ToString") : null;
                if (own == null || (hasText && toString == null)) return null;
                var adapted = s_mark(obj);
                if (adapted == null) return null;
                own.Add(s_getType.Copy());
                if (toString != null) obj.Members.Add(toString, true);
                return adapted;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>
        /// obj => { obj.IsDeserialized = true; obj.ClrMembers = new(); return obj.AdaptedMembers = new(); } or null.
        /// </summary>
        private static Func<PSObject, PSMemberInfoCollection<PSPropertyInfo>> Bind()
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var isDeserialized = typeof(PSObject).GetProperty("IsDeserialized", flags);
                var adapted = typeof(PSObject).GetProperty("AdaptedMembers", flags);
                var clr = typeof(PSObject).GetProperty("ClrMembers", flags);
                if (isDeserialized?.GetSetMethod(true) == null || isDeserialized.PropertyType != typeof(bool)) return null;
                if (adapted?.GetSetMethod(true) == null || clr?.GetSetMethod(true) == null || adapted.PropertyType != clr.PropertyType) return null;
                var type = adapted.PropertyType;
                if (!typeof(PSMemberInfoCollection<PSPropertyInfo>).IsAssignableFrom(type)) return null;
                var constructor = type.GetConstructor(flags, null, Type.EmptyTypes, null);
                if (constructor == null) return null;
                var obj = Expression.Parameter(typeof(PSObject), "obj");
                var collection = Expression.Variable(type, "collection");
                var body = Expression.Block(
                    new[] { collection },
                    Expression.Call(obj, isDeserialized.GetSetMethod(true), Expression.Constant(true)),
                    Expression.Call(obj, clr.GetSetMethod(true), Expression.New(constructor)),
                    Expression.Assign(collection, Expression.New(constructor)),
                    Expression.Call(obj, adapted.GetSetMethod(true), collection),
                    Expression.Convert(collection, typeof(PSMemberInfoCollection<PSPropertyInfo>)));
                return Expression.Lambda<Func<PSObject, PSMemberInfoCollection<PSPropertyInfo>>>(body, obj).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>obj => obj.InstanceMembers, or null.</summary>
        private static Func<PSObject, PSMemberInfoCollection<PSMemberInfo>> BindInstanceMembers()
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var property = typeof(PSObject).GetProperty("InstanceMembers", flags);
                if (property?.GetGetMethod(true) == null || !typeof(PSMemberInfoCollection<PSMemberInfo>).IsAssignableFrom(property.PropertyType)) return null;
                var obj = Expression.Parameter(typeof(PSObject), "obj");
                var body = Expression.Convert(Expression.Property(obj, property), typeof(PSMemberInfoCollection<PSMemberInfo>));
                return Expression.Lambda<Func<PSObject, PSMemberInfoCollection<PSMemberInfo>>>(body, obj).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>(obj, name) => PSObject.DotNetInstanceAdapter.GetDotNetMethod&lt;PSMemberInfo&gt;(obj, name): a .NET method bound to obj; or null.</summary>
        private static Func<object, string, PSMemberInfo> BindDotNetMethod()
        {
            try
            {
                const BindingFlags flags = BindingFlags.Static | BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var adapter = typeof(PSObject).GetProperty("DotNetInstanceAdapter", flags)?.GetValue(null);
                var method = adapter?.GetType().GetMethod("GetDotNetMethod", flags);
                if (method == null || !method.IsGenericMethodDefinition) return null;
                var bound = method.MakeGenericMethod(typeof(PSMemberInfo));
                var p = bound.GetParameters();
                if (p.Length != 2 || p[0].ParameterType != typeof(object) || p[1].ParameterType != typeof(string)) return null;
                var obj = Expression.Parameter(typeof(object), "obj");
                var name = Expression.Parameter(typeof(string), "name");
                var body = Expression.Call(Expression.Constant(adapter), bound, obj, name);
                var call = Expression.Lambda<Func<object, string, PSMemberInfo>>(body, obj, name).Compile();
                return (o, n) => call(o, n) as PSMethodInfo;
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
