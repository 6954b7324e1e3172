namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The allocator a write transaction hands to the encoder. Every node of the value being written is allocated here;
    /// the storage layer records which ranges belong to the value so that it can free them on Remove or overwrite.
    /// </summary>
    internal unsafe interface INodeAllocator
    {
        /// <summary>
        /// Allocates <paramref name="size"/> bytes (rounded up to a multiple of 8) at an 8-aligned heap offset and returns it.
        /// <paramref name="pointer"/> is writable until the transaction ends; the bytes are zero.
        /// Throws <see cref="AncientHeapFullException"/> when the heap cannot grow.
        /// </summary>
        long Allocate(long size, out byte* pointer);

        /// <summary>
        /// As <see cref="Allocate"/>, for a node whose first <paramref name="filled"/> bytes the caller overwrites in full
        /// before anything else can fail (a packed array's header and elements): those bytes need not be zeroed, the
        /// padding after them up to the aligned size is. An allocator may zero them all the same.
        /// </summary>
        long AllocateFilled(long size, long filled, out byte* pointer);

        /// <summary>A writable pointer to <paramref name="length"/> bytes of a node this transaction allocated, at <paramref name="offset"/>.</summary>
        byte* PointerTo(long offset, long length);
    }
}
