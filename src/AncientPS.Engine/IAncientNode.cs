namespace AncientPS.Engine
{
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
}
