using System.Numerics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>Decimal (0x41), 24 bytes: kind; at 8, the four Int32 of decimal.GetBits (lo, mid, hi, flags).</summary>
    internal sealed unsafe class DecimalNode : ScalarNodeCodec
    {
        public const int BitsAt = 8;
        public const int Size = 24;

        public DecimalNode() : base(NodeTags.Decimal, typeof(decimal)) { }

        public override long Write(INodeSink sink, object value, string typeName)
        {
            int[] bits = decimal.GetBits((decimal)value);
            byte* p = sink.Allocate(Size, out long offset);
            p[0] = Tag;
            for (int i = 0; i < 4; i++) *(int*)(p + BitsAt + 4 * i) = bits[i];
            return offset;
        }

        public override object Read(NodeContext context, long offset)
        {
            byte* p = context.Node(offset, Size, Tag);
            int lo = *(int*)(p + BitsAt), mid = *(int*)(p + BitsAt + 4), hi = *(int*)(p + BitsAt + 8), flags = *(int*)(p + BitsAt + 12);
            int scale = (flags >> 16) & 0xFF;
            if ((flags & 0x7F00FFFF) != 0 || scale > 28) throw Corrupt.Node(offset, "holds an invalid decimal");
            return new decimal(lo, mid, hi, flags < 0, (byte)scale);
        }

        /// <summary>Equal decimals (1.0m and 1.00m) hash alike: trailing zeros of the scale are removed first.</summary>
        public override uint KeyHash(object key)
        {
            decimal d = (decimal)key;
            if (d == 0m) return Encoding.KeyHash.Mix(unchecked(Encoding.KeyHash.Golden * NodeTags.Decimal));
            int[] bits = decimal.GetBits(d);
            int scale = (bits[3] >> 16) & 0xFF;
            bool negative = bits[3] < 0;
            var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
            while (scale > 0 && mantissa % 10 == 0)
            {
                mantissa /= 10;
                scale--;
            }
            uint h = Encoding.KeyHash.Bytes(NodeTags.Decimal, mantissa.ToByteArray());
            return Encoding.KeyHash.Mix(h + (ulong)scale * 131 + (negative ? 7UL : 0UL));
        }
    }
}
