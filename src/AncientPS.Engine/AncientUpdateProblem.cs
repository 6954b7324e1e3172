namespace AncientPS.Engine
{
    /// <summary>Why an update in place (<see cref="MappedHeap.SetElement"/>, <see cref="MappedHeap.SetEntry"/>, <see cref="MappedHeap.RemoveEntry"/>) was refused.</summary>
    public enum AncientUpdateProblem
    {
        /// <summary>An element was addressed by index, but the stored value is not a list.</summary>
        NotAList,
        /// <summary>An entry was addressed by key, but the stored value is not a dictionary.</summary>
        NotADictionary,
        /// <summary>The list is stored packed (an int[], double[] ...), and the new element is not of (or losslessly convertible to) its element type.</summary>
        PackedList,
        /// <summary>The index is outside the list.</summary>
        IndexOutOfRange,
        /// <summary>The entry key is null.</summary>
        NullEntryKey,
    }
}
