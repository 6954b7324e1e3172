using System;
using System.IO;

namespace AncientPS.Engine
{
    /// <summary>
    /// The file system holding the heap has no room for the space a write needs (or the user's quota is used up). The
    /// space is reserved before a byte of it is written, so nothing was changed: every committed value stays, and writes
    /// go in again once space is freed.
    /// </summary>
    public sealed class AncientHeapDiskFullException : IOException
    {
        public AncientHeapDiskFullException(string message, long requiredSize) : base(message) { RequiredSize = requiredSize; }
        /// <summary>The file size the write needed.</summary>
        public long RequiredSize { get; }
    }
}
