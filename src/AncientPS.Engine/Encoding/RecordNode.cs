using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A record node (kind 0x53, docs/format-values.md "Record"): an 8-byte header of the kind and the shape node's offset
    /// in the 56 bits above it, then the slots, one per property of the shape and one more for the text slot of a shape with
    /// <see cref="ShapeNode.TextFlag"/> (<see cref="RecordShape.SlotCount"/>), laid out as the shape's <see cref="RecordLayout"/> says.
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

        /// <summary>Allocates a record of <paramref name="layout"/> and writes the header; returns the node, its slots to fill through the layout.</summary>
        public static byte* Write(INodeSink sink, long shapeOffset, RecordLayout layout, out long offset)
        {
            Debug.Assert(CanReach(shapeOffset) && shapeOffset > 0 && (shapeOffset & 7) == 0);
            byte* p = sink.Allocate(layout.Size, out offset);
            *(ulong*)p = Kind | ((ulong)shapeOffset << ShapeShift);
            return p;
        }

        /// <summary>Allocates and writes the header of a record of the classic layout (format 1.1 and before); returns the tags, and the payloads in <paramref name="payloads"/>.</summary>
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

        /// <summary>The record node's bytes, whose slots <see cref="RecordShape.Layout"/> reads.</summary>
        public static byte* Open(NodeContext context, long offset, RecordShape shape) => context.Space.Pointer(offset, shape.Layout.Size);
    }
}
