using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A record shape node (kind 0x5E, docs/format-values.md "Shape"): kind, flags, property count, type name count, then
    /// the offsets of the type names' and the property names' string nodes.
    /// </summary>
    internal static unsafe class ShapeNode
    {
        public const byte Kind = NodeTags.Shape;
        public const int FlagsAt = 1;
        public const int CountAt = 4;
        public const int TypeCountAt = 8;
        public const int HeaderSize = 16;
        /// <summary>Flag bit 0: a property bag (such as a PSCustomObject), not a .NET object stored by its properties.</summary>
        public const byte PropertyBagFlag = 1;
        /// <summary>
        /// Flag bit 1: every record of the shape has one slot more than the shape has properties, after them, holding the
        /// text the original object gave as a string (its ToString), or null. Never set together with <see cref="PropertyBagFlag"/>.
        /// </summary>
        public const byte TextFlag = 2;

        public static long Size(long typeCount, long count) => HeaderSize + 8L * (typeCount + count);

        /// <summary>Writes a shape of the given name nodes: <paramref name="names"/> holds the type names' offsets, then the property names'.</summary>
        public static long Write(INodeSink sink, bool isPropertyBag, bool hasText, int typeCount, long[] names)
        {
            Debug.Assert(typeCount >= 0 && typeCount <= names.Length);
            Debug.Assert(!(isPropertyBag && hasText), "a property bag has no text of its own");
            byte* p = sink.Allocate(Size(typeCount, names.Length - typeCount), out long offset);
            p[0] = Kind;
            p[FlagsAt] = (byte)((isPropertyBag ? PropertyBagFlag : 0) | (hasText ? TextFlag : 0));
            *(uint*)(p + CountAt) = (uint)(names.Length - typeCount);
            *(uint*)(p + TypeCountAt) = (uint)typeCount;
            for (int i = 0; i < names.Length; i++)
            {
                Debug.Assert(names[i] > 0 && (names[i] & 7) == 0, "a shape refers to string nodes");
                *(long*)(p + HeaderSize + 8 * i) = names[i];
            }
            return offset;
        }

        public static RecordShape Read(NodeContext context, long offset)
        {
            NodeContext.CheckOffset((ulong)offset);
            byte* h = context.Node(offset, HeaderSize, Kind);
            byte flags = h[FlagsAt];
            if (flags > TextFlag) throw Corrupt.Node(offset, $"has unknown shape flags 0x{flags:X2}");
            uint n = *(uint*)(h + CountAt);
            uint t = *(uint*)(h + TypeCountAt);
            if (n >= int.MaxValue || t > int.MaxValue) throw Corrupt.Node(offset, "claims an impossible property count");
            byte* p = context.Space.Pointer(offset, Size(t, n));
            var typeNames = new string[t];
            var names = new string[n];
            for (int i = 0; i < t; i++) typeNames[i] = context.ReadName(*(long*)(p + HeaderSize + 8L * i));
            for (int i = 0; i < n; i++) names[i] = context.ReadName(*(long*)(p + HeaderSize + 8L * (t + i)));
            return new RecordShape(context, offset, typeNames, names, (flags & PropertyBagFlag) != 0, (flags & TextFlag) != 0);
        }
    }
}
