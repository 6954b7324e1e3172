namespace AncientPS.Engine
{
    /// <summary>
    /// A read-only view of a list stored from an array (object[], string[], int[] ...): an <see cref="AncientList"/> with an
    /// array's Length, LongLength and Rank, declared here so that they come first among its public properties, as an
    /// array's do.
    /// </summary>
    public sealed class AncientArray : AncientList, System.ICloneable
    {
        internal AncientArray(Encoding.NodeContext context, long offset, byte kind, string typeName)
            : base(context, offset, kind, typeName)
        {
        }

        /// <summary>The number of elements, as an array's Length; like every other member, it fails once the heap is dismounted.</summary>
        public int Length => Count;

        /// <summary>The number of elements as a long, as an array's LongLength.</summary>
        public long LongLength => Count;

        /// <summary>Always 1: a stored array has one dimension.</summary>
        public int Rank => 1;

        // An array's other public properties, declared again here so that they come in an array's order after Rank, with
        // an array's values: hosts that list an object's properties (PowerShell's CSV, HTML, Select-Object * and Format-List
        // of a list taken as one object) then show what they show for the original. IsReadOnly says False, as an array's
        // does (an array's elements can be set); setting a stored element fails anyway, naming the way to a copy that can
        // be changed. Code that asks through IList.IsReadOnly is told the truth: True (AncientList's).

        public new object SyncRoot => base.SyncRoot;

        /// <summary>False, as an array's; a stored array cannot be changed all the same (IList.IsReadOnly says True).</summary>
        public new bool IsReadOnly => false;

        public new bool IsFixedSize => base.IsFixedSize;

        public new bool IsSynchronized => base.IsSynchronized;

        public new int Count => base.Count;

        /// <summary>
        /// A copy of the elements that can be changed, as an array's Clone() gives (<c>$copy = $stored.Clone()</c>): the
        /// array <see cref="AncientList.ToArray"/> makes.
        /// </summary>
        public object Clone() => ToArray();
    }
}
