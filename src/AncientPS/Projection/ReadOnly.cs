namespace AncientPS.Projection
{
    /// <summary>The read-only messages every attempt to change a stored value gives.</summary>
    internal static class ReadOnly
    {
        public static string CollectionMessage => "Values read from a heap are read-only. Use Get-AncientObject -Materialize for a copy you can change, then store it again with Set-AncientObject.";

        public static string PropertyMessage(string name) => $"'{name}' cannot be changed: values read from a heap are read-only. Use Get-AncientObject -Materialize for a copy you can change, then store it again with Set-AncientObject.";
    }
}
