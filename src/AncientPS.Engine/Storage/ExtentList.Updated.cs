using System;
using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    internal static unsafe partial class ExtentList
    {
        // The extent list an update in place writes (kind 0xD2, docs/format.md "Updated extent list"). Every extent carries
        // its own checksum and is at most MaxExtentBytes long, so that an update checksums only what it wrote or split,
        // never the whole value.
        public const int OriginField = 16;
        public const int GarbageField = 24;
        public const int UpdatedExtentsField = 32;
        public const int UpdatedHeaderSize = UpdatedExtentsField;
        public const int UpdatedEntrySize = 24;
        public const int EntryChecksumField = 16;
        public const long MaxExtentBytes = 64 * 1024;

        public static long UpdatedSizeFor(long count) => UpdatedHeaderSize + count * UpdatedEntrySize;

        public static long OriginOf(byte* list) => *(long*)(list + OriginField);
        public static long GarbageOf(byte* list) => *(long*)(list + GarbageField);

        /// <summary>Extent <paramref name="i"/> of a 0xD2 list whose <see cref="UpdatedSizeFor"/> bytes the caller has bounds-checked.</summary>
        public static ValueExtent UpdatedExtentOf(byte* list, long i)
        {
            byte* e = list + UpdatedHeaderSize + i * UpdatedEntrySize;
            return new ValueExtent { Offset = *(long*)(e + EntryOffsetField), Length = *(long*)(e + EntryLengthField), Checksum = *(ulong*)(e + EntryChecksumField) };
        }

        /// <summary>
        /// Reads the extent list of an entry written by transaction <paramref name="entryBorn"/> for an update. A 0xD1 list
        /// (a value as Set wrote it) is cut into extents of at most <see cref="MaxExtentBytes"/> and checksummed once.
        /// </summary>
        public static ValueExtents Load(BoundedSpace space, long offset, long entryBorn)
        {
            int count = CountAt(space, offset, out long born);
            byte* p = space.At(offset, HeaderSize);
            var result = new ValueExtents();
            if (p[KindField] == HeapLayout.KindUpdatedExtents)
            {
                byte* list = space.At(offset, UpdatedSizeFor(count));
                result.Updated = true;
                result.Origin = OriginOf(list);
                result.Garbage = GarbageOf(list);
                long previousEnd = HeapLayout.DataStart;
                for (int i = 0; i < count; i++)
                {
                    var e = UpdatedExtentOf(list, i);
                    if (e.Length <= 0 || e.Offset < previousEnd || !space.Contains(e.Offset, e.Length) || !IsAligned(e.Offset))
                        throw new AncientHeapCorruptException($"Extent {i} of the list at offset {offset} is out of order, not aligned or outside the heap.");
                    previousEnd = e.End;
                    result.Extents.Add(e);
                }
                if (result.Origin <= 0 || result.Origin > entryBorn || result.Garbage < 0)
                    throw new AncientHeapCorruptException($"The extent list at offset {offset} has impossible values.");
                return result;
            }
            result.Origin = born;
            long end = HeapLayout.DataStart;
            for (int i = 0; i < count; i++)
            {
                Read(space, offset, i, out long o, out long n);
                if (n <= 0 || o < end) throw new AncientHeapCorruptException($"Extent {i} of the list at offset {offset} is out of order.");
                end = o + n;
                AddChunked(space, result.Extents, o, n);
            }
            return result;
        }

        /// <summary>Appends [offset, offset + length) as extents of at most <see cref="MaxExtentBytes"/>, each checksummed.</summary>
        public static void AddChunked(BoundedSpace space, List<ValueExtent> into, long offset, long length)
        {
            while (length > 0)
            {
                long n = Math.Min(length, MaxExtentBytes);
                into.Add(new ValueExtent { Offset = offset, Length = n, Checksum = Checksum64.Compute(space.At(offset, n), n) });
                offset += n;
                length -= n;
            }
        }

        /// <summary>Takes [offset, offset + length) out of the sorted extents, re-checksumming the pieces that remain of the extents it cuts.</summary>
        public static void Cut(BoundedSpace space, List<ValueExtent> extents, long offset, long length)
        {
            long end = offset + length;
            int lo = 0, hi = extents.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (extents[mid].End <= offset) lo = mid + 1; else hi = mid;
            }
            int first = lo;
            var pieces = new List<ValueExtent>(2);
            int last = first;
            while (last < extents.Count && extents[last].Offset < end)
            {
                var e = extents[last];
                if (e.Offset < offset) AddChunked(space, pieces, e.Offset, offset - e.Offset);
                if (e.End > end) AddChunked(space, pieces, end, e.End - end);
                last++;
            }
            extents.RemoveRange(first, last - first);
            extents.InsertRange(first, pieces);
        }

        /// <summary>Merges the ranges a transaction wrote (ascending, not overlapping the extents) into the sorted extents.</summary>
        public static List<ValueExtent> Merge(BoundedSpace space, List<ValueExtent> extents, List<KeyValuePair<long, long>> added)
        {
            var fresh = new List<ValueExtent>();
            foreach (var a in added) AddChunked(space, fresh, a.Key, a.Value);
            var merged = new List<ValueExtent>(extents.Count + fresh.Count);
            int i = 0, j = 0;
            while (i < extents.Count || j < fresh.Count)
            {
                if (j == fresh.Count || (i < extents.Count && extents[i].Offset < fresh[j].Offset)) merged.Add(extents[i++]);
                else merged.Add(fresh[j++]);
                if (merged.Count > 1 && merged[merged.Count - 2].End > merged[merged.Count - 1].Offset)
                    throw new AncientHeapCorruptException($"The value's extents overlap at offset {merged[merged.Count - 1].Offset}; the heap's allocation records are inconsistent.");
            }
            return merged;
        }

        /// <summary>Writes a 0xD2 list into a zeroed block of <see cref="UpdatedSizeFor"/> bytes; returns the bytes the extents take.</summary>
        public static long WriteUpdated(byte* list, List<ValueExtent> extents, long born, long origin, long garbage)
        {
            list[KindField] = HeapLayout.KindUpdatedExtents;
            *(uint*)(list + CountField) = (uint)extents.Count;
            *(long*)(list + BornField) = born;
            *(long*)(list + OriginField) = origin;
            *(long*)(list + GarbageField) = garbage;
            long bytes = 0;
            for (int i = 0; i < extents.Count; i++)
            {
                byte* e = list + UpdatedHeaderSize + (long)i * UpdatedEntrySize;
                *(long*)(e + EntryOffsetField) = extents[i].Offset;
                *(long*)(e + EntryLengthField) = extents[i].Length;
                *(ulong*)(e + EntryChecksumField) = extents[i].Checksum;
                bytes += extents[i].Length;
            }
            return bytes;
        }

        /// <summary>
        /// Why the value whose extent list is at <paramref name="offset"/> cannot be trusted (a malformed list, or bytes that
        /// fail their checksum), or null when it is intact. Either kind of list.
        /// </summary>
        public static string FindDamage(BoundedSpace space, long offset)
        {
            int count = CountAt(space, offset, out _);
            if (count <= 0) return "its extent list is empty.";
            bool updated = space.At(offset, HeaderSize)[KindField] == HeapLayout.KindUpdatedExtents;
            byte* list = space.At(offset, SizeOf(space.At(offset, HeaderSize)[KindField], count));
            ulong checksum = 0;
            long previousEnd = HeapLayout.DataStart;
            for (int i = 0; i < count; i++)
            {
                Read(space, offset, i, out long o, out long n);
                if (n <= 0 || o < previousEnd) return "its extent list is out of order.";
                byte* bytes = space.At(o, n);
                if (updated)
                {
                    if (Checksum64.Compute(bytes, n) != UpdatedExtentOf(list, i).Checksum) return "it fails its checksum (some of its bytes changed after it was written).";
                }
                else checksum = Checksum64.Compute(bytes, n, checksum);
                previousEnd = o + n;
            }
            return updated || checksum == ValueChecksumOf(list) ? null : "it fails its checksum (some of its bytes changed after it was written).";
        }
    }
}
