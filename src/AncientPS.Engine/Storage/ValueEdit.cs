namespace AncientPS.Engine.Storage
{
    /// <summary>One change to a stored list or dictionary: what an update in place writes.</summary>
    internal sealed class ValueEdit
    {
        public ValueEditKind Kind;
        /// <summary>The list index; negative counts from the end (-1 is the last element).</summary>
        public int Index;
        public object EntryKey;
        public object Value;
    }
}
