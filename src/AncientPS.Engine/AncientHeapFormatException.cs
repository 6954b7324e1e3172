using System;
using System.IO;

namespace AncientPS.Engine
{
    /// <summary>A heap file that is not a heap, is of a newer format, or is damaged.</summary>
    public class AncientHeapFormatException : IOException
    {
        public AncientHeapFormatException(HeapFormatProblem problem, string message) : base(message) { Problem = problem; }
        public AncientHeapFormatException(HeapFormatProblem problem, string message, Exception inner) : base(message, inner) { Problem = problem; }
        public HeapFormatProblem Problem { get; }
    }
}
