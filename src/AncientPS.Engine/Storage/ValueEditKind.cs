namespace AncientPS.Engine.Storage
{
    internal enum ValueEditKind
    {
        /// <summary>Replace the list element at an index.</summary>
        SetElement,
        /// <summary>Add a dictionary entry, or replace the value of the entry with that key.</summary>
        SetEntry,
        /// <summary>Remove the dictionary entry with a key.</summary>
        RemoveEntry,
    }
}
