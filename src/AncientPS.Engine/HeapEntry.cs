using System;

namespace AncientPS.Engine
{
    /// <summary>One key of a heap, as listed: read from the key directory alone, without touching the value.</summary>
    public sealed class HeapEntry
    {
        internal HeapEntry(string key, string typeName, long storedSize, DateTime written, long transactionId)
        {
            Key = key;
            TypeName = typeName;
            StoredSize = storedSize;
            Written = written;
            TransactionId = transactionId;
        }

        public string Key { get; }

        /// <summary>The type name of the stored root value.</summary>
        public string TypeName { get; }

        /// <summary>Bytes the key takes in the heap: its directory entry and its value's nodes.</summary>
        public long StoredSize { get; }

        /// <summary>When the value was written (UTC).</summary>
        public DateTime Written { get; }

        /// <summary>The transaction that wrote the value.</summary>
        public long TransactionId { get; }

        public override string ToString() => Key;
    }

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
