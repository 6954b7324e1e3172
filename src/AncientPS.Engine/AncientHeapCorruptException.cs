using System;

namespace AncientPS.Engine
{
    /// <summary>Stored bytes that fail validation while being read (an offset out of range, a bad tag, a broken checksum).</summary>
    public sealed class AncientHeapCorruptException : AncientHeapFormatException
    {
        public AncientHeapCorruptException(string message) : base(HeapFormatProblem.Corrupt, message) { }
        public AncientHeapCorruptException(string message, Exception inner) : base(HeapFormatProblem.Corrupt, message, inner) { }
    }
}
