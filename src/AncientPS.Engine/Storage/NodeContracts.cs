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
    }

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

    /// <summary>The root of an encoded value: a tag and an 8-byte payload, stored in the key's directory entry.</summary>
    internal readonly struct EncodedValue
    {
        public EncodedValue(byte tag, ulong payload, string typeName)
        {
            Tag = tag;
            Payload = payload;
            TypeName = typeName;
        }

        public byte Tag { get; }
        public ulong Payload { get; }

        /// <summary>The display type name of the root (for listings), such as "System.Object[]" or "System.Management.Automation.PSCustomObject".</summary>
        public string TypeName { get; }
    }
}
