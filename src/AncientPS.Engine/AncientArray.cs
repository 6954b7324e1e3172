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

        /// <summary>
        /// A copy of the elements that can be changed, as an array's Clone() gives (<c>$copy = $stored.Clone()</c>): the
        /// array <see cref="AncientList.ToArray"/> makes.
        /// </summary>
        public object Clone() => ToArray();
    }
}
