namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// What a node codec needs from the write it takes part in (<see cref="GraphWriter"/>): node allocation, the write's
    /// interned names, and the encoding of a nested string slot (which the write shares by identity).
    /// </summary>
    internal unsafe interface INodeSink
    {
        /// <summary>Allocates a node of <paramref name="size"/> bytes (rounded up to 8) at an 8-aligned offset; the bytes are zero.</summary>
        byte* Allocate(long size, out long offset);

        /// <summary>
        /// As <see cref="Allocate"/>, for a node whose first <paramref name="size"/> bytes the caller writes in full at once
        /// (nothing may fail in between); only the padding after them is zeroed.
        /// </summary>
        byte* AllocateFilled(long size, out long offset);

        /// <summary>The offset of a string node holding <paramref name="name"/>, written once per write (type and property names).</summary>
        long Name(string name);

        /// <summary>Writes the slot of a string: inline when it fits the payload, else a string node shared within the write.</summary>
        void WriteString(string value, byte* tag, ulong* payload);

        /// <summary>True when the write keeps to the classic layout (format 1.1, for older readers): no node of a later format.</summary>
        bool WritesClassic { get; }
    }
}
