using System;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Encodes an object graph into heap nodes (docs/format-values.md); one <see cref="GraphWriter"/> per write.</summary>
    internal static class NodeWriter
    {
        public static EncodedValue Write(object value, INodeAllocator allocator, SetOptions options)
        {
            if (allocator == null) throw new ArgumentNullException(nameof(allocator));
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("AncientPS heaps are little-endian; this processor is big-endian.");
            options = options ?? new SetOptions();
            if (options.Depth < 0 || options.Depth > SetOptions.MaximumDepth)
                throw new ArgumentOutOfRangeException(nameof(options), options.Depth, $"Depth must be between 0 and {SetOptions.MaximumDepth}.");
            return new GraphWriter(allocator, options).WriteRoot(value);
        }
    }
}
