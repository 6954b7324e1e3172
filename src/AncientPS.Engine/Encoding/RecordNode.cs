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

        /// <summary>
        /// Bit 0 of the shape field (format 1.3; a shape's offset is a multiple of 8, so its low 3 bits were always 0): the
        /// record is referred to more than once in its value (a row and a parent sharing one object), so that a reader can
        /// give one object for it wherever it is met, as the original graph had. Bits 1 and 2 stay 0.
        /// </summary>
        public const ulong SharedBit = 1UL << ShapeShift;

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
        {
            ulong field = *(ulong*)context.Node(offset, HeaderSize, Kind) >> ShapeShift;
            if ((field & 6) != 0) throw Corrupt.Node(offset, $"has a shape field of 0x{field:X} (bits 1 and 2 are always 0)");
            return (long)(field & ~7UL);
        }

        /// <summary>True when the record's header says it is referred to more than once in its value (<see cref="SharedBit"/>).</summary>
        public static bool IsShared(NodeContext context, long offset) => (*(ulong*)context.Node(offset, HeaderSize, Kind) & SharedBit) != 0;

        /// <summary>Marks the record node at <paramref name="node"/> as referred to more than once.</summary>
        public static void MarkShared(byte* node)
        {
            Debug.Assert(node[0] == Kind, "only a record node is marked");
            *(ulong*)node |= SharedBit;
        }

        /// <summary>The record node's bytes, whose slots <see cref="RecordShape.Layout"/> reads.</summary>
        public static byte* Open(NodeContext context, long offset, RecordShape shape) => context.Space.Pointer(offset, shape.Layout.Size);
    }
}
