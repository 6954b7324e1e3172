using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    /// <summary>A value's extents as an update in place reads and rewrites them.</summary>
    internal sealed class ValueExtents
    {
        public List<ValueExtent> Extents = new List<ValueExtent>();
        /// <summary>The txn from which all of the extents' bytes have been visible (the oldest write among them).</summary>
        public long Origin;
        /// <summary>An upper bound of the bytes inside the extents that the value no longer reaches.</summary>
        public long Garbage;
        /// <summary>True when the list was written by an update: its root node is then referred to by the key entry alone.</summary>
        public bool Updated;

        public long Bytes
        {
            get { long n = 0; foreach (var e in Extents) n += e.Length; return n; }
        }
    }
}
