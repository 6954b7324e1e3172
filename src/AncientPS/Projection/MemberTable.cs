using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace AncientPS.Projection
{
    /// <summary>
    /// Gives a projected record its own member table before its note properties are added, as PowerShell 7's public
    /// <c>PSObject(int instanceMemberCapacity)</c> constructor does for the objects of <c>ConvertFrom-Json</c> and
    /// <c>Import-Csv</c>: a table of the right size held by the object alone. Without it PowerShell makes the table on the
    /// first <c>Properties.Add</c> and also files it in a process-wide weak table keyed by the object (one more GC handle
    /// per record, walked by every garbage collection; the object's lock then needs a sync block, since the weak table
    /// hashed it), and grows it from its default size.
    /// <para>
    /// The module compiles against the Windows PowerShell 5.1 reference, which has no such constructor, and a subclass cannot
    /// pick its base constructor at run time; so this sets what the constructor sets, through two internal members (the
    /// <c>InstanceMembers</c> setter and the member collection's constructor), bound once and guarded: where this
    /// PowerShell has no such members, or <see cref="Enabled"/> is off, records take the public way as before
    /// (tests compare the two, the Bench task measures the public way).
    /// </para>
    /// <para>
    /// The same goes for type names: a record whose stored type names are not a new PSCustomObject's own
    /// (<c>PSTypeName = 'Contoso.Server'</c>, or a .NET object's "Deserialized." names) is given one read-only list per
    /// stored shape, shared, as PowerShell gives every .NET object of one type the type table's read-only list. PowerShell
    /// copies such a list the first time a script asks for an object's <c>PSTypeNames</c> (the public
    /// <c>PSObject.TypeNames</c>), so a change to one record's list stays that record's. The public way instead copies the
    /// list into every record as it is made (a list, a string join per name, and an entry in a second process-wide weak
    /// table).
    /// </para>
    /// </summary>
    internal static class MemberTable
    {
        private static readonly Action<PSObject, int> s_presize = Bind();
        private static readonly Func<IEnumerable<string>, Collection<string>> s_readOnlyNames = BindReadOnlyNames();
        private static readonly Action<PSObject, Collection<string>> s_setTypeNames = BindSetTypeNames();

        /// <summary>False makes every record take the public way (tests and the Bench task switch it).</summary>
        internal static bool Enabled { get; set; } = true;

        /// <summary>True when this PowerShell has the internal members used.</summary>
        internal static bool IsAvailable => s_presize != null;

        /// <summary>Gives a new object with no members yet a member table of its own for <paramref name="capacity"/> members; false when not done.</summary>
        internal static bool TryPresize(PSObject obj, int capacity)
        {
            if (!Enabled || s_presize == null) return false;
            try
            {
                s_presize(obj, capacity);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>True when records may share a read-only type-name list here (the switch on, the members found).</summary>
        internal static bool CanShareTypeNames => Enabled && s_readOnlyNames != null && s_setTypeNames != null;

        /// <summary>
        /// A read-only type-name list for every record of one shape to share (what <see cref="TrySetTypeNames"/> takes);
        /// null where this PowerShell cannot make one or the switch is off.
        /// </summary>
        internal static Collection<string> SharedTypeNames(IEnumerable<string> names)
        {
            if (!CanShareTypeNames) return null;
            try
            {
                var list = s_readOnlyNames(names);
                // Shared only if PowerShell will copy it before anything changes it.
                return list != null && ((ICollection<string>)list).IsReadOnly ? list : null;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Gives a new object the shared list <paramref name="shared"/> as its type names; false when not done.</summary>
        internal static bool TrySetTypeNames(PSObject obj, Collection<string> shared)
        {
            if (!Enabled || shared == null || s_setTypeNames == null) return false;
            try
            {
                s_setTypeNames(obj, shared);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>names => new ConsolidatedString(names, interned: true), PowerShell's read-only type-name list; or null.</summary>
        private static Func<IEnumerable<string>, Collection<string>> BindReadOnlyNames()
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var type = typeof(PSObject).GetProperty("InternalTypeNames", flags)?.PropertyType;
                if (type == null || !typeof(Collection<string>).IsAssignableFrom(type)) return null;
                var constructor = type.GetConstructor(flags, null, new[] { typeof(IEnumerable<string>), typeof(bool) }, null);
                if (constructor == null) return null;
                var names = Expression.Parameter(typeof(IEnumerable<string>), "names");
                var body = Expression.Convert(Expression.New(constructor, names, Expression.Constant(true)), typeof(Collection<string>));
                return Expression.Lambda<Func<IEnumerable<string>, Collection<string>>>(body, names).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>(obj, list) => obj.InternalTypeNames = (ConsolidatedString)list; or null.</summary>
        private static Action<PSObject, Collection<string>> BindSetTypeNames()
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var property = typeof(PSObject).GetProperty("InternalTypeNames", flags);
                var setter = property?.GetSetMethod(true);
                if (setter == null || property.GetIndexParameters().Length != 0) return null;
                var obj = Expression.Parameter(typeof(PSObject), "obj");
                var list = Expression.Parameter(typeof(Collection<string>), "list");
                var body = Expression.Call(obj, setter, Expression.Convert(list, property.PropertyType));
                return Expression.Lambda<Action<PSObject, Collection<string>>>(body, obj, list).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>(obj, n) => obj.InstanceMembers = new PSMemberInfoInternalCollection&lt;PSMemberInfo&gt;(n), or () where 5.1 has no capacity.</summary>
        private static Action<PSObject, int> Bind()
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var property = typeof(PSObject).GetProperty("InstanceMembers", flags);
                var setter = property?.GetSetMethod(true);
                if (setter == null || property.GetIndexParameters().Length != 0) return null;
                var type = property.PropertyType;
                if (!typeof(PSMemberInfoCollection<PSMemberInfo>).IsAssignableFrom(type)) return null;
                var obj = Expression.Parameter(typeof(PSObject), "obj");
                var capacity = Expression.Parameter(typeof(int), "capacity");
                var sized = type.GetConstructor(flags, null, new[] { typeof(int) }, null);
                var plain = type.GetConstructor(flags, null, Type.EmptyTypes, null);
                Expression create = sized != null ? Expression.New(sized, capacity) : plain != null ? Expression.New(plain) : null;
                if (create == null) return null;
                var body = Expression.Call(obj, setter, create);
                return Expression.Lambda<Action<PSObject, int>>(body, obj, capacity).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
