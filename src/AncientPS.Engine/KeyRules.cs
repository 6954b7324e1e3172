using System;

namespace AncientPS.Engine
{
    /// <summary>
    /// What a key may be. Keys compare ordinally, ignoring case in ASCII letters only, so that the answer never depends
    /// on the culture or on the Unicode tables of the runtime that wrote the file.
    /// </summary>
    internal static class KeyRules
    {
        public const int MaxKeyLength = 1024;

        public static void Validate(string key)
        {
            if (key == null) throw new ArgumentNullException(nameof(key), "A key is required.");
            if (key.Length == 0) throw new ArgumentException("A key cannot be empty.", nameof(key));
            if (key.Length > MaxKeyLength)
                throw new ArgumentException($"A key can be at most {MaxKeyLength} characters long; this one has {key.Length}.", nameof(key));
            for (int i = 0; i < key.Length; i++)
            {
                char c = key[i];
                if (c < 0x20 || c == 0x7F)
                    throw new ArgumentException($"A key cannot contain control characters (found U+{(int)c:X4} at position {i}).", nameof(key));
                if (char.IsSurrogate(c))
                {
                    if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1])) { i++; continue; }
                    throw new ArgumentException($"A key cannot contain a lone surrogate (at position {i}).", nameof(key));
                }
            }
        }

        /// <summary>True when <paramref name="key"/> passes <see cref="Validate"/>; for keys read from a file.</summary>
        public static bool IsValid(string key)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength) return false;
            for (int i = 0; i < key.Length; i++)
            {
                char c = key[i];
                if (c < 0x20 || c == 0x7F) return false;
                if (char.IsSurrogate(c))
                {
                    if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1])) { i++; continue; }
                    return false;
                }
            }
            return true;
        }

        public static char Fold(char c) => c >= 'a' && c <= 'z' ? (char)(c - 32) : c;

        public static bool KeyEquals(string a, string b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (a[i] != b[i] && Fold(a[i]) != Fold(b[i])) return false;
            return true;
        }

        public static int Compare(string a, string b)
        {
            int n = Math.Min(a.Length, b.Length);
            for (int i = 0; i < n; i++)
            {
                int d = Fold(a[i]) - Fold(b[i]);
                if (d != 0) return d;
            }
            return a.Length - b.Length;
        }

        /// <summary>64-bit FNV-1a over the folded UTF-16 code units.</summary>
        public static ulong Hash(string key)
        {
            ulong h = 14695981039346656037UL;
            for (int i = 0; i < key.Length; i++)
            {
                char c = Fold(key[i]);
                h = (h ^ (byte)c) * 1099511628211UL;
                h = (h ^ (byte)(c >> 8)) * 1099511628211UL;
            }
            return h;
        }
    }
}
