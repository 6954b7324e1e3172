namespace AncientPS.Engine
{
    /// <summary>
    /// Marks a value read from a heap (OCaml ancient's is_ancient): the engine's views, and a host's own wrapper of one (the
    /// PowerShell module's records). It has no members, so a wrapper that must show no members of its own can carry it.
    /// </summary>
    public interface IAncientValue
    {
    }

    /// <summary>
    /// A value read lazily from a heap. Two views with the same <see cref="Heap"/> and <see cref="Offset"/> are the same stored node.
    /// Internal, so that hosts which list an object's properties (PowerShell shows explicitly implemented members of public
    /// interfaces) never show these on a list; <see cref="AncientValue.Describe"/> is the public way to them.
    /// </summary>
    internal interface IAncientNode : IAncientValue
    {
        /// <summary>The heap the value lives in.</summary>
        MappedHeap Heap { get; }

        /// <summary>The key the value was read through.</summary>
        string Key { get; }

        /// <summary>The node's offset in the heap.</summary>
        long Offset { get; }
    }

    /// <summary>
    /// Lets a host turn nested views into its own objects as they are read (the PowerShell module wraps records in handles of its own).
    /// The default returns each view unchanged.
    /// </summary>
    public class ValueProjection
    {
        public static readonly ValueProjection None = new ValueProjection();

        public virtual object ProjectRecord(AncientRecord record) => record;

        /// <summary>
        /// Called for each record read: opens it as a view and hands that to <see cref="ProjectRecord(AncientRecord)"/>.
        /// Override this one instead to wrap records without allocating a view per record.
        /// </summary>
        public virtual object ProjectRecord(StoredRecord record) => ProjectRecord(record.Open());
        public virtual object ProjectList(AncientList list) => list;
        public virtual object ProjectDictionary(AncientDictionary dictionary) => dictionary;
    }
}
