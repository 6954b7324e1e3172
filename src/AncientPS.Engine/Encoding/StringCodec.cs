using System;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// Strings are stored as UTF-8 unless that is larger than UTF-16 or the string holds a lone surrogate
    /// (which UTF-8 cannot carry); then as UTF-16LE. Short UTF-8 strings ride in the slot payload.
    /// </summary>
    internal static unsafe class StringCodec
    {
        public const byte Utf8 = 0;
        public const byte Utf16 = 1;

        private static readonly System.Text.Encoding s_utf8 = new System.Text.UTF8Encoding(false, false);

        /// <summary>Chooses the encoding of <paramref name="s"/> and counts its bytes in that encoding.</summary>
        public static byte Choose(string s, out int byteCount, out bool ascii)
        {
            long utf8 = 0;
            ascii = true;
            bool lone = false;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c < 0x80) { utf8++; continue; }
                ascii = false;
                if (c < 0x800) utf8 += 2;
                else if (c >= 0xD800 && c <= 0xDFFF)
                {
                    if (c <= 0xDBFF && i + 1 < s.Length && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) { utf8 += 4; i++; }
                    else lone = true;
                }
                else utf8 += 3;
            }
            long utf16 = 2L * s.Length;
            if (lone || utf8 > utf16)
            {
                byteCount = checked((int)utf16);
                return Utf16;
            }
            byteCount = checked((int)utf8);
            return Utf8;
        }

        public static void Encode(string s, byte encoding, byte* dest, int byteCount, bool ascii)
        {
            if (s.Length == 0) return;
            fixed (char* chars = s)
            {
                if (encoding == Utf16) Buffer.MemoryCopy(chars, dest, byteCount, byteCount);
                else if (ascii) for (int i = 0; i < s.Length; i++) dest[i] = (byte)chars[i];
                else s_utf8.GetBytes(chars, s.Length, dest, byteCount);
            }
        }

        public static string Decode(byte* p, int byteCount, byte encoding)
        {
            if (byteCount == 0) return string.Empty;
            if (encoding == Utf16) return new string((char*)p, 0, byteCount / 2);
            // ASCII needs no decoder.
            int i = 0;
            while (i < byteCount && p[i] < 0x80) i++;
            if (i == byteCount) return new string((sbyte*)p, 0, byteCount);
            return s_utf8.GetString(p, byteCount);
        }

        /// <summary>Packs a string of at most 8 UTF-8 bytes into a payload; false if it does not fit.</summary>
        public static bool TryPackShort(string s, out byte tag, out ulong payload)
        {
            tag = 0;
            payload = 0;
            if (s.Length == 9) return TryPackAscii9(s, out tag, out payload);
            if (s.Length > 8) return false;
            byte enc = Choose(s, out int n, out bool ascii);
            if (enc != Utf8 || n > 8) return false;
            ulong v = 0;
            Encode(s, Utf8, (byte*)&v, n, ascii);
            tag = (byte)(NodeTags.ShortString + n);
            payload = v;
            return true;
        }

        private static bool TryPackAscii9(string s, out byte tag, out ulong payload)
        {
            ulong v = 0;
            for (int i = 0; i < 9; i++)
            {
                char c = s[i];
                if (c >= 0x80)
                {
                    tag = 0;
                    payload = 0;
                    return false;
                }
                v |= (ulong)c << (7 * i);
            }
            tag = NodeTags.ShortAscii;
            payload = v;
            return true;
        }

        /// <summary>Unpacks the 9 ASCII characters of a <see cref="NodeTags.ShortAscii"/> payload into 9 bytes.</summary>
        public static void UnpackAscii9(ulong payload, byte* bytes)
        {
            for (int i = 0; i < 9; i++) bytes[i] = (byte)((payload >> (7 * i)) & 0x7F);
        }

        public static string UnpackShort(byte tag, ulong payload)
        {
            if (tag == NodeTags.ShortAscii)
            {
                char* chars = stackalloc char[9];
                for (int i = 0; i < 9; i++) chars[i] = (char)((payload >> (7 * i)) & 0x7F);
                return new string(chars, 0, 9);
            }
            int n = tag - NodeTags.ShortString;
            return Decode((byte*)&payload, n, Utf8);
        }

        /// <summary>Compares stored bytes with <paramref name="s"/> without decoding when both are ASCII.</summary>
        public static bool EqualsStored(byte* p, int byteCount, byte encoding, string s, bool ignoreCase)
        {
            if (encoding == Utf16)
            {
                if (byteCount != 2 * s.Length) return false;
                char* c = (char*)p;
                for (int i = 0; i < s.Length; i++)
                    if (c[i] != s[i] && (!ignoreCase || CaseFold.Fold(c[i]) != CaseFold.Fold(s[i]))) return false;
                return true;
            }
            if (byteCount < s.Length || byteCount > 3L * s.Length) return false;
            int k = 0;
            for (; k < byteCount && k < s.Length; k++)
            {
                byte b = p[k];
                char c = s[k];
                if (b >= 0x80 || c >= 0x80) break;
                if (b != c && (!ignoreCase || CaseFold.Fold((char)b) != CaseFold.Fold(c))) return false;
            }
            if (k == byteCount) return k == s.Length;
            string stored = s_utf8.GetString(p, byteCount);
            return ignoreCase ? CaseFold.Equals(stored, s) : string.Equals(stored, s);
        }
    }
}
