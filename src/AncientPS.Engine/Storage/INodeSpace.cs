namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// Read access to the bytes of one committed snapshot. Every pointer the reader uses comes from <see cref="Pointer"/>,
    /// which bounds-checks in 64-bit arithmetic against the snapshot's committed size.
    /// </summary>
    internal unsafe interface INodeSpace
    {
        /// <summary>The heap this snapshot belongs to.</summary>
        MappedHeap Heap { get; }

        /// <summary>Returns a pointer to [offset, offset+length) or throws <see cref="AncientHeapCorruptException"/> when the range is outside the snapshot's data area.</summary>
        byte* Pointer(long offset, long length);

        /// <summary>Marks the start of a read; throws <see cref="System.ObjectDisposedException"/> once the heap is dismounted. Always pair with <see cref="ExitRead"/>.</summary>
        void EnterRead();

        void ExitRead();
    }
}
