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
}
