using System;
using System.IO;

namespace AncientPS.Engine
{
    /// <summary>A write that would take the heap past its maximum size. Nothing was changed.</summary>
    public sealed class AncientHeapFullException : IOException
    {
        public AncientHeapFullException(string message, long maximumSize, long requiredSize) : base(message)
        {
            MaximumSize = maximumSize;
            RequiredSize = requiredSize;
        }
        public long MaximumSize { get; }
        public long RequiredSize { get; }
    }
}
