using System;

namespace AncientPS.Engine
{
    /// <summary>
    /// A heap handle, or a value read through it, used after the handle was disposed (Dismount-AncientHeap). Values read
    /// before stay unreadable even once the file is mounted again: they must be read again through the new handle.
    /// </summary>
    public sealed class AncientHeapDismountedException : ObjectDisposedException
    {
        // No object name: ObjectDisposedException would append "Object name: '...'." to a message that already says it all.
        public AncientHeapDismountedException(string path) : base(null, MessageFor(path)) { Path = path; }

        /// <summary>The heap file's path; null for an anonymous heap.</summary>
        public string Path { get; }

        // The message ends with a command, not a period: PowerShell adds one of its own when it wraps the message
        // ("An error occurred while enumerating through a collection: ...."), and two would show.
        internal static string MessageFor(string path) => path == null
            ? "The anonymous heap this value was read from has been dismounted, and its values went with it. "
              + "To keep values past a dismount, read them with: Get-AncientObject -Materialize"
            : $"The heap '{path}' has been dismounted, and values read from it before stay unreadable. "
              + $"Call Get-AncientObject again after mounting the heap again: Mount-AncientHeap -LiteralPath '{path.Replace("'", "''")}'";
    }
}
