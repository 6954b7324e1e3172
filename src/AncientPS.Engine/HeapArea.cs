namespace AncientPS.Engine
{
    /// <summary>The part of a heap file a <see cref="HeapProblem"/> is in.</summary>
    public enum HeapArea
    {
        /// <summary>The file header: magic, version, layout, checksum.</summary>
        Header,
        /// <summary>One of the two meta pages (committed states).</summary>
        Meta,
        /// <summary>The table of reader slots.</summary>
        ReaderTable,
        /// <summary>A branch or collision node of the key directory.</summary>
        Directory,
        /// <summary>A key entry or its extent list.</summary>
        Entry,
        /// <summary>A node of a stored value.</summary>
        Value,
        /// <summary>The free table and the accounting of space.</summary>
        FreeSpace,
    }
}
