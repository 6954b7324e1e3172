namespace AncientPS.Engine.Encoding
{
    /// <summary>How the writer stores values of one .NET type (<see cref="TypeProfile.Kind"/>).</summary>
    internal enum StoredKind : byte
    {
        Inline,
        String,
        /// <summary>A scalar stored as a node of its own, through <see cref="TypeProfile.Codec"/>.</summary>
        ScalarNode,
        PackedArray,
        PackedList,
        List,
        Enumerable,
        Dictionary,
        GenericDictionary,
        AncientList,
        AncientDictionary,
        AncientRecord,
        MaterializedRecord,
        Object,
        RefusedSecret,
        RefusedUnrepresentable,
    }
}
