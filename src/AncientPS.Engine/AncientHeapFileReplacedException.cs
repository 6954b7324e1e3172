using System;
using System.IO;

namespace AncientPS.Engine
{
    /// <summary>
    /// The heap file was deleted or replaced (renamed over, or a new file put at its path) while it was mounted: writing to
    /// the old file would be lost. Nothing was changed. Dismount it and mount the path again.
    /// </summary>
    public sealed class AncientHeapFileReplacedException : IOException
    {
        public AncientHeapFileReplacedException(string message) : base(message) { }
    }
}
