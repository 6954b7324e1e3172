namespace AncientPS.Engine
{
    /// <summary>One thing wrong with a heap file: where it is and what is wrong.</summary>
    public sealed class HeapProblem
    {
        internal HeapProblem(string path, HeapArea area, long offset, string key, string message)
        {
            Path = path;
            Area = area;
            Offset = offset;
            Key = key;
            Message = message;
        }

        /// <summary>The heap file.</summary>
        public string Path { get; }

        /// <summary>The byte offset in the file where the problem is (of the node, field or range concerned).</summary>
        public long Offset { get; }

        public HeapArea Area { get; }

        /// <summary>The key whose entry or value is damaged; null for problems outside any key.</summary>
        public string Key { get; }

        public string Message { get; }

        public override string ToString() => Key == null ? $"{Area} at {Offset}: {Message}" : $"{Area} at {Offset} (key '{Key}'): {Message}";
    }
}
