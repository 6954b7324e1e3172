namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The case folding of case-insensitive dictionaries: one self-contained table, so that hashes written by one runtime
    /// are found by every other. ASCII letters, Latin-1, Latin Extended-A, basic Greek and Cyrillic and fullwidth Latin fold
    /// to upper case; every other character compares as itself.
    /// </summary>
    internal static class CaseFold
    {
        public static char Fold(char c)
        {
            if (c < 0x80) return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
            if (c < 0x100)
            {
                if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return (char)(c - 32);
                if (c == 0xFF) return (char)0x178;
                return c;
            }
            if (c < 0x180)
            {
                if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return (char)(c & ~1);
                if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) == 0 ? (char)(c - 1) : c;
                return c;
            }
            if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return (char)(c - 32);
            if (c == 0x3C2) return (char)0x3A3;
            if (c >= 0x430 && c <= 0x44F) return (char)(c - 32);
            if (c >= 0x450 && c <= 0x45F) return (char)(c - 80);
            if (c >= 0xFF41 && c <= 0xFF5A) return (char)(c - 32);
            return c;
        }

        public static bool Equals(string a, string b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (a[i] != b[i] && Fold(a[i]) != Fold(b[i])) return false;
            return true;
        }
    }
}
