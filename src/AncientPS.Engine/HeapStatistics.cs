using System;

namespace AncientPS.Engine
{
    /// <summary>Space accounting of a heap at one snapshot.</summary>
    public sealed class HeapStatistics
    {
        internal HeapStatistics() { }

        /// <summary>The file (or anonymous region) size in bytes.</summary>
        public long Size { get; internal set; }

        /// <summary>Bytes held by live values, the key directory and metadata.</summary>
        public long Used { get; internal set; }

        /// <summary>Free bytes that can be reused now (including file space past the committed data).</summary>
        public long Free { get; internal set; }

        /// <summary>Freed bytes still pinned by a live reader's snapshot (in this or another process).</summary>
        public long Pinned { get; internal set; }

        public long Count { get; internal set; }

        /// <summary>How many separate free ranges there are: a measure of fragmentation.</summary>
        public long FreeRanges { get; internal set; }
        public long TransactionId { get; internal set; }

        /// <summary>Processes with a live reader slot.</summary>
        public int Readers { get; internal set; }
    }
}
