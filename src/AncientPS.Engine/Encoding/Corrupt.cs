namespace AncientPS.Engine.Encoding
{
    /// <summary>The one place the reader builds corruption errors, so that every message names what was wrong.</summary>
    internal static class Corrupt
    {
        public static AncientHeapCorruptException Tag(byte tag) =>
            new AncientHeapCorruptException($"The heap is damaged: a value has the unknown tag 0x{tag:X2}.");

        public static AncientHeapCorruptException Kind(long offset, byte expected, byte found) =>
            new AncientHeapCorruptException($"The heap is damaged: the node at offset {offset} has kind 0x{found:X2} where 0x{expected:X2} was expected.");

        public static AncientHeapCorruptException Value(string what, ulong payload) =>
            new AncientHeapCorruptException($"The heap is damaged: 0x{payload:X16} is not a valid payload for {what}.");

        public static AncientHeapCorruptException Offset(ulong offset) =>
            new AncientHeapCorruptException($"The heap is damaged: 0x{offset:X} is not a valid node offset.");

        public static AncientHeapCorruptException Node(long offset, string problem) =>
            new AncientHeapCorruptException($"The heap is damaged: the node at offset {offset} {problem}.");
    }
}
