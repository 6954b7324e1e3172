namespace AncientPS.Engine.Storage
{
    /// <summary>One extent of an updated extent list: its range and the checksum of its bytes.</summary>
    internal struct ValueExtent
    {
        public long Offset;
        public long Length;
        public ulong Checksum;
        public long End => Offset + Length;
    }
}
