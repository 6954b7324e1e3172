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
}
