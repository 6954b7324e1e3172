namespace AncientPS.Engine
{
    /// <summary>
    /// Marks a value read from a heap (OCaml ancient's is_ancient): the engine's views, and a host's own wrapper of one (the
    /// PowerShell module's records). It has no members, so a wrapper that must show no members of its own can carry it.
    /// </summary>
    public interface IAncientValue
    {
    }
}
