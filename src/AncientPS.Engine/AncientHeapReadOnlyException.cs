using System;

namespace AncientPS.Engine
{
    /// <summary>A write on a heap mounted read-only.</summary>
    public sealed class AncientHeapReadOnlyException : InvalidOperationException
    {
        public AncientHeapReadOnlyException(string message) : base(message) { }
    }
}
