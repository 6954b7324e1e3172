namespace AncientPS.Engine
{
    /// <summary>
    /// A value read lazily from a heap. Two views with the same <see cref="Heap"/> and <see cref="Offset"/> are the same stored node.
    /// </summary>
    public interface IAncientNode
    {
        /// <summary>The heap the value lives in.</summary>
        AncientHeap Heap { get; }

        /// <summary>The key the value was read through.</summary>
        string Key { get; }

        /// <summary>The node's offset in the heap.</summary>
        long Offset { get; }
    }

    /// <summary>
    /// Lets a host turn nested views into its own objects as they are read (the PowerShell module wraps records in PSObjects).
    /// The default returns each view unchanged.
    /// </summary>
    public class ValueProjection
    {
        public static readonly ValueProjection None = new ValueProjection();

        public virtual object ProjectRecord(AncientRecord record) => record;
        public virtual object ProjectList(AncientList list) => list;
        public virtual object ProjectDictionary(AncientDictionary dictionary) => dictionary;
    }
}
