using System.Numerics;
using System.Runtime.InteropServices;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// BigInteger (0x42): kind; at 4, UInt32 byte count n; at 8, the bytes of BigInteger.ToByteArray. A BigInteger that fits
    /// an Int64 is written inline (tag 0x0F) instead; as a dictionary key it hashes by this node's rule either way.
    /// </summary>
    internal sealed unsafe class BigIntegerNode : ScalarNodeCodec
    {
        public const int LengthAt = 4;
        public const int BytesAt = 8;
        public const int HeaderSize = 8;

        public BigIntegerNode() : base(NodeTags.BigInteger, typeof(BigInteger)) { }

        public override bool TryWriteInline(object value, out byte tag, out ulong payload) => ScalarCodec.TryEncodeInline(value, out tag, out payload);

        public override long Write(INodeSink sink, object value, string typeName)
        {
            byte[] bytes = ((BigInteger)value).ToByteArray();
            byte* p = sink.Allocate(HeaderSize + (long)bytes.Length, out long offset);
            p[0] = Tag;
            *(uint*)(p + LengthAt) = (uint)bytes.Length;
            Marshal.Copy(bytes, 0, (System.IntPtr)(p + BytesAt), bytes.Length);
            return offset;
        }

        public override object Read(NodeContext context, long offset)
        {
            byte* h = context.Node(offset, HeaderSize, Tag);
            uint n = *(uint*)(h + LengthAt);
            if (n > int.MaxValue) throw Corrupt.Node(offset, $"claims a BigInteger of {n} bytes");
            byte* p = context.Space.Pointer(offset, HeaderSize + (long)n);
            var bytes = new byte[n];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = p[BytesAt + i];
            return bytes.Length == 0 ? BigInteger.Zero : new BigInteger(bytes);
        }

        public override uint KeyHash(object key) => Encoding.KeyHash.Bytes(NodeTags.BigInteger, ((BigInteger)key).ToByteArray());
    }
}
