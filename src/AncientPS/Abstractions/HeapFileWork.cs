namespace AncientPS.Abstractions
{
    /// <summary>What a cmdlet was doing with a heap file when an exception came: it decides the exception's record (<see cref="AncientErrors.FromHeapFile"/>).</summary>
    internal enum HeapFileWork
    {
        /// <summary>Mount-AncientHeap, for writing: a missing file is created.</summary>
        Mount,

        /// <summary>Mount-AncientHeap -ReadOnly: a missing file is an error.</summary>
        MountReadOnly,

        /// <summary>Copy-AncientHeap: the path is the source; failures the engine does not mark as the source's are the destination's.</summary>
        Copy,

        /// <summary>Test-AncientHeap.</summary>
        Check,
    }
}
