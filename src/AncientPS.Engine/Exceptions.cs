using System;
using System.IO;

namespace AncientPS.Engine
{
    /// <summary>Why a file could not be used as a heap.</summary>
    public enum HeapFormatProblem
    {
        /// <summary>The file is not an AncientPS heap (wrong magic).</summary>
        NotAHeap,
        /// <summary>The heap was written by a newer format version than this engine reads.</summary>
        NewerVersion,
        /// <summary>The heap's bytes fail a checksum or a bounds check.</summary>
        Corrupt,
        /// <summary>
        /// The file is empty, or a heap whose creator stopped before finishing it: a writable mount creates the heap, a
        /// read-only mount cannot.
        /// </summary>
        NotCreated,
        /// <summary>The path names something other than a regular file: a named pipe (FIFO), a device, a socket.</summary>
        NotARegularFile,
    }

    /// <summary>A heap file that is not a heap, is of a newer format, or is damaged.</summary>
    public class AncientHeapFormatException : IOException
    {
        public AncientHeapFormatException(HeapFormatProblem problem, string message) : base(message) { Problem = problem; }
        public AncientHeapFormatException(HeapFormatProblem problem, string message, Exception inner) : base(message, inner) { Problem = problem; }
        public HeapFormatProblem Problem { get; }
    }

    /// <summary>Stored bytes that fail validation while being read (an offset out of range, a bad tag, a broken checksum).</summary>
    public sealed class AncientHeapCorruptException : AncientHeapFormatException
    {
        public AncientHeapCorruptException(string message) : base(HeapFormatProblem.Corrupt, message) { }
        public AncientHeapCorruptException(string message, Exception inner) : base(HeapFormatProblem.Corrupt, message, inner) { }
    }

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

    /// <summary>
    /// The heap file was deleted or replaced (renamed over, or a new file put at its path) while it was mounted: writing to
    /// the old file would be lost. Nothing was changed. Dismount it and mount the path again.
    /// </summary>
    public sealed class AncientHeapFileReplacedException : IOException
    {
        public AncientHeapFileReplacedException(string message) : base(message) { }
    }

    /// <summary>The writer lock could not be taken within the lock timeout: another writer holds it.</summary>
    public sealed class AncientHeapBusyException : TimeoutException
    {
        public AncientHeapBusyException(string message) : base(message) { }
    }

    /// <summary>A value of a type the engine refuses to store (secrets, pointers, delegates, ...). Nothing was stored.</summary>
    public sealed class AncientUnsupportedTypeException : NotSupportedException
    {
        public AncientUnsupportedTypeException(string message, Type type) : base(message) { Type = type; }

        public AncientUnsupportedTypeException(string message, Type type, string path) : base(message)
        {
            Type = type;
            Path = path;
        }

        public Type Type { get; }

        /// <summary>Where in the graph the value was met, as PowerShell would reach it ([12].PSDrive.Credential); empty for the value itself, null when unknown.</summary>
        public string Path { get; }
    }

    /// <summary>An attempt to change a value that lives in a heap; stored values are read-only.</summary>
    public sealed class AncientReadOnlyException : NotSupportedException
    {
        public AncientReadOnlyException(string message) : base(message) { }
    }

    /// <summary>A write on a heap mounted read-only.</summary>
    public sealed class AncientHeapReadOnlyException : InvalidOperationException
    {
        public AncientHeapReadOnlyException(string message) : base(message) { }
    }

    /// <summary>
    /// A value read by a process that could not register as a reader, after a writer reused the space of its snapshot.
    /// Reading the value again gives the current one.
    /// </summary>
    public sealed class AncientSnapshotExpiredException : InvalidOperationException
    {
        public AncientSnapshotExpiredException(string message) : base(message) { }
    }
}
