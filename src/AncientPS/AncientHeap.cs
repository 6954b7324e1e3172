using System;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>
    /// A heap mounted by Mount-AncientHeap. A plain .NET object whose members are all thread-safe,
    /// so it can be handed to other runspaces ($using:, Start-ThreadJob -ArgumentList) and keeps working there.
    /// </summary>
    public sealed class AncientHeap
    {
        internal AncientHeap(MappedHeap engine)
        {
            Engine = engine ?? throw new ArgumentNullException(nameof(engine));
        }

        internal MappedHeap Engine { get; }

        /// <summary>The full path of the heap file; null for an anonymous heap.</summary>
        public string Path => Engine.Path;

        public bool IsAnonymous => Engine.IsAnonymous;

        public bool IsReadOnly => Engine.IsReadOnly;

        /// <summary>False once Dismount-AncientHeap has released the heap.</summary>
        public bool IsMounted => !Engine.IsDisposed;

        /// <summary>The size of the heap in bytes. Each of Size, Used, Count and Pinned reads the heap now; GetStatistics() reads them all at once.</summary>
        public long Size => Engine.Size;

        /// <summary>Bytes in use by live values, the key directory and metadata.</summary>
        public long Used => Engine.Used;

        /// <summary>How many keys the heap holds.</summary>
        public long Count => Engine.Count;

        /// <summary>Freed bytes that a live reader (in this or another process) still pins.</summary>
        public long Pinned => Engine.GetStatistics().Pinned;

        /// <summary>Size, Used, Free, Pinned, Count and the rest, all from one snapshot of the heap.</summary>
        public HeapStatistics GetStatistics() => Engine.GetStatistics();

        // The format views show Size, Used, Count and Pinned of one row from one snapshot: the row's first column takes
        // it (fresh), the others read it back. Columns of a row are formatted in turn on one thread.
        [ThreadStatic] private static AncientHeap t_rowHeap;
        [ThreadStatic] private static HeapStatistics t_rowStatistics;

        /// <summary>For the format views: a new snapshot when <paramref name="fresh"/>, else the one the row took.</summary>
        [Hidden]
        public HeapStatistics GetRowStatistics(bool fresh)
        {
            if (!IsMounted) return null;
            if (fresh || !ReferenceEquals(t_rowHeap, this) || t_rowStatistics == null)
            {
                t_rowStatistics = Engine.GetStatistics();
                t_rowHeap = this;
            }
            return t_rowStatistics;
        }

        /// <summary>The largest size the heap may grow to; 0 means no limit.</summary>
        public long MaximumSize => Engine.MaximumSize;

        /// <summary>The longest key, in characters. The number of keys has no limit of its own.</summary>
        public int MaxKeyLength => MappedHeap.MaxKeyLength;

        public Durability Durability => Engine.Durability;

        public override string ToString() => Engine.ToString();
    }
}
