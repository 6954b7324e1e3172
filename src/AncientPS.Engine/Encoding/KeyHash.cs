using System;
using System.Numerics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The 32-bit hash a dictionary stores for each key. It mixes the key's type with its value, as a Hashtable compares
    /// (1 and 1L are different keys), and depends on nothing of the runtime, so any reader finds what any writer stored.
    /// The rule of each scalar stored as a node lives with its codec (<see cref="ScalarNodeCodec.KeyHash"/>).
    /// </summary>
    internal static class KeyHash
    {
        public const ulong Golden = 0x9E37_79B9_7F4A_7C15UL;

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
            }
            // A BigInteger that fits a payload still hashes by its node's rule, so that it is one key however it is stored.
            if (!(key is BigInteger) && ScalarCodec.TryEncodeInline(key, out byte tag, out ulong payload))
            {
                hash = Inline(tag, payload);
                return true;
            }
            var codec = ScalarNodes.For(key.GetType());
            if (codec != null)
            {
                hash = codec.KeyHash(key);
                return true;
            }
            hash = 0;
            return false;
        }

        public static uint Inline(byte tag, ulong payload) => Mix(unchecked(ScalarCodec.KeyPayload(tag, payload) + Golden * tag));

        public static uint Composite(byte tag, long offset) => Mix(unchecked((ulong)offset + Golden * tag));

        public static uint String(string s, bool ignoreCase)
        {
            uint h = 2166136261;
            if (ignoreCase)
                for (int i = 0; i < s.Length; i++) h = (h ^ CaseFold.Fold(s[i])) * 16777619;
            else
                for (int i = 0; i < s.Length; i++) h = (h ^ s[i]) * 16777619;
            return Mix(unchecked(h + Golden * NodeTags.String));
        }

        /// <summary>FNV-1a over <paramref name="bytes"/>, mixed with <paramref name="tag"/>.</summary>
        public static uint Bytes(byte tag, byte[] bytes)
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
