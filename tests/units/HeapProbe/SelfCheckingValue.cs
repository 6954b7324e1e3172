using System;
using AncientPS.Engine;

namespace AncientPS.HeapProbe
{
    /// <summary>A value that carries its own checksum and a version counter: { version, key, payload, checksum }.</summary>
    public static class SelfCheckingValue
    {
        public static object[] Make(string key, long version, int size)
        {
            var payload = new byte[size];
            new Random(unchecked((int)version * 31 + key.GetHashCode())).NextBytes(payload);
            return new object[] { version, key, payload, Sum(version, key, payload) };
        }

        public static long NextVersion(MappedHeap heap, string key)
            => heap.TryGet(key, out var old) && old is AncientList list && list.Count == 4 && list[0] is long v ? v + 1 : 1;

        /// <summary>Returns null when the value is intact, else what is wrong.</summary>
        public static string Check(string key, object value, out long version)
        {
            version = -1;
            if (!(value is AncientList list) || list.Count != 4) return $"{key}: not a 4-element list but {value}";
            if (!(list[0] is long v) || !(list[1] is string k) || !(list[3] is long sum)) return $"{key}: fields of the wrong types";
            var payload = (byte[])((AncientList)list[2]).ToArray();
            version = v;
            if (k != key) return $"{key}: holds the value of {k}";
            if (Sum(v, k, payload) != sum) return $"{key}: version {v} fails its checksum";
            return null;
        }

        private static long Sum(long version, string key, byte[] payload)
        {
            unchecked
            {
                long h = 1469598103934665603L ^ version;
                foreach (char c in key) h = (h ^ c) * 1099511628211L;
                foreach (byte b in payload) h = (h ^ b) * 1099511628211L;
                return h;
            }
        }
    }
}
