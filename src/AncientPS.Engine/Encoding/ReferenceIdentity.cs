using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Reference identity, except that two views of one stored node are one object (so copying keeps sharing).</summary>
    internal sealed class ReferenceIdentity : IEqualityComparer<object>
    {
        public static readonly ReferenceIdentity Instance = new ReferenceIdentity();

        public new bool Equals(object a, object b) => ReferenceEquals(a, b) || (a is IAncientNode && a.Equals(b));

        public int GetHashCode(object o) => o is IAncientNode ? o.GetHashCode() : RuntimeHelpers.GetHashCode(o);
    }
}
