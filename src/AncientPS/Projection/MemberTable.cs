using System;
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
    /// </summary>
    internal static class MemberTable
    {
        private static readonly Action<PSObject, int> s_presize = Bind();

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
