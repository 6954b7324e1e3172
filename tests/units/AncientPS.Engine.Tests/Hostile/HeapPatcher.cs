using System;
using System.IO;
using AncientPS.Engine.Storage;
using AncientPS.HostileProbe;
using Xunit;

namespace AncientPS.Engine.Tests.Hostile
{
    /// <summary>
    /// Reads and patches a closed heap file at known offsets (docs/format.md), the way py-lmdb's cve_test.py does, and
    /// checks that reading it fails cleanly.
    /// </summary>
    public sealed unsafe class HeapPatcher
    {
        public HeapPatcher(string path) { Path = path; Bytes = File.ReadAllBytes(path); }

        public string Path { get; }
        public byte[] Bytes { get; private set; }

        public long ReadInt64(long at) { fixed (byte* p = Bytes) return *(long*)(p + at); }
        public uint ReadUInt32(long at) { fixed (byte* p = Bytes) return *(uint*)(p + at); }
        public ushort ReadUInt16(long at) { fixed (byte* p = Bytes) return *(ushort*)(p + at); }

        public HeapPatcher WriteInt64(long at, long value) { fixed (byte* p = Bytes) *(long*)(p + at) = value; return this; }
        public HeapPatcher WriteUInt32(long at, uint value) { fixed (byte* p = Bytes) *(uint*)(p + at) = value; return this; }
        public HeapPatcher WriteUInt16(long at, ushort value) { fixed (byte* p = Bytes) *(ushort*)(p + at) = value; return this; }
        public HeapPatcher WriteByte(long at, byte value) { Bytes[at] = value; return this; }

        /// <summary>
        /// Where payload <paramref name="index"/> of the list node at <paramref name="list"/> lies, and its width: a classic
        /// list (flags 0) has the tags padded to 8 and 8-byte payloads; a narrow one (format 1.2, flag bit 2) payloads of
        /// 1 &lt;&lt; (flags &amp; 3) bytes right after the tags.
        /// </summary>
        public long ListPayloadAt(long list, int index, out int width)
        {
            byte flags = Bytes[list + 1];
            long header = ReadUInt16(list + 2) == 0xFFFF ? 16 : 8;
            long count = ReadUInt32(list + 4);
            if (flags == 0)
            {
                width = 8;
                return list + header + ((count + 7) & ~7L) + 8L * index;
            }
            width = 1 << (flags & 3);
            return list + ((header + count + width - 1) & ~(width - 1L)) + (long)width * index;
        }

        public long ReadListPayload(long list, int index)
        {
            long at = ListPayloadAt(list, index, out int width);
            return width == 8 ? ReadInt64(at) : width == 4 ? ReadUInt32(at) : width == 2 ? ReadUInt16(at) : Bytes[at];
        }

        public HeapPatcher WriteListPayload(long list, int index, long value)
        {
            long at = ListPayloadAt(list, index, out int width);
            if (width < 8 && (ulong)value >> (8 * width) != 0) throw new ArgumentException($"{value} does not fit the list's {width}-byte payloads.");
            return width == 8 ? WriteInt64(at, value) : width == 4 ? WriteUInt32(at, (uint)value) : width == 2 ? WriteUInt16(at, (ushort)value) : WriteByte(at, (byte)value);
        }

        public HeapPatcher Truncate(int length) { var b = Bytes; Array.Resize(ref b, length); Bytes = b; return this; }

        /// <summary>The meta slot of the latest committed state.</summary>
        public int LatestMeta
        {
            get
            {
                long t0 = ReadInt64(HeapLayout.MetaOffsets[0]), t1 = ReadInt64(HeapLayout.MetaOffsets[1]);
                return t0 > t1 ? HeapLayout.MetaOffsets[0] : HeapLayout.MetaOffsets[1];
            }
        }

        public int OtherMeta => LatestMeta == HeapLayout.MetaOffsets[0] ? HeapLayout.MetaOffsets[1] : HeapLayout.MetaOffsets[0];

        public long Meta(int field) => ReadInt64(LatestMeta + field);

        public long DirectoryRoot => Meta(MetaPage.DirectoryRootField);

        /// <summary>Changes a field of the latest meta page and reseals its checksum, so that only the field's meaning is tested.</summary>
        public HeapPatcher PatchMeta(int field, long value)
        {
            WriteInt64(LatestMeta + field, value);
            return Reseal();
        }

        /// <summary>Makes the other (older) meta page unusable, so that the engine cannot fall back to it.</summary>
        public HeapPatcher KillOtherMeta() { WriteInt64(OtherMeta + MetaPage.ChecksumField, 0x0BADBADBADBADBAD); return this; }

        /// <summary>Recomputes the header, meta and key entry checksums.</summary>
        public HeapPatcher Reseal() { Mutator.Reseal(Bytes); return this; }

        /// <summary>The value offset of the key entry at <paramref name="entry"/> (its root payload).</summary>
        public long RootOf(long entry) => ReadInt64(entry + KeyEntry.PayloadField);

        /// <summary>Finds the entry of <paramref name="key"/> by scanning for its kind and key text.</summary>
        public long FindEntry(string key)
        {
            for (long at = HeapLayout.DataStart; at + KeyEntry.FixedSize <= Bytes.Length; at += 8)
            {
                if (Bytes[at] != HeapLayout.KindEntry || ReadUInt16(at + KeyEntry.KeyLengthField) != key.Length) continue;
                bool same = true;
                for (int i = 0; i < key.Length && same; i++) same = ReadUInt16(at + KeyEntry.KeyField + 2 * i) == key[i];
                if (same) return at;
            }
            throw new InvalidOperationException($"No entry for '{key}' in {Path}.");
        }

        public void Save() => File.WriteAllBytes(Path, Bytes);

        /// <summary>
        /// Mounts the file, lists it, reads and traverses every value and materializes it, then verifies it. Returns the
        /// first exception met; fails the test on an undocumented one.
        /// </summary>
        public static Exception ReadAll(string path)
        {
            Exception met = null;
            try
            {
                using (var heap = MappedHeap.Open(path, new HeapOptions { CreateIfMissing = false }))
                    met = HeapWalker.ReadEverything(heap);
            }
            catch (Exception e) when (HeapWalker.IsDocumented(e))
            {
                met = e;
            }
            var problems = HeapVerifier.Verify(path);
            if (met != null) Assert.NotEmpty(problems);
            return met;
        }

        /// <summary>Asserts reading the file fails with a clean corruption error, and the verifier reports it.</summary>
        public static AncientHeapFormatException AssertCorrupt(string path)
        {
            var e = ReadAll(path);
            Assert.NotNull(e);
            return Assert.IsAssignableFrom<AncientHeapFormatException>(e);
        }
    }
}
