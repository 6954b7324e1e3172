using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The string node (kind 0x40, docs/format-values.md "String"): kind, encoding, a 16-bit byte count (or 0xFFFF and a
    /// 32-bit count after it), then the bytes.
    /// </summary>
    internal static unsafe class StringNode
    {
        public const byte Kind = NodeTags.String;
        public const int EncodingAt = 1;
        public const int LengthAt = 2;
        public const int LongLengthAt = 4;
        public const int HeaderSize = 4;
        public const int LongHeaderSize = 8;
        /// <summary>The 16-bit count that says the count follows in 32 bits.</summary>
        public const ushort LongMarker = 0xFFFF;

        public static long Size(int byteCount) => (byteCount < LongMarker ? HeaderSize : LongHeaderSize) + (long)byteCount;

        public static long Write(INodeSink sink, string s)
        {
            byte encoding = StringCodec.Choose(s, out int n, out bool ascii);
            int header = n < LongMarker ? HeaderSize : LongHeaderSize;
            byte* p = sink.Allocate(Size(n), out long offset);
            p[0] = Kind;
            p[EncodingAt] = encoding;
            if (header == HeaderSize) *(ushort*)(p + LengthAt) = (ushort)n;
            else
            {
                *(ushort*)(p + LengthAt) = LongMarker;
                *(uint*)(p + LongLengthAt) = (uint)n;
            }
            StringCodec.Encode(s, encoding, p + header, n, ascii);
            return offset;
        }

        /// <summary>Locates the bytes of a string node after checking its header against the snapshot.</summary>
        public static byte* Bytes(NodeContext context, long offset, out int length, out byte encoding)
        {
            byte* h = context.Node(offset, HeaderSize, Kind);
            encoding = h[EncodingAt];
            if (encoding > StringCodec.Utf16) throw Corrupt.Node(offset, $"has the unknown string encoding {encoding}");
            long n = *(ushort*)(h + LengthAt);
            int header = HeaderSize;
            if (n == LongMarker)
            {
                h = context.Space.Pointer(offset, LongHeaderSize);
                n = *(uint*)(h + LongLengthAt);
                header = LongHeaderSize;
                if (n > int.MaxValue) throw Corrupt.Node(offset, $"claims a string of {n} bytes");
            }
            if (encoding == StringCodec.Utf16 && (n & 1) != 0) throw Corrupt.Node(offset, "holds UTF-16 of an odd byte count");
            byte* p = context.Space.Pointer(offset, header + n);
            length = (int)n;
            Debug.Assert(length >= 0 && (encoding != StringCodec.Utf16 || (length & 1) == 0));
            return p + header;
        }

        public static string Read(NodeContext context, long offset)
        {
            byte* p = Bytes(context, offset, out int length, out byte encoding);
            return StringCodec.Decode(p, length, encoding);
        }
    }
}
