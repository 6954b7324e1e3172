using System;
using System.Diagnostics;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// A key's directory entry (docs/format.md, "Key entry"): the key, the root of its value, and what a listing shows
    /// without touching the value. Field positions, read, write and size live here; the static accessors read one field
    /// of an entry whose <see cref="FixedSize"/> bytes the caller has bounds-checked.
    /// </summary>
    internal sealed unsafe class KeyEntry
    {
        public const int KindField = 0;
        public const int TagField = 1;
        public const int KeyLengthField = 2;
        public const int TypeNameLengthField = 4;
        public const int ReservedField = 6;
        public const int ReservedSize = 2;
        public const int PayloadField = 8;
        public const int HashField = 16;
        public const int BornField = 24;
        public const int WrittenTicksField = 32;
        public const int StoredSizeField = 40;
        public const int ExtentsField = 48;
        public const int ChecksumField = 56;
        /// <summary>The key's UTF-16 code units, then the type name's, start here.</summary>
        public const int KeyField = 64;
        /// <summary>The bytes before the key.</summary>
        public const int FixedSize = KeyField;
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

        public static byte KindOf(byte* p) => p[KindField];
        public static byte TagOf(byte* p) => p[TagField];
        public static int KeyLengthOf(byte* p) => *(ushort*)(p + KeyLengthField);
        public static int TypeNameLengthOf(byte* p) => *(ushort*)(p + TypeNameLengthField);
        public static bool ReservedIsZero(byte* p) => *(ushort*)(p + ReservedField) == 0;
        public static ulong PayloadOf(byte* p) => *(ulong*)(p + PayloadField);
        public static ulong HashOf(byte* p) => *(ulong*)(p + HashField);
        public static long BornOf(byte* p) => *(long*)(p + BornField);
        public static long WrittenTicksOf(byte* p) => *(long*)(p + WrittenTicksField);
        public static long StoredSizeOf(byte* p) => *(long*)(p + StoredSizeField);
        public static long ExtentsOf(byte* p) => *(long*)(p + ExtentsField);
        public static ulong StoredChecksumOf(byte* p) => *(ulong*)(p + ChecksumField);
        /// <summary>The key, from an entry whose <see cref="SizeFor"/> bytes the caller has bounds-checked.</summary>
        public static string KeyOf(byte* p) => new string((char*)(p + KeyField), 0, KeyLengthOf(p));

        public static KeyEntry Read(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, FixedSize);
            if (p[0] != HeapLayout.KindEntry) throw new AncientHeapCorruptException($"Expected a key entry at offset {offset}.");
            int keyLength = KeyLengthOf(p);
            int typeLength = TypeNameLengthOf(p);
            if (keyLength == 0 || keyLength > KeyRules.MaxKeyLength || typeLength > MaxTypeNameLength)
                throw new AncientHeapCorruptException($"The key entry at offset {offset} has impossible lengths.");
            long size = SizeFor(keyLength, typeLength);
            p = space.At(offset, size);
            ulong stored = StoredChecksumOf(p);
            ulong actual = ComputeChecksum(p, keyLength, typeLength);
            if (stored != actual) throw new AncientHeapCorruptException($"The key entry at offset {offset} fails its checksum.");
            var e = new KeyEntry
            {
                Offset = offset,
                Tag = TagOf(p),
                Payload = PayloadOf(p),
                Hash = HashOf(p),
                Born = BornOf(p),
                WrittenTicks = WrittenTicksOf(p),
                StoredSize = StoredSizeOf(p),
                Extents = ExtentsOf(p),
                Key = new string((char*)(p + KeyField), 0, keyLength),
                TypeName = new string((char*)(p + KeyField + 2 * keyLength), 0, typeLength),
            };
            // The checksum only proves the entry is as written; a crafted entry can carry a key that no Get accepts or
            // a hash that leads elsewhere, and would be listed but never found.
            if (!KeyRules.IsValid(e.Key) || e.Hash != KeyRules.Hash(e.Key))
                throw new AncientHeapCorruptException($"The key entry at offset {offset} holds an invalid key or a hash that is not its key's.");
            e.ValueChecksum = e.Extents == 0 ? 0 : ExtentList.ValueChecksumAt(space, e.Extents);
            if (e.WrittenTicks < DateTime.MinValue.Ticks || e.WrittenTicks > DateTime.MaxValue.Ticks || e.StoredSize < 0)
                throw new AncientHeapCorruptException($"The key entry at offset {offset} has impossible values.");
            return e;
        }

        /// <summary>Checks that <paramref name="key"/> (already hashed) is this entry's key, without decoding it.</summary>
        public static bool Matches(BoundedSpace space, long offset, string key, ulong hash)
        {
            byte* p = space.At(offset, FixedSize);
            if (KindOf(p) != HeapLayout.KindEntry) throw new AncientHeapCorruptException($"Expected a key entry at offset {offset}.");
            if (HashOf(p) != hash) return false;
            int keyLength = KeyLengthOf(p);
            if (keyLength != key.Length) return false;
            char* k = (char*)space.At(offset + KeyField, 2L * keyLength);
            for (int i = 0; i < keyLength; i++)
                if (k[i] != key[i] && KeyRules.Fold(k[i]) != KeyRules.Fold(key[i])) return false;
            return true;
        }

        public static ulong HashAt(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, FixedSize);
            if (KindOf(p) != HeapLayout.KindEntry) throw new AncientHeapCorruptException($"Expected a key entry at offset {offset}.");
            return HashOf(p);
        }

        public static long SizeAt(BoundedSpace space, long offset)
        {
            byte* p = space.At(offset, FixedSize);
            return SizeFor(KeyLengthOf(p), TypeNameLengthOf(p));
        }

        public static long BornAt(BoundedSpace space, long offset) => BornOf(space.At(offset, FixedSize));

        /// <summary>The offset of the entry's extent list (0 when its value is inline).</summary>
        public static long ExtentsAt(BoundedSpace space, long offset) => ExtentsOf(space.At(offset, FixedSize));

        public void Write(byte* p)
        {
            Debug.Assert(Key.Length > 0 && Key.Length <= KeyRules.MaxKeyLength && TypeName.Length <= MaxTypeNameLength, "A written entry has lengths a reader accepts.");
            p[KindField] = HeapLayout.KindEntry;
            p[TagField] = Tag;
            *(ushort*)(p + KeyLengthField) = (ushort)Key.Length;
            *(ushort*)(p + TypeNameLengthField) = (ushort)TypeName.Length;
            *(ushort*)(p + ReservedField) = 0;
            *(ulong*)(p + PayloadField) = Payload;
            *(ulong*)(p + HashField) = Hash;
            *(long*)(p + BornField) = Born;
            *(long*)(p + WrittenTicksField) = WrittenTicks;
            *(long*)(p + StoredSizeField) = StoredSize;
            *(long*)(p + ExtentsField) = Extents;
            fixed (char* k = Key) Buffer.MemoryCopy(k, p + KeyField, 2L * Key.Length, 2L * Key.Length);
            fixed (char* t = TypeName) Buffer.MemoryCopy(t, p + KeyField + 2 * Key.Length, 2L * TypeName.Length, 2L * TypeName.Length);
            *(ulong*)(p + ChecksumField) = ComputeChecksum(p, Key.Length, TypeName.Length);
        }

        /// <summary>The checksum of an entry: over its bytes before the checksum field, continued over the key and type name.</summary>
        public static ulong ComputeChecksum(byte* p, int keyLength, int typeLength)
        {
            ulong h = Checksum64.Compute(p, ChecksumField);
            return Checksum64.Compute(p + KeyField, 2L * (keyLength + typeLength), h);
        }

        public static string ClipTypeName(string typeName)
        {
            if (string.IsNullOrEmpty(typeName)) return "System.Object";
            return typeName.Length <= MaxTypeNameLength ? typeName : typeName.Substring(0, MaxTypeNameLength);
        }
    }
}
