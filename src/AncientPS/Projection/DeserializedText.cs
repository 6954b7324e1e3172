using System;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace AncientPS.Projection
{
    /// <summary>
    /// Gives a stored .NET object (a record stored with its text) the text the serializer writes as &lt;ToString&gt;, so
    /// that a copy made by PowerShell's serializer (Start-Job arguments and $using:, remoting, Export-Clixml) gives the
    /// original's text, as Import-Clixml's own object does when it crosses again. PowerShell's serializer writes a
    /// &lt;ToString&gt; for an object on a PSCustomObject only when the object came from the deserializer, which it knows by
    /// PSObject's internal ToStringFromDeserialization; no public member sets it (the ISerializable constructor that
    /// would is obsolete). The setter is compiled once and guarded: where this PowerShell has no such member, or
    /// <see cref="UseInternalMember"/> is off, nothing is set, and a crossed copy's text is empty (as it was before;
    /// tests/StoredText.Tests.ps1 runs both ways, tests/benchmarks/CrossingBench.ps1 measures the cost).
    /// </summary>
    internal static class DeserializedText
    {
        private static readonly Action<PSObject, string> s_set = Bind();

        /// <summary>False sets nothing, as on a PowerShell without the internal member: for the fallback's test and the benchmark.</summary>
        internal static bool UseInternalMember { get; set; } = true;

        /// <summary>True when this PowerShell has the internal member.</summary>
        internal static bool IsAvailable => s_set != null;

        /// <summary>True when <see cref="TrySet"/> sets the text (the member found, the switch on).</summary>
        internal static bool CanSet => s_set != null && UseInternalMember;

        private static Action<PSObject, string> Bind()
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var target = Expression.Parameter(typeof(PSObject), "obj");
                var text = Expression.Parameter(typeof(string), "text");
                Expression member;
                var property = typeof(PSObject).GetProperty("ToStringFromDeserialization", flags);
                if (property != null && property.PropertyType == typeof(string) && property.GetSetMethod(true) != null)
                    member = Expression.Property(target, property);
                else
                {
                    var field = typeof(PSObject).GetField("ToStringFromDeserialization", flags);
                    if (field == null || field.FieldType != typeof(string) || field.IsInitOnly) return null;
                    member = Expression.Field(target, field);
                }
                return Expression.Lambda<Action<PSObject, string>>(Expression.Assign(member, text), target, text).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Sets the object's deserialized text where the member is there and in use; false otherwise.</summary>
        internal static bool TrySet(PSObject obj, string text)
        {
            var set = s_set;
            if (set == null || !UseInternalMember || text == null) return false;
            try
            {
                set(obj, text);
                return true;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                return false;
            }
        }
    }
}
