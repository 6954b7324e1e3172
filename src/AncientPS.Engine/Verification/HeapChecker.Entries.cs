using System;
using System.Collections.Generic;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    internal sealed unsafe partial class HeapChecker
    {
        // ------------------------------------------------------------------ key entries

        private void CheckEntry(long offset, Dictionary<string, long> keys)
        {
            byte* p = Data(offset, KeyEntry.FixedSize, HeapArea.Entry, null, "A key entry");
            if (p == null) return;
            int keyLength = KeyEntry.KeyLengthOf(p), typeLength = KeyEntry.TypeNameLengthOf(p);
            if (keyLength == 0 || keyLength > KeyRules.MaxKeyLength || typeLength > KeyEntry.MaxTypeNameLength)
            {
                Add(HeapArea.Entry, offset, null, $"A key entry gives impossible lengths: key {keyLength}, type name {typeLength} characters.");
                return;
            }
            long size = KeyEntry.SizeFor(keyLength, typeLength);
            p = Data(offset, size, HeapArea.Entry, null, "A key entry");
            if (p == null) return;
            AddLive(offset, HeapLayout.NodeClass(size), HeapArea.Entry, null, "a key entry");
            Report(HeapLayout.NodeClass(size));
            string key = KeyEntry.KeyOf(p);
            if (KeyEntry.StoredChecksumOf(p) != KeyEntry.ComputeChecksum(p, keyLength, typeLength))
            {
                Add(HeapArea.Entry, offset, null, $"The key entry fails its checksum (its key reads '{Printable(key)}'); the engine refuses to read it.");
                return;
            }
            try { KeyRules.Validate(key); }
            catch (ArgumentException e) { Add(HeapArea.Entry, offset, Printable(key), "The stored key is not a valid key: " + e.Message); }
            if (keys.TryGetValue(key, out long other))
                Add(HeapArea.Entry, offset, key, $"The key is stored twice (also at offset {other}).");
            else keys.Add(key, offset);
            if (KeyEntry.HashOf(p) != KeyRules.Hash(key)) Add(HeapArea.Entry, offset, key, "The entry's stored hash is not the hash of its key; lookups would miss it.");
            if (!KeyEntry.ReservedIsZero(p)) Add(HeapArea.Entry, offset, key, "The entry has nonzero reserved bytes.");
            byte tag = KeyEntry.TagOf(p);
            ulong payload = KeyEntry.PayloadOf(p);
            long born = KeyEntry.BornOf(p), written = KeyEntry.WrittenTicksOf(p), stored = KeyEntry.StoredSizeOf(p), extents = KeyEntry.ExtentsOf(p);
            if (born <= 0 || born > _meta.TransactionId) Add(HeapArea.Entry, offset, key, $"The entry claims to be written by transaction {born}, outside 1..{_meta.TransactionId}.");
            if (written < DateTime.MinValue.Ticks || written > DateTime.MaxValue.Ticks) Add(HeapArea.Entry, offset, key, $"The entry's write time ({written} ticks) is not a valid time.");
            if (stored < 0) Add(HeapArea.Entry, offset, key, $"The entry gives a negative stored size ({stored}).");

            bool node = tag >= 0x40;
            if (extents == 0)
            {
                if (node) Add(HeapArea.Entry, offset, key, $"The value's root (tag 0x{tag:X2}) is a node, but the entry lists no extents for it.");
                else if (stored != 0) Add(HeapArea.Entry, offset, key, $"The value is inline, but the entry gives a stored size of {stored}.");
                new ValueChecker(this, key, offset, null).Walk(tag, payload);
                return;
            }
            var ranges = CheckExtentList(offset, key, extents, born, stored, out long garbage);
            if (ranges == null) return;
            var checker = new ValueChecker(this, key, offset, ranges, measure: garbage >= 0);
            checker.Walk(tag, payload);
            if (garbage >= 0 && checker.Complete)
            {
                // An updated value's unreachable bytes stay inside its extents until it is compacted: the list bounds them.
                long extentBytes = 0;
                foreach (var r in ranges) extentBytes += r.Value;
                long unreachable = extentBytes - checker.ReachableBytes;
                if (unreachable > garbage)
                    Add(HeapArea.Value, extents, key, $"{unreachable} bytes of the value's extents are unreachable from it, more than the {garbage} bytes of garbage its extent list accounts for.");
            }
        }

        /// <summary>
        /// Checks the extent list and the value checksum; returns the extents, or null when they cannot be trusted. For a
        /// list an update in place wrote (kind 0xD2), <paramref name="garbage"/> is the bound it gives of the bytes inside
        /// its extents that the value no longer reaches; -1 for a list as Set writes it.
        /// </summary>
        private List<KeyValuePair<long, long>> CheckExtentList(long entry, string key, long list, long born, long stored, out long garbage)
        {
            garbage = -1;
            if ((list & 7) != 0) { Add(HeapArea.Entry, entry, key, $"The entry's extent list offset {list} is not 8-aligned."); return null; }
            byte* h = Data(list, ExtentList.HeaderSize, HeapArea.Entry, key, "The extent list");
            if (h == null) return null;
            byte kind = h[ExtentList.KindField];
            if (!ExtentList.IsExtentList(kind)) { Add(HeapArea.Entry, list, key, $"The entry's extent list offset leads to a node of kind 0x{kind:X2}."); return null; }
            bool updated = kind == HeapLayout.KindUpdatedExtents;
            long count = ExtentList.CountOf(h);
            if (count == 0) { Add(HeapArea.Entry, list, key, "The extent list is empty, but the value has nodes."); return null; }
            long size = ExtentList.SizeOf(kind, count);
            byte* x = Data(list, size, HeapArea.Entry, key, "The extent list");
            if (x == null) return null;
            AddLive(list, HeapLayout.NodeClass(size), HeapArea.Entry, key, "an extent list");
            if (ExtentList.BornOf(x) != born) Add(HeapArea.Entry, list, key, $"The extent list was written by transaction {ExtentList.BornOf(x)}, its entry by {born}.");
            var ranges = new List<KeyValuePair<long, long>>((int)Math.Min(count, 1 << 16));
            long previousEnd = HeapLayout.DataStart, total = HeapLayout.NodeClass(size), extentBytes = 0;
            ulong checksum = 0;
            bool failed = false;
            for (long i = 0; i < count; i++)
            {
                _cancel.ThrowIfCancellationRequested();
                long o, n;
                ulong own = 0;
                if (updated)
                {
                    var e = ExtentList.UpdatedExtentOf(x, i);
                    o = e.Offset;
                    n = e.Length;
                    own = e.Checksum;
                }
                else ExtentList.ExtentOf(x, i, out o, out n);
                if (n <= 0 || (o & 7) != 0 || (n & 7) != 0 || o < previousEnd || o > Committed - n)
                {
                    Add(HeapArea.Entry, list, key, $"Extent {i} of the value ({o}, {n} bytes) is misaligned, out of order, overlapping or outside the committed data.");
                    return null;
                }
                byte* bytes = Data(o, n, HeapArea.Value, key, $"Extent {i} of the value");
                if (bytes == null) return null;
                if (updated)
                {
                    if (!failed && Checksum64.Compute(bytes, n) != own)
                    {
                        failed = true;
                        Add(HeapArea.Value, o, key, $"Extent {i} of the value fails its checksum: some of its bytes changed after they were written. Write the value again.");
                    }
                }
                else checksum = Checksum64.Compute(bytes, n, checksum);
                Report(n);
                previousEnd = o + n;
                total += n;
                extentBytes += n;
                ranges.Add(new KeyValuePair<long, long>(o, n));
                AddLive(o, n, HeapArea.Value, key, $"extent {i} of the value");
            }
            if (!updated && ExtentList.ValueChecksumOf(x) != checksum)
                Add(HeapArea.Value, ranges[0].Key, key, "The value fails its checksum: some of its bytes changed after it was written. Write the value again.");
            if (updated)
            {
                long origin = ExtentList.OriginOf(x);
                garbage = ExtentList.GarbageOf(x);
                if (origin <= 0 || origin > born) Add(HeapArea.Entry, list, key, $"The updated extent list gives the origin transaction {origin}, outside 1..{born}.");
                if (garbage < 0 || garbage > extentBytes) { Add(HeapArea.Entry, list, key, $"The updated extent list counts {garbage} bytes of garbage in {extentBytes} bytes of extents."); garbage = -1; }
            }
            if (stored != total) Add(HeapArea.Entry, entry, key, $"The entry gives a stored size of {stored} bytes; its extents and list take {total}.");
            return ranges;
        }

        internal static string Printable(string s)
        {
            var chars = s.ToCharArray();
            for (int i = 0; i < chars.Length; i++) if (chars[i] < 0x20 || chars[i] == 0x7F || char.IsSurrogate(chars[i])) chars[i] = '?';
            return chars.Length > 80 ? new string(chars, 0, 80) + "..." : new string(chars);
        }
    }
}
