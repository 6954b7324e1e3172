using System;

namespace AncientPS.Engine
{
    /// <summary>An attempt to change a value that lives in a heap; stored values are read-only.</summary>
    public sealed class AncientReadOnlyException : NotSupportedException
    {
        public AncientReadOnlyException(string message) : base(message) { }
    }
}
