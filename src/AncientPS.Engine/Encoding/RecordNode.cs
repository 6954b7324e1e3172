using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A record node (kind 0x53, docs/format-values.md "Record"): an 8-byte header of the kind and the shape node's offset
    /// in the 56 bits above it, then the run of tags and the payloads, one per property of the shape and one more for the text slot of a shape with
    /// <see cref="ShapeNode.TextFlag"/> (<see cref="RecordShape.SlotCount"/>).
    /// </summary>
    internal static unsafe class RecordNode
    {
        public const byte Kind = NodeTags.Record;
        /// <summary>The shape's offset fills bytes 1..7 of the header.</summary>
        public const int ShapeAt = 1;
        public const int ShapeBytes = 7;
        public const int HeaderSize = 8;
        private const int ShapeShift = 8 * ShapeAt;

        public static long Size(int count) => HeaderSize + NodeTags.Align8(count) + 8L * count;

        /// <summary>Whether a header can hold <paramref name="shapeOffset"/>.</summary>
        public static bool CanReach(long shapeOffset) => ((ulong)shapeOffset >> (8 * ShapeBytes)) == 0;

        /// <summary>Allocates and writes the header; returns the tags, and the payloads in <paramref name="payloads"/>.</summary>
        public static byte* Write(INodeSink sink, long shapeOffset, int count, out ulong* payloads, out long offset)
        {
            Debug.Assert(CanReach(shapeOffset) && shapeOffset > 0 && (shapeOffset & 7) == 0);
            byte* p = sink.Allocate(Size(count), out offset);
            *(ulong*)p = Kind | ((ulong)shapeOffset << ShapeShift);
            payloads = (ulong*)(p + HeaderSize + NodeTags.Align8(count));
            return p + HeaderSize;
        }

        /// <summary>The offset of the record's shape node, after checking its kind.</summary>
        public static long ReadShapeOffset(NodeContext context, long offset)
            => (long)(*(ulong*)context.Node(offset, HeaderSize, Kind) >> ShapeShift);

        /// <summary>A record node's slots: its tag bytes (returned) and its payloads, after the header.</summary>
        public static byte* Slots(NodeContext context, long offset, int count, out ulong* payloads)
        {
            byte* p = context.Space.Pointer(offset, Size(count));
            payloads = (ulong*)(p + HeaderSize + NodeTags.Align8(count));
            return p + HeaderSize;
        }
    }
}
