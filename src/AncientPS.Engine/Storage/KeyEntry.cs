using System;
using System.Text;

namespace AncientPS.Engine.Storage
{
    /// <summary>A key's directory entry: the key, the root of its value, and what a listing shows without touching the value.</summary>
    internal sealed unsafe class KeyEntry
    {
        public const int FixedSize = 64;
        public const int MaxTypeNameLength = 512;

        public long Offset;
        public byte Tag;
        public ulong Payload;
        public ulong Hash;
        public long Born;
        public long WrittenTicks;
        public long StoredSize;
        public long Extents;
        public ulong ValueChecksum;
        public string Key;
        public string TypeName;

        public long Size => SizeFor(Key.Length, TypeName.Length);

        public static long SizeFor(int keyLength, int typeLength) => HeapLayout.Align(FixedSize + 2L * (keyLength + typeLength));

        public static KeyEntry Read(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, FixedSize);
            if (p[0] != HeapLayout.KindEntry) throw new AncientHeapCorruptException($"Expected a key entry at offset {offset}.");
            int keyLength = *(ushort*)(p + 2);
            int typeLength = *(ushort*)(p + 4);
            if (keyLength == 0 || keyLength > KeyRules.MaxKeyLength || typeLength > MaxTypeNameLength)
                throw new AncientHeapCorruptException($"The key entry at offset {offset} has impossible lengths.");
            long size = SizeFor(keyLength, typeLength);
            p = space.At(offset, size);
            ulong stored = *(ulong*)(p + 56);
            ulong actual = EntryChecksum(p, keyLength, typeLength);
            if (stored != actual) throw new AncientHeapCorruptException($"The key entry at offset {offset} fails its checksum.");
            var e = new KeyEntry
            {
                Offset = offset,
                Tag = p[1],
                Payload = *(ulong*)(p + 8),
                Hash = *(ulong*)(p + 16),
                Born = *(long*)(p + 24),
                WrittenTicks = *(long*)(p + 32),
                StoredSize = *(long*)(p + 40),
                Extents = *(long*)(p + 48),
                Key = new string((char*)(p + FixedSize), 0, keyLength),
                TypeName = new string((char*)(p + FixedSize + 2 * keyLength), 0, typeLength),
            };
            // The checksum only proves the entry is as written; a crafted entry can carry a key that no Get accepts or
            // a hash that leads elsewhere, and would be listed but never found.
            if (!KeyRules.IsValid(e.Key) || e.Hash != KeyRules.Hash(e.Key))
                throw new AncientHeapCorruptException($"The key entry at offset {offset} holds an invalid key or a hash that is not its key's.");
            e.ValueChecksum = ValueChecksumOf(space, e.Extents, offset);
            if (e.WrittenTicks < DateTime.MinValue.Ticks || e.WrittenTicks > DateTime.MaxValue.Ticks || e.StoredSize < 0)
                throw new AncientHeapCorruptException($"The key entry at offset {offset} has impossible values.");
            return e;
        }

        private static ulong ValueChecksumOf(BoundedSpace space, long extents, long entryOffset)
        {
            if (extents == 0) return 0;
            byte* x = space.At(extents, ExtentList.HeaderSize);
            return *(ulong*)(x + 16);
        }

        /// <summary>Checks that <paramref name="key"/> (already hashed) is this entry's key, without decoding it.</summary>
        public static bool Matches(BoundedSpace space, long offset, string key, ulong hash)
        {
            byte* p = space.At(offset, FixedSize);
            if (p[0] != HeapLayout.KindEntry) throw new AncientHeapCorruptException($"Expected a key entry at offset {offset}.");
            if (*(ulong*)(p + 16) != hash) return false;
            int keyLength = *(ushort*)(p + 2);
            if (keyLength != key.Length) return false;
            char* k = (char*)space.At(offset + FixedSize, 2L * keyLength);
            for (int i = 0; i < keyLength; i++)
                if (k[i] != key[i] && KeyRules.Fold(k[i]) != KeyRules.Fold(key[i])) return false;
            return true;
        }

        public static ulong HashAt(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, FixedSize);
            if (p[0] != HeapLayout.KindEntry) throw new AncientHeapCorruptException($"Expected a key entry at offset {offset}.");
            return *(ulong*)(p + 16);
        }

        public static long SizeAt(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, FixedSize);
            return SizeFor(*(ushort*)(p + 2), *(ushort*)(p + 4));
        }

        public static long BornAt(BoundedSpace space, long offset) => *(long*)(space.At(offset, FixedSize) + 24);

        public void Write(byte* p)
        {
            p[0] = HeapLayout.KindEntry;
            p[1] = Tag;
            *(ushort*)(p + 2) = (ushort)Key.Length;
            *(ushort*)(p + 4) = (ushort)TypeName.Length;
            *(ulong*)(p + 8) = Payload;
            *(ulong*)(p + 16) = Hash;
            *(long*)(p + 24) = Born;
            *(long*)(p + 32) = WrittenTicks;
            *(long*)(p + 40) = StoredSize;
            *(long*)(p + 48) = Extents;
            fixed (char* k = Key) Buffer.MemoryCopy(k, p + FixedSize, 2L * Key.Length, 2L * Key.Length);
            fixed (char* t = TypeName) Buffer.MemoryCopy(t, p + FixedSize + 2 * Key.Length, 2L * TypeName.Length, 2L * TypeName.Length);
            *(ulong*)(p + 56) = EntryChecksum(p, Key.Length, TypeName.Length);
        }

        private static ulong EntryChecksum(byte* p, int keyLength, int typeLength)
        {
            ulong h = Checksum64.Compute(p, 56);
            return Checksum64.Compute(p + FixedSize, 2L * (keyLength + typeLength), h);
        }

        public static string ClipTypeName(string typeName)
        {
            if (string.IsNullOrEmpty(typeName)) return "System.Object";
            return typeName.Length <= MaxTypeNameLength ? typeName : typeName.Substring(0, MaxTypeNameLength);
        }
    }

    /// <summary>The ranges a value's nodes occupy, so that Remove can free them, with a checksum over their bytes.</summary>
    internal static unsafe class ExtentList
    {
        public const int HeaderSize = 24;
        public const int EntrySize = 16;

        public static long SizeFor(int count) => HeaderSize + (long)count * EntrySize;

        public static int CountAt(BoundedSpace space, long offset, out long born)
        {
            byte* p = space.At(offset, HeaderSize);
            if (p[0] != HeapLayout.KindExtents) throw new AncientHeapCorruptException($"Expected an extent list at offset {offset}.");
            long count = *(uint*)(p + 4);
            born = *(long*)(p + 8);
            space.At(offset, SizeFor((int)Math.Min(count, int.MaxValue / EntrySize)));
            return (int)count;
        }

        public static void Read(BoundedSpace space, long offset, int i, out long extentOffset, out long extentLength)
        {
            byte* e = space.At(offset + HeaderSize + (long)i * EntrySize, EntrySize);
            extentOffset = *(long*)e;
            extentLength = *(long*)(e + 8);
            if (!space.Contains(extentOffset, extentLength))
                throw new AncientHeapCorruptException($"Extent {i} of the list at offset {offset} points outside the heap.");
        }
    }
}
