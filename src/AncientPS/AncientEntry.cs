using System;
using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>One key of a heap as Get-AncientObject -ListAvailable writes it. Read from the key directory alone.</summary>
    public sealed class AncientEntry
    {
        internal AncientEntry(AncientHeap heap, HeapEntry entry)
        {
            Heap = heap;
            Key = entry.Key;
            TypeName = entry.TypeName;
            StoredSize = entry.StoredSize;
            Written = entry.Written;
        }

        /// <summary>The heap the key lives in, so that entries pipe into Get-AncientObject and Remove-AncientObject.</summary>
        public AncientHeap Heap { get; }

        public string Key { get; }

        /// <summary>The type name of the stored value.</summary>
        public string TypeName { get; }

        /// <summary>Bytes the key takes in the heap: its directory entry and its value.</summary>
        public long StoredSize { get; }

        /// <summary>When the value was written, in UTC (DateTimeKind.Utc); the views show it with "UTC".</summary>
        public DateTime Written { get; }

        public override string ToString() => Key;
    }
}
