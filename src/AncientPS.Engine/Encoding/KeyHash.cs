using System;
using System.Numerics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The 32-bit hash a dictionary stores for each key. It mixes the key's type with its value, as a Hashtable compares
    /// (1 and 1L are different keys), and depends on nothing of the runtime, so any reader finds what any writer stored.
    /// </summary>
    internal static class KeyHash
    {
        private const ulong Golden = 0x9E37_79B9_7F4A_7C15UL;

        /// <summary>Hashes a key by value; false for null and for keys stored as nodes of their own (lists, dictionaries, records).</summary>
        public static bool TryCompute(object key, bool ignoreCase, out uint hash)
        {
            switch (key)
            {
                case null:
                    hash = 0;
                    return false;
                case string s:
                    hash = String(s, ignoreCase);
                    return true;
                case BigInteger b:
                    hash = Bytes(NodeTags.BigInteger, b.ToByteArray());
                    return true;
            }
            if (ScalarCodec.TryEncodeInline(key, out byte tag, out ulong payload))
            {
                hash = Inline(tag, payload);
                return true;
            }
            switch (key)
            {
                case decimal d:
                    hash = Decimal(d);
                    return true;
                case Guid g:
                    hash = Bytes(NodeTags.Guid, g.ToByteArray());
                    return true;
                case DateTimeOffset o:
                    hash = Mix(unchecked((ulong)o.UtcTicks + Golden * NodeTags.DateTimeOffset));
                    return true;
                case Version v:
                    hash = Mix(((ulong)(uint)v.Major << 32 | (uint)v.Minor) ^ Mix(((ulong)(uint)v.Build << 32 | (uint)v.Revision) + NodeTags.Version));
                    return true;
                case Uri u:
                    hash = String(u.OriginalString, false) ^ Mix(NodeTags.Uri);
                    return true;
                case Enum e:
                    hash = EnumHash(TypeNames.Of(e.GetType()), EnumBits(e));
                    return true;
            }
            hash = 0;
            return false;
        }

        public static uint Inline(byte tag, ulong payload) => Mix(unchecked(ScalarCodec.KeyPayload(tag, payload) + Golden * tag));

        public static uint Composite(byte tag, long offset) => Mix(unchecked((ulong)offset + Golden * tag));

        public static uint EnumHash(string typeName, ulong bits) => Mix(unchecked(bits + Golden * NodeTags.Enum)) ^ String(typeName, false);

        public static uint String(string s, bool ignoreCase)
        {
            uint h = 2166136261;
            if (ignoreCase)
                for (int i = 0; i < s.Length; i++) h = (h ^ CaseFold.Fold(s[i])) * 16777619;
            else
                for (int i = 0; i < s.Length; i++) h = (h ^ s[i]) * 16777619;
            return Mix(unchecked(h + Golden * NodeTags.String));
        }

        /// <summary>The bits of an enum value zero-extended from its underlying type, as an enum node stores them.</summary>
        public static ulong EnumBits(Enum e)
        {
            switch (Type.GetTypeCode(Enum.GetUnderlyingType(e.GetType())))
            {
                case TypeCode.SByte: return (byte)Convert.ToSByte(e);
                case TypeCode.Int16: return (ushort)Convert.ToInt16(e);
                case TypeCode.Int32: return (uint)Convert.ToInt32(e);
                case TypeCode.Int64: return (ulong)Convert.ToInt64(e);
                case TypeCode.Byte: return Convert.ToByte(e);
                case TypeCode.UInt16: return Convert.ToUInt16(e);
                case TypeCode.UInt32: return Convert.ToUInt32(e);
                case TypeCode.Char: return Convert.ToChar(e);
                case TypeCode.Boolean: return Convert.ToBoolean(e) ? 1UL : 0UL;
                default: return Convert.ToUInt64(e);
            }
        }

        /// <summary>Equal decimals (1.0m and 1.00m) hash alike: trailing zeros of the scale are removed first.</summary>
        private static uint Decimal(decimal d)
        {
            if (d == 0m) return Mix(unchecked(Golden * NodeTags.Decimal));
            int[] bits = decimal.GetBits(d);
            int scale = (bits[3] >> 16) & 0xFF;
            bool negative = bits[3] < 0;
            var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
            while (scale > 0 && mantissa % 10 == 0)
            {
                mantissa /= 10;
                scale--;
            }
            uint h = Bytes(NodeTags.Decimal, mantissa.ToByteArray());
            return Mix(h + (ulong)scale * 131 + (negative ? 7UL : 0UL));
        }

        private static uint Bytes(byte tag, byte[] bytes)
        {
            uint h = 2166136261;
            for (int i = 0; i < bytes.Length; i++) h = (h ^ bytes[i]) * 16777619;
            return Mix(unchecked(h + Golden * tag));
        }

        public static uint Mix(ulong x)
        {
            x ^= x >> 33;
            x *= 0xFF51_AFD7_ED55_8CCDUL;
            x ^= x >> 33;
            x *= 0xC4CE_B9FE_1A85_EC53UL;
            x ^= x >> 33;
            return (uint)x;
        }
    }
}
