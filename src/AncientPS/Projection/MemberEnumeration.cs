using System;
using System.Dynamic;
using System.Management.Automation.Internal;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Member enumeration (<c>$list.Name</c>) over stored dictionaries skips those without the key, as it skips such
    /// hashtables. PowerShell reads each element with a binder of its own that gives its "no output" value
    /// (<see cref="AutomationNull"/>) for a missing member; a stored dictionary binds member reads itself (so that a read of a
    /// dismounted heap fails instead of giving $null), and PowerShell's rule behind it gives $null for any name, so the
    /// dictionary answers AutomationNull for that binder (<see cref="AncientDictionary.AbsentMemberValue"/>).
    /// PowerShell offers no public way to tell that binder from the others: it is the one whose text (public
    /// <c>ToString()</c>) says "nonEnumerating", in PowerShell 5.1 and 7. Where a version says otherwise, nothing is
    /// recognised and each such dictionary adds one $null to the enumeration, as before (tests/Projection.Tests.ps1
    /// checks both ways).
    /// </summary>
    internal static class MemberEnumeration
    {
        private const string BinderTypeName = "System.Management.Automation.Language.PSGetMemberBinder";

        /// <summary>False recognises no binder: for the test of the fallback.</summary>
        internal static bool Enabled { get; set; } = true;

        internal static void Install() => AncientDictionary.AbsentMemberValue = AbsentMember;

        private static object AbsentMember(GetMemberBinder binder)
            => Enabled && IsPerElementRead(binder) ? AutomationNull.Value : null;

        private static bool IsPerElementRead(GetMemberBinder binder)
            => string.Equals(binder.GetType().FullName, BinderTypeName, StringComparison.Ordinal)
               && binder.ToString().IndexOf(" nonEnumerating", StringComparison.Ordinal) >= 0;
    }
}
