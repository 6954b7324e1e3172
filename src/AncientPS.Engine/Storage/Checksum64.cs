namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// XXH64 (Yann Collet's 64-bit xxHash, implemented from its published description). Fast enough to checksum a value
    /// as it is committed, and strong enough to tell a damaged byte from an intact one.
    /// </summary>
    internal static unsafe class Checksum64
    {
        private const ulong P1 = 0x9E3779B185EBCA87UL;
        private const ulong P2 = 0xC2B2AE3D27D4EB4FUL;
        private const ulong P3 = 0x165667B19E3779F9UL;
        private const ulong P4 = 0x85EBCA77C2B2AE63UL;
        private const ulong P5 = 0x27D4EB2F165667C5UL;

        private static ulong Rotl(ulong x, int r) => (x << r) | (x >> (64 - r));

        private static ulong Round(ulong acc, ulong input)
        {
            acc += input * P2;
            acc = Rotl(acc, 31);
            return acc * P1;
        }

        private static ulong Merge(ulong acc, ulong val)
        {
            acc ^= Round(0, val);
            return acc * P1 + P4;
        }

        public static ulong Compute(byte* p, long length, ulong seed = 0)
        {
            byte* end = p + length;
            ulong h;
            if (length >= 32)
            {
                ulong v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
                byte* limit = end - 32;
                do
                {
                    v1 = Round(v1, *(ulong*)p);
                    v2 = Round(v2, *(ulong*)(p + 8));
                    v3 = Round(v3, *(ulong*)(p + 16));
                    v4 = Round(v4, *(ulong*)(p + 24));
                    p += 32;
                } while (p <= limit);
                h = Rotl(v1, 1) + Rotl(v2, 7) + Rotl(v3, 12) + Rotl(v4, 18);
                h = Merge(h, v1);
                h = Merge(h, v2);
                h = Merge(h, v3);
                h = Merge(h, v4);
            }
            else
            {
                h = seed + P5;
            }

            h += (ulong)length;
            while (p + 8 <= end)
            {
                h ^= Round(0, *(ulong*)p);
                h = Rotl(h, 27) * P1 + P4;
                p += 8;
            }
            if (p + 4 <= end)
            {
                h ^= *(uint*)p * P1;
                h = Rotl(h, 23) * P2 + P3;
                p += 4;
            }
            while (p < end)
            {
                h ^= *p * P5;
                h = Rotl(h, 11) * P1;
                p++;
            }
            h ^= h >> 33;
            h *= P2;
            h ^= h >> 29;
            h *= P3;
            h ^= h >> 32;
            return h;
        }

        public static ulong Compute(byte[] data, int offset, int length, ulong seed = 0)
        {
            fixed (byte* p = data) return Compute(p + offset, length, seed);
        }
    }
}
