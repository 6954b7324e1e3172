namespace AncientPS.Engine.Encoding
{
    /// <summary>What the slots of a <see cref="WriteFrame"/> hold.</summary>
    internal enum WriteFrameKind : byte
    {
        /// <summary>A list's or a record's slots, one per item.</summary>
        Slots,
        /// <summary>A dictionary's slots: key, value, key, value ...; the keys' hashes go into its index at the end.</summary>
        Dictionary,
    }
}
