using System;
using System.Collections.Generic;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    internal sealed unsafe partial class HeapChecker
    {
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
