using System;
using System.Collections.Generic;
using AncientPS.Engine.Storage;

namespace AncientPS.HostileProbe
{
    /// <summary>
    /// Damages a heap image the ways disks, crashes and attackers do: truncation, bit flips, zeroed and random ranges,
    /// and planted offsets and counts. With <c>reseal</c>, it then recomputes the header, meta page and key entry
    /// checksums, so that the damage reaches the code behind those checks instead of stopping at them.
    /// </summary>
    public sealed unsafe class Mutator
    {
        private const int DataStart = (int)HeapLayout.DataStart;
        private readonly Random _random;

        public Mutator(int seed) { _random = new Random(seed); }

        public byte[] Mutate(byte[] original, out string description)
        {
            var bytes = (byte[])original.Clone();
            var parts = new List<string>();
            int count = 1 + _random.Next(3);
            for (int i = 0; i < count; i++)
            {
                switch (_random.Next(7))
                {
                    case 0:
                        int length = _random.Next(3) == 0 ? _random.Next(DataStart + 64) : DataStart + _random.Next(Math.Max(1, bytes.Length - DataStart));
                        if (length < bytes.Length) Array.Resize(ref bytes, length);
                        parts.Add("truncate:" + length);
                        break;
                    case 1:
                        int flips = 1 + _random.Next(8);
                        for (int f = 0; f < flips; f++)
                        {
                            int at = Position(bytes.Length);
                            bytes[at] ^= (byte)(1 << _random.Next(8));
                        }
                        parts.Add("flip:" + flips);
                        break;
                    case 2:
                    {
                        int at = Position(bytes.Length), n = Math.Min(1 + _random.Next(256), bytes.Length - at);
                        Array.Clear(bytes, at, n);
                        parts.Add($"zero:{at}+{n}");
                        break;
                    }
                    case 3:
                    {
                        int at = Position(bytes.Length), n = Math.Min(1 + _random.Next(64), bytes.Length - at);
                        for (int k = 0; k < n; k++) bytes[at + k] = (byte)_random.Next(256);
                        parts.Add($"random:{at}+{n}");
                        break;
                    }
                    default:
                    {
                        if (bytes.Length < DataStart + 16) break;
                        int at = DataStart + 8 * _random.Next((bytes.Length - DataStart) / 8 - 1);
                        if (_random.Next(3) == 0) at += 4;
                        long value = Interesting(bytes.Length, at);
                        if (at + 8 <= bytes.Length && _random.Next(2) == 0) fixed (byte* p = bytes) *(long*)(p + at) = value;
                        else fixed (byte* p = bytes) *(uint*)(p + at) = (uint)value;
                        parts.Add($"plant:{at}={value}");
                        break;
                    }
                }
            }
            if (_random.Next(4) == 0) PlantInMeta(bytes, parts);
            if (_random.Next(2) == 0)
            {
                Reseal(bytes);
                parts.Add("reseal");
            }
            description = string.Join(",", parts);
            return bytes;
        }

        /// <summary>Mostly the header's live fields, the meta pages and the data area; rarely the zero padding.</summary>
        private int Position(int length)
        {
            int r = _random.Next(10);
            int at;
            if (r == 0) at = _random.Next(136);
            else if (r == 1) at = HeapLayout.MetaOffsets[_random.Next(2)] + _random.Next(MetaPage.Size);
            else if (r == 2) at = _random.Next(length);
            else at = DataStart + _random.Next(Math.Max(1, length - DataStart));
            return Math.Min(at, length - 1);
        }

        private long Interesting(int length, int at)
        {
            switch (_random.Next(12))
            {
                case 0: return 0;
                case 1: return 1;
                case 2: return -1;
                case 3: return int.MaxValue;
                case 4: return uint.MaxValue;
                case 5: return length;
                case 6: return length - 8;
                case 7: return DataStart;
                case 8: return at & ~7L;
                case 9: return long.MaxValue;
                case 10: return (long)_random.Next(0x10000);
                default: return DataStart + 8L * _random.Next(Math.Max(1, (length - DataStart) / 8));
            }
        }

        private void PlantInMeta(byte[] bytes, List<string> parts)
        {
            if (bytes.Length < HeapLayout.HeaderSize) return;
            int slot = HeapLayout.MetaOffsets[_random.Next(2)];
            int field = 8 * _random.Next(9);
            long value = Interesting(bytes.Length, DataStart + 8 * _random.Next(64));
            fixed (byte* p = bytes) *(long*)(p + slot + field) = value;
            parts.Add($"meta:{slot}+{field}={value}");
        }

        /// <summary>Recomputes every checksum that would otherwise reject the damage outright.</summary>
        public static void Reseal(byte[] bytes)
        {
            fixed (byte* p = bytes)
            {
                if (bytes.Length >= HeapLayout.HeaderSize)
                {
                    *(ulong*)(p + FileHeader.ChecksumField) = Checksum64.Compute(p, FileHeader.ChecksummedBytes);
                    foreach (int slot in HeapLayout.MetaOffsets)
                        if (*(long*)(p + slot) != 0)
                            *(ulong*)(p + slot + MetaPage.ChecksumField) = Checksum64.Compute(p + slot, MetaPage.ChecksumField);
                }
                for (long at = DataStart; at + KeyEntry.FixedSize <= bytes.Length; at += 8)
                {
                    if (p[at] != HeapLayout.KindEntry) continue;
                    int keyLength = KeyEntry.KeyLengthOf(p + at), typeLength = KeyEntry.TypeNameLengthOf(p + at);
                    if (keyLength == 0 || keyLength > 1024 || typeLength > 512) continue;
                    long size = KeyEntry.FixedSize + 2L * (keyLength + typeLength);
                    if (at + size > bytes.Length) continue;
                    *(ulong*)(p + at + KeyEntry.ChecksumField) = KeyEntry.ComputeChecksum(p + at, keyLength, typeLength);
                }
            }
        }
    }
}
