namespace AncientPS.Abstractions
{
    /// <summary>A key to act on, and whether the user named it literally (a missing literal key is an error, a pattern that matches nothing is not).</summary>
    /// <remarks>A class, not a struct: a list of a struct of ours is a generic instantiation the JIT compiles anew in every
    /// process (a dozen methods on the first Get), where a list of a class shares the framework's precompiled code.</remarks>
    public sealed class KeyTarget
    {
        public KeyTarget(string key, bool isLiteral, bool suggestLiteralKey)
        {
            Key = key;
            IsLiteral = isLiteral;
            SuggestLiteralKey = suggestLiteralKey;
        }

        public string Key { get; }
        public bool IsLiteral { get; }

        /// <summary>An invalid wildcard pattern taken as a key: if it is missing, the error points to -LiteralKey.</summary>
        public bool SuggestLiteralKey { get; }
    }
}
