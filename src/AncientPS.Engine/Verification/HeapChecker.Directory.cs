using System;
using System.Collections.Generic;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    internal sealed unsafe partial class HeapChecker
    {
        private struct DirectoryStep
        {
            public long Node;
            public int Depth;
            public ulong Mask;   // the hash bits the path to this node fixes
            public ulong Bits;   // their values
        }

        /// <summary>Walks the key directory from the root; returns the offsets of the entries it holds, each once.</summary>
        private List<long> CheckDirectory()
        {
            var entries = new List<long>();
            if (_meta.DirectoryRoot == 0) return entries;
            var visited = new HashSet<long>();
            var stack = new Stack<DirectoryStep>();
            stack.Push(new DirectoryStep { Node = (long)_meta.DirectoryRoot });
            while (stack.Count > 0)
            {
                _cancel.ThrowIfCancellationRequested();
                var step = stack.Pop();
                long node = step.Node;
                if (node == 0 || (node & 7) != 0)
                {
                    Add(HeapArea.Directory, node, null, $"The key directory refers to the invalid offset {node}.");
                    continue;
                }
                byte* p = Data(node, 8, HeapArea.Directory, null, "A key directory node");
                if (p == null) continue;
                if (!visited.Add(node))
                {
                    Add(HeapArea.Directory, node, null, "The key directory reaches this node twice (a cycle or a shared child); each node must have one parent.");
                    continue;
                }
                switch (p[0])
                {
                    case HeapLayout.KindEntry:
                        if (step.Depth > 0 && !EntryFitsPath(node, step)) break;
                        entries.Add(node);
                        break;
                    case HeapLayout.KindBranch:
                        CheckBranch(node, step, stack);
                        break;
                    case HeapLayout.KindCollision:
                        CheckCollision(node, step, visited, entries);
                        break;
                    default:
                        Add(HeapArea.Directory, node, null, $"The key directory refers to a node of unknown kind 0x{p[0]:X2}.");
                        break;
                }
            }
            return entries;
        }

        private void CheckBranch(long node, DirectoryStep step, Stack<DirectoryStep> stack)
        {
            if (step.Depth >= KeyDirectory.MaxDepth)
            {
                Add(HeapArea.Directory, node, null, $"A branch at depth {step.Depth} is deeper than any valid directory ({KeyDirectory.MaxDepth} levels cover the 64-bit hash).");
                return;
            }
            byte* h = Data(node, BranchNode.HeaderSize, HeapArea.Directory, null, "A branch node");
            if (h == null) return;
            uint bitmap = BranchNode.BitmapOf(h);
            long born = BranchNode.BornOf(h);
            int n = BranchNode.PopCount(bitmap);
            if (h[BranchNode.ReservedField] != 0 || h[BranchNode.ReservedField + 1] != 0 || h[BranchNode.ReservedField + 2] != 0) Add(HeapArea.Directory, node, null, "A branch node has nonzero reserved bytes.");
            if (n == 0) { Add(HeapArea.Directory, node, null, "A branch node has no children."); return; }
            if (born <= 0 || born > _meta.TransactionId)
                Add(HeapArea.Directory, node, null, $"A branch node claims to be written by transaction {born}, outside 1..{_meta.TransactionId}.");
            long size = BranchNode.SizeFor(n);
            byte* c = Data(node, size, HeapArea.Directory, null, "A branch node");
            if (c == null) return;
            AddLive(node, HeapLayout.NodeClass(size), HeapArea.Directory, null, "a branch node");
            int shift = step.Depth * KeyDirectory.BitsPerLevel;
            int pos = n;
            for (int index = 31; index >= 0; index--)
            {
                if ((bitmap & (1u << index)) == 0) continue;
                long child = BranchNode.Children(c)[--pos];
                ulong mask = step.Mask, bits = step.Bits;
                if (shift < 64)
                {
                    ulong levelMask = 31UL << shift;
                    ulong levelBits = (ulong)index << shift;
                    if (shift + KeyDirectory.BitsPerLevel > 64 && (index >> (64 - shift)) != 0)
                    {
                        Add(HeapArea.Directory, node, null, $"A branch node at depth {step.Depth} has child index {index}, which no 64-bit hash can reach.");
                        continue;
                    }
                    mask |= levelMask;
                    bits |= levelBits;
                }
                stack.Push(new DirectoryStep { Node = child, Depth = step.Depth + 1, Mask = mask, Bits = bits });
            }
            Report(HeapLayout.NodeClass(size));
        }

        private void CheckCollision(long node, DirectoryStep step, HashSet<long> visited, List<long> entries)
        {
            byte* h = Data(node, CollisionNode.HeaderSize, HeapArea.Directory, null, "A collision node");
            if (h == null) return;
            long count = CollisionNode.CountOf(h);
            if (count < 2) Add(HeapArea.Directory, node, null, $"A collision node holds {count} entries; it needs at least two.");
            long size = CollisionNode.SizeFor(count);
            byte* c = Data(node, size, HeapArea.Directory, null, "A collision node");
            if (c == null) return;
            AddLive(node, HeapLayout.NodeClass(size), HeapArea.Directory, null, "a collision node");
            ulong? hash = null;
            for (long i = 0; i < count; i++)
            {
                long e = CollisionNode.Entries(c)[i];
                byte* p = (e & 7) == 0 ? Data(e, KeyEntry.FixedSize, HeapArea.Directory, null, "A collision member") : null;
                if (p == null) { if ((e & 7) != 0) Add(HeapArea.Directory, node, null, $"A collision node refers to the invalid offset {e}."); continue; }
                if (p[0] != HeapLayout.KindEntry) { Add(HeapArea.Directory, e, null, $"A collision node refers to a node of kind 0x{p[0]:X2} instead of a key entry."); continue; }
                if (!visited.Add(e)) { Add(HeapArea.Directory, e, null, "The key directory reaches this entry twice."); continue; }
                ulong eh = KeyEntry.HashOf(p);
                if (hash == null) hash = eh;
                else if (hash.Value != eh) { Add(HeapArea.Directory, e, null, "A collision node holds entries whose hashes differ; only entries of equal hashes collide."); continue; }
                if (!EntryFitsPath(e, step)) continue;
                entries.Add(e);
            }
        }

        private bool EntryFitsPath(long entry, DirectoryStep step)
        {
            byte* p = Data(entry, KeyEntry.FixedSize, HeapArea.Directory, null, "A key entry");
            if (p == null) return false;
            ulong hash = KeyEntry.HashOf(p);
            if ((hash & step.Mask) == step.Bits) return true;
            Add(HeapArea.Directory, entry, null, "A key entry sits where its hash does not lead; lookups of its key would not find it.");
            return false;
        }

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
            var ranges = CheckExtentList(offset, key, extents, born, stored);
            if (ranges == null) return;
            new ValueChecker(this, key, offset, ranges).Walk(tag, payload);
        }

        /// <summary>Checks the extent list and the value checksum; returns the extents, or null when they cannot be trusted.</summary>
        private List<KeyValuePair<long, long>> CheckExtentList(long entry, string key, long list, long born, long stored)
        {
            if ((list & 7) != 0) { Add(HeapArea.Entry, entry, key, $"The entry's extent list offset {list} is not 8-aligned."); return null; }
            byte* h = Data(list, ExtentList.HeaderSize, HeapArea.Entry, key, "The extent list");
            if (h == null) return null;
            if (h[ExtentList.KindField] != HeapLayout.KindExtents) { Add(HeapArea.Entry, list, key, $"The entry's extent list offset leads to a node of kind 0x{h[ExtentList.KindField]:X2}."); return null; }
            long count = ExtentList.CountOf(h);
            if (count == 0) { Add(HeapArea.Entry, list, key, "The extent list is empty, but the value has nodes."); return null; }
            long size = ExtentList.SizeFor(count);
            byte* x = Data(list, size, HeapArea.Entry, key, "The extent list");
            if (x == null) return null;
            AddLive(list, HeapLayout.NodeClass(size), HeapArea.Entry, key, "an extent list");
            if (ExtentList.BornOf(x) != born) Add(HeapArea.Entry, list, key, $"The extent list was written by transaction {ExtentList.BornOf(x)}, its entry by {born}.");
            var ranges = new List<KeyValuePair<long, long>>((int)Math.Min(count, 1 << 16));
            long previousEnd = HeapLayout.DataStart, total = HeapLayout.NodeClass(size);
            ulong checksum = 0;
            bool intact = true;
            for (long i = 0; i < count; i++)
            {
                _cancel.ThrowIfCancellationRequested();
                ExtentList.ExtentOf(x, i, out long o, out long n);
                if (n <= 0 || (o & 7) != 0 || (n & 7) != 0 || o < previousEnd || o > Committed - n)
                {
                    Add(HeapArea.Entry, list, key, $"Extent {i} of the value ({o}, {n} bytes) is misaligned, out of order, overlapping or outside the committed data.");
                    return null;
                }
                byte* bytes = Data(o, n, HeapArea.Value, key, $"Extent {i} of the value");
                if (bytes == null) return null;
                checksum = Checksum64.Compute(bytes, n, checksum);
                Report(n);
                previousEnd = o + n;
                total += n;
                ranges.Add(new KeyValuePair<long, long>(o, n));
                AddLive(o, n, HeapArea.Value, key, $"extent {i} of the value");
            }
            if (ExtentList.ValueChecksumOf(x) != checksum)
            {
                intact = false;
                Add(HeapArea.Value, ranges[0].Key, key, "The value fails its checksum: some of its bytes changed after it was written. Write the value again.");
            }
            if (stored != total) Add(HeapArea.Entry, entry, key, $"The entry gives a stored size of {stored} bytes; its extents and list take {total}.");
            _ = intact;
            return ranges;
        }

        internal static string Printable(string s)
        {
            var chars = s.ToCharArray();
            for (int i = 0; i < chars.Length; i++) if (chars[i] < 0x20 || chars[i] == 0x7F || char.IsSurrogate(chars[i])) chars[i] = '?';
            return chars.Length > 80 ? new string(chars, 0, 80) + "..." : new string(chars);
        }

        // ------------------------------------------------------------------ free space

        private void CheckFreeSpace()
        {
            long freeTotal = 0;
            var free = new List<LiveRange>();
            if (_meta.FreeTable != 0)
            {
                long table = (long)_meta.FreeTable;
                byte* t = Data(table, Math.Max(_meta.FreeTableLength, FreeTable.HeaderSize), HeapArea.FreeSpace, null, "The free table");
                if (t != null)
                {
                    AddLive(table, _meta.FreeTableLength, HeapArea.FreeSpace, null, "the free table");
                    if (t[FreeTable.KindField] != HeapLayout.KindFreeTable) Add(HeapArea.FreeSpace, table, null, $"The meta page's free table offset leads to a node of kind 0x{t[FreeTable.KindField]:X2}.");
                    else
                    {
                        long count = FreeTable.CountOf(t);
                        long born = FreeTable.BornOf(t);
                        if (born != _meta.TransactionId) Add(HeapArea.FreeSpace, table, null, $"The free table was written by transaction {born}, but the meta page is of transaction {_meta.TransactionId}.");
                        if (count > (_meta.FreeTableLength - FreeTable.HeaderSize) / FreeTable.EntrySize)
                            Add(HeapArea.FreeSpace, table, null, $"The free table claims {count} ranges, more than its {_meta.FreeTableLength}-byte block holds.");
                        else
                        {
                            long previousEnd = HeapLayout.DataStart;
                            for (long i = 0; i < count; i++)
                            {
                                var range = FreeTable.EntryOf(t, i);
                                long o = range.Offset, n = range.Length, b = range.Born, d = range.Died;
                                long at = table + FreeTable.SizeFor(i);
                                if (n <= 0 || (o & 7) != 0 || (n & 7) != 0 || o < previousEnd || o > Committed - n)
                                {
                                    Add(HeapArea.FreeSpace, at, null, $"Free range {i} ({o}, {n} bytes) is misaligned, out of order, overlapping or outside the committed data.");
                                    continue;
                                }
                                if (b < 0 || d < 0 || d > _meta.TransactionId || (d > b && b > _meta.TransactionId))
                                    Add(HeapArea.FreeSpace, at, null, $"Free range {i} gives impossible transactions (born {b}, died {d}; the heap is at {_meta.TransactionId}).");
                                previousEnd = o + n;
                                freeTotal += n;
                                free.Add(new LiveRange { Offset = o, Length = n, Area = HeapArea.FreeSpace, What = $"free range {i}" });
                            }
                            if (freeTotal != _meta.FreeBytes)
                                Add(HeapArea.FreeSpace, MetaOffset + MetaPage.FreeBytesField, null, $"The meta page counts {_meta.FreeBytes} free bytes; the free table holds {freeTotal}.");
                        }
                    }
                }
            }
            CheckOverlaps(free, freeTotal);
        }

        /// <summary>Live nodes must not overlap one another or free space, and live plus free must cover the data area.</summary>
        private void CheckOverlaps(List<LiveRange> free, long freeTotal)
        {
            var all = new List<LiveRange>(_live.Count + free.Count);
            all.AddRange(_live);
            all.AddRange(free);
            all.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Length.CompareTo(b.Length));
            long covered = 0, end = HeapLayout.DataStart;
            int reported = 0;
            LiveRange previous = default;
            foreach (var r in all)
            {
                if (r.Offset < HeapLayout.DataStart || r.Offset > Committed - r.Length)
                {
                    Add(r.Area, r.Offset, r.Key, $"{Capital(r.What)} ({r.Length} bytes) reaches past the committed data ({Committed}).");
                    continue;
                }
                if (r.Offset < end)
                {
                    if (reported++ < 20)
                        Add(r.Area == HeapArea.FreeSpace ? HeapArea.FreeSpace : previous.Area == HeapArea.FreeSpace ? HeapArea.FreeSpace : r.Area, r.Offset, r.Key ?? previous.Key,
                            $"{Capital(r.What)}{KeyNote(r)} overlaps {previous.What}{KeyNote(previous)} at offset {previous.Offset}: the same bytes are used twice.");
                    if (r.Offset + r.Length > end) { covered += r.Offset + r.Length - end; end = r.Offset + r.Length; previous = r; }
                    continue;
                }
                covered += r.Length;
                end = r.Offset + r.Length;
                previous = r;
            }
            long area = Committed - HeapLayout.DataStart;
            if (_problems.Count == 0 && covered < area)
                Add(HeapArea.FreeSpace, HeapLayout.DataStart, null, $"{area - covered} bytes of the data area are neither in use nor free: space leaked by the allocator.");
        }

        private static string KeyNote(LiveRange r) => r.Key == null ? "" : $" (key '{r.Key}')";

        private static string Capital(string s) => string.IsNullOrEmpty(s) ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
    }
}
