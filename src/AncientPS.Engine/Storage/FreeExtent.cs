namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// A free range of the data area. Born/Died are the transactions between which its old contents were visible: the
    /// committed states with Born &lt;= txn &lt; Died. A clean range (Died &lt;= Born) is free for any use.
    /// </summary>
    internal struct FreeExtent
    {
        public long Offset;
        public long Length;
        public long Born;
        public long Died;

        public bool IsClean => Died <= Born;
        public long End => Offset + Length;

        /// <summary>
        /// The visibility rule (docs/format.md, "Free table"): a reader pinning the states [<paramref name="oldest"/>,
        /// <paramref name="newest"/>] may still read this range when one of them is among the states that saw its old
        /// contents, that is when Born &lt;= newest and oldest &lt; Died. A writer may reuse a range no live pin sees.
        /// </summary>
        public bool IsVisibleTo(long oldest, long newest) => !IsClean && Born <= newest && oldest < Died;
    }
}
