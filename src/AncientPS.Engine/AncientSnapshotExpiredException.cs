using System;

namespace AncientPS.Engine
{
    /// <summary>
    /// A value read by a process that could not register as a reader, after a writer reused the space of its snapshot.
    /// Reading the value again gives the current one.
    /// </summary>
    public sealed class AncientSnapshotExpiredException : InvalidOperationException
    {
        public AncientSnapshotExpiredException(string message) : base(message) { }
    }
}
