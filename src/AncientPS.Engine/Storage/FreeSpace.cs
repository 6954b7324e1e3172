using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The allocator's state: free ranges sorted by offset and the tail (the first byte never allocated). It is committed
    /// with every transaction as the free table, so space a crashed writer had taken is free again in the committed state.
    /// </summary>
    internal sealed unsafe class FreeSpace
    {
        private readonly List<FreeExtent> _extents;

        private int _dirty;

        // The live pins the last Reclaim was given (the writer's, for its transaction): which ranges still visible to old
        // snapshots may be joined (TryJoin). Null until then: none is.
        private List<KeyValuePair<long, long>> _pins;
        private long _transaction; // the writing transaction, from the last Reclaim

        private FreeSpace(List<FreeExtent> extents, long tail)
        {
            _extents = extents;
            Tail = tail;
            foreach (var e in extents) if (!e.IsClean) _dirty++;
        }

        public long Tail { get; private set; }

        /// <summary>The highest 'died' txn among the ranges this allocator state has made reusable.</summary>
        public long ReclaimedHorizon { get; private set; }
        public int Count => _extents.Count;

        public static FreeSpace Empty(long tail) => new FreeSpace(new List<FreeExtent>(), tail);

        public FreeSpace Clone() => new FreeSpace(new List<FreeExtent>(_extents), Tail);

        public long TotalBytes
        {
            get { long n = 0; foreach (var e in _extents) n += e.Length; return n; }
        }

        public long PinnedBytes
        {
            get { long n = 0; foreach (var e in _extents) if (!e.IsClean) n += e.Length; return n; }
        }

        /// <summary>Freed bytes that a live reader's pinned snapshot can still see.</summary>
        public long BytesVisibleTo(List<KeyValuePair<long, long>> pins)
        {
            long n = 0;
            foreach (var e in _extents)
            {
                if (e.IsClean) continue;
                if (IsVisibleToAny(e, pins)) n += e.Length;
            }
            return n;
        }

        /// <summary>True when a live reader's pinned range (oldest, newest) can still see <paramref name="e"/>.</summary>
        private static bool IsVisibleToAny(FreeExtent e, List<KeyValuePair<long, long>> pins)
        {
            foreach (var r in pins)
                if (e.IsVisibleTo(r.Key, r.Value)) return true;
            return false;
        }

        /// <summary>Reads a committed free table, checking every entry against the committed size.</summary>
        public static FreeSpace Load(byte* table, long tableLength, long committedSize, long tableOffset)
        {
            var list = new List<FreeExtent>();
            if (table != null)
            {
                if (tableLength < FreeTable.HeaderSize || table[FreeTable.KindField] != HeapLayout.KindFreeTable)
                    throw new AncientHeapCorruptException($"The free table at offset {tableOffset} is damaged.");
                long count = FreeTable.CountOf(table);
                if (count > (tableLength - FreeTable.HeaderSize) / FreeTable.EntrySize)
                    throw new AncientHeapCorruptException($"The free table at offset {tableOffset} claims {count} entries, more than it can hold.");
                long previousEnd = HeapLayout.DataStart;
                for (long i = 0; i < count; i++)
                {
                    var x = FreeTable.EntryOf(table, i);
                    if (x.Offset < previousEnd || x.Length <= 0 || (x.Offset & 7) != 0 || (x.Length & 7) != 0 || x.Offset > committedSize - x.Length)
                        throw new AncientHeapCorruptException($"Free table entry {i} ({x.Offset}, {x.Length}) is out of order or out of range.");
                    previousEnd = x.End;
                    list.Add(x);
                }
            }
            return new FreeSpace(list, committedSize);
        }

        public void WriteTable(byte* p, long capacityBytes, long born)
        {
            if (FreeTable.SizeFor(_extents.Count) > capacityBytes) throw new InvalidOperationException("Free table block too small.");
            FreeTable.Write(p, _extents, born);
        }

        /// <summary>Marks clean every range that no live pin can see, and joins neighbours (<see cref="TryJoin"/>; a table an
        /// earlier version wrote may hold neighbours it did not join).</summary>
        public void Reclaim(List<KeyValuePair<long, long>> pins, long transaction)
        {
            _pins = pins;
            _transaction = transaction;
            if (_dirty == 0) return;
            for (int i = 0; i < _extents.Count; i++)
            {
                var e = _extents[i];
                if (e.IsClean) continue;
                if (!IsVisibleToAny(e, pins))
                {
                    if (e.Died > ReclaimedHorizon) ReclaimedHorizon = e.Died;
                    e.Born = 0;
                    e.Died = 0;
                    _extents[i] = e;
                    _dirty--;
                    Debug.Assert(_dirty >= 0, "The count of ranges visible to old snapshots never goes below zero.");
                }
            }
            Coalesce();
        }

        private void Coalesce()
        {
            int w = 0;
            for (int i = 0; i < _extents.Count; i++)
            {
                var e = _extents[i];
                if (w > 0)
                {
                    var prev = _extents[w - 1];
                    if (TryJoin(ref prev, e))
                    {
                        _extents[w - 1] = prev;
                        continue;
                    }
                    // A clean gap between two ranges still visible that could be joined: the three become one.
                    if (i + 1 < _extents.Count && TryJoinAcross(ref prev, e, _extents[i + 1]))
                    {
                        _extents[w - 1] = prev;
                        i++;
                        continue;
                    }
                }
                _extents[w++] = e;
            }
            _extents.RemoveRange(w, _extents.Count - w);
            AbsorbTail();
        }

        /// <summary>
        /// Joins a clean <paramref name="gap"/> of at most <see cref="GapBytes"/> and the range after it to
        /// <paramref name="first"/>, where both neighbours are still visible to old snapshots and could be joined if they
        /// touched (<see cref="TryJoin"/>'s rule); the gap then waits with them, unused. While readers hold a range of
        /// states, a busy writer leaves its freed values and tables between the gaps it has not yet filled, one table
        /// entry each; the table (written whole at every commit) then grew with the square of the commits again
        /// (measured: thousands of ranges, a file of 1 GB, where the values the pins kept were a tenth of it).
        /// </summary>
        private bool TryJoinAcross(ref FreeExtent first, FreeExtent gap, FreeExtent next)
        {
            if (first.IsClean || !gap.IsClean || next.IsClean || gap.Length > GapBytes) return false;
            if (first.End != gap.Offset || gap.End != next.Offset) return false;
            return TryJoinVisible(ref first, next, gap.Length);
        }

        /// <summary>The largest clean gap <see cref="TryJoinAcross"/> gives up for a shorter table: one value run.</summary>
        private const long GapBytes = 64 * 1024;

        /// <summary>
        /// Joins <paramref name="next"/> to <paramref name="first"/> when it starts where that ends and one range can say
        /// what the two said:
        /// <list type="bullet">
        /// <item>both clean;</item>
        /// <item>one still visible to old snapshots and the other a clean sliver of at most <see cref="SliverBytes"/>,
        /// too small for any node, which then waits with its neighbour (a delay, never a read of reused space);</item>
        /// <item>both still visible, and the two and their join (the smaller born, the larger died) seen by the same live
        /// pins, each pin all three or none: no pin then waits for a range it did not see, and neither part would become
        /// reusable before the other as those pins go (new pins only come after every freed range: none sees any); and
        /// spanning at most <see cref="JoinedSpan"/> transactions, or as many as have been committed since the later of
        /// the two was freed (a reader that always pins a recent state would otherwise let one range grow with every
        /// commit and never be reusable; a range that old lies wholly before any recent pin, and old ranges a reader
        /// still holds join into fewer and fewer, so the table stays short however long it holds them).</item>
        /// </list>
        /// Without the last two, a reader holding a range of old states while a writer commits left one free range per
        /// freed node (the slivers, left over from value runs, kept the rest apart), and every commit writes the whole
        /// table again: the file grew with the square of the commits. Keeps the count of visible ranges.
        /// </summary>
        private bool TryJoin(ref FreeExtent first, FreeExtent next)
        {
            if (first.End != next.Offset) return false;
            if (first.IsClean && next.IsClean)
            {
                first.Length += next.Length;
                return true;
            }
            if (first.IsClean || next.IsClean)
            {
                if ((first.IsClean ? first.Length : next.Length) > SliverBytes) return false;
                if (first.IsClean) { first.Born = next.Born; first.Died = next.Died; }
                first.Length += next.Length;
                return true;
            }
            return TryJoinVisible(ref first, next, 0);
        }

        /// <summary>
        /// Joins <paramref name="next"/>, <paramref name="between"/> bytes after <paramref name="first"/>, both still
        /// visible, under <see cref="TryJoin"/>'s span and pin rules; the bytes between (a clean gap) become part of it.
        /// </summary>
        private bool TryJoinVisible(ref FreeExtent first, FreeExtent next, long between)
        {
            long born = Math.Min(first.Born, next.Born), died = Math.Max(first.Died, next.Died);
            if (died - born > Math.Max(JoinedSpan, _transaction - died)) return false;
            if (!SeenBySamePins(first, next, new FreeExtent { Born = born, Died = died })) return false;
            first.Length += between + next.Length;
            first.Born = born;
            first.Died = died;
            _dirty--;
            return true;
        }

        /// <summary>Whether every live pin sees <paramref name="a"/>, <paramref name="b"/> and their join alike (all or none).</summary>
        private bool SeenBySamePins(FreeExtent a, FreeExtent b, FreeExtent joined)
        {
            if (_pins == null) return false;
            foreach (var r in _pins)
            {
                bool seen = a.IsVisibleTo(r.Key, r.Value);
                if (b.IsVisibleTo(r.Key, r.Value) != seen || joined.IsVisibleTo(r.Key, r.Value) != seen) return false;
            }
            return true;
        }

        /// <summary>The largest clean range joined to a neighbour still visible to old snapshots: smaller than any node.</summary>
        private const long SliverBytes = 24;

        /// <summary>The most transactions a joined range still visible to old snapshots spans (its died - born), unless it is older.</summary>
        private const long JoinedSpan = 64;

        /// <summary>A clean range that reaches the tail is simply unallocated space.</summary>
        private void AbsorbTail()
        {
            while (_extents.Count > 0)
            {
                var last = _extents[_extents.Count - 1];
                if (!last.IsClean || last.End != Tail) break;
                Tail = last.Offset;
                _extents.RemoveAt(_extents.Count - 1);
            }
        }

        /// <summary>Takes <paramref name="size"/> bytes from the best-fitting clean range, or from the tail.</summary>
        public long Allocate(long size)
        {
            Debug.Assert(size > 0 && (size & (HeapLayout.Alignment - 1)) == 0, "Blocks are taken in aligned, nonzero sizes.");
            int best = -1;
            long bestLength = long.MaxValue;
            for (int i = 0; i < _extents.Count; i++)
            {
                var e = _extents[i];
                if (e.IsClean && e.Length >= size && e.Length < bestLength)
                {
                    best = i;
                    bestLength = e.Length;
                    if (e.Length == size) break;
                }
            }
            if (best >= 0)
            {
                var e = _extents[best];
                long offset = e.Offset;
                if (e.Length == size) _extents.RemoveAt(best);
                else
                {
                    e.Offset += size;
                    e.Length -= size;
                    _extents[best] = e;
                }
                return offset;
            }
            long start = Tail;
            Tail += size;
            return start;
        }

        /// <summary>Returns a range. Born/Died say which snapshots could see its old contents; Died &lt;= Born means none.</summary>
        public void Free(long offset, long length, long born, long died)
        {
            if (length <= 0) return;
            // Extent lists are bounds- and alignment-checked when read (ExtentList.Read), so a damaged one cannot get here.
            Debug.Assert(offset >= HeapLayout.DataStart && offset <= Tail - length, "Only ranges of the data area below the tail are freed.");
            var x = new FreeExtent { Offset = offset, Length = length, Born = born, Died = died };
            if (x.IsClean) { x.Born = 0; x.Died = 0; }
            int lo = 0, hi = _extents.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (_extents[mid].Offset < offset) lo = mid + 1; else hi = mid;
            }
            if ((lo > 0 && _extents[lo - 1].End > offset) || (lo < _extents.Count && x.End > _extents[lo].Offset))
                throw new AncientHeapCorruptException($"The range ({offset}, {length}) is freed twice; the heap's allocation records are inconsistent.");
            if (!x.IsClean) _dirty++;
            // Joined with the range before it, then the one after it, where one range says what they said (TryJoin).
            if (lo > 0)
            {
                var prev = _extents[lo - 1];
                if (TryJoin(ref prev, x))
                {
                    if (lo < _extents.Count && TryJoin(ref prev, _extents[lo])) _extents.RemoveAt(lo);
                    _extents[lo - 1] = prev;
                    AbsorbTail();
                    return;
                }
            }
            if (lo < _extents.Count && TryJoin(ref x, _extents[lo])) _extents[lo] = x;
            else _extents.Insert(lo, x);
            AbsorbTail();
        }

        public IReadOnlyList<FreeExtent> Extents => _extents;

        /// <summary>
        /// Checks what the allocator relies on: ranges 8-aligned, not empty, ascending, not overlapping, inside the data
        /// area below the tail, and the count of not-yet-reusable ranges right. Returns the first broken rule, or null.
        /// O(n); for tests, the stress and fuzz harnesses (<see cref="MappedHeap.CheckInvariants"/>).
        /// </summary>
        public string FindBrokenInvariant()
        {
            if (Tail < HeapLayout.DataStart || (Tail & (HeapLayout.Alignment - 1)) != 0) return $"The tail {Tail} is not an aligned offset of the data area.";
            long previousEnd = HeapLayout.DataStart;
            int dirty = 0;
            for (int i = 0; i < _extents.Count; i++)
            {
                var e = _extents[i];
                if (e.Length <= 0 || (e.Offset & 7) != 0 || (e.Length & 7) != 0)
                    return $"Free range {i} ({e.Offset}, {e.Length}) is empty or misaligned.";
                if (e.Offset < previousEnd) return $"Free range {i} ({e.Offset}, {e.Length}) is out of order or overlaps the one before it.";
                if (e.End > Tail) return $"Free range {i} ({e.Offset}, {e.Length}) reaches past the tail {Tail}.";
                if (!e.IsClean) dirty++;
                previousEnd = e.End;
            }
            if (dirty != _dirty) return $"{dirty} free ranges are still visible to old snapshots, but the allocator counts {_dirty}.";
            return null;
        }
    }
}
