using System;
using System.Collections.Generic;
using System.Threading;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// Which snapshots live readers can still see. Each process pins the transactions its views were read at; the range
    /// [oldest, newest] of its pins is published in its slot of the file's reader table, with its pid and start time so
    /// that a writer can tell a dead reader from a live one. Writers reuse freed space only where no live pin can see it.
    /// <para>
    /// A slot's start time is 0 whenever its pid field is being set or cleared: a claim sets the pid first (by CAS from 0)
    /// and then the start time; a release zeroes the start time first and then the pid; clearing a dead reader's slot
    /// swaps the start time it judged by to 0 before it swaps the pid to 0, so it never clears a slot claimed anew in
    /// between. A pid with start time 0 counts as live while that pid runs: a slot is never taken from a live claimer.
    /// </para>
    /// </summary>
    internal sealed unsafe class ReaderRegistry
    {
        private const int PidField = ReaderSlot.PidField;
        private const int HighWaterField = ReaderSlot.HighWaterField;
        private const int StartField = ReaderSlot.StartTicksField;
        private const int MinField = ReaderSlot.OldestPinField;
        private const int MaxField = ReaderSlot.NewestPinField;
        private const int IdentityField = ReaderSlot.StartIdentityField;
        private const int BootField = ReaderSlot.BootIdentityField;
        private const int IdentityPidField = ReaderSlot.IdentityPidField;
        private const int IdentityStartField = ReaderSlot.IdentityStartTicksField;
        private const int SecondField = ReaderSlot.SecondOldestPinField;

        private readonly HeapMemory _memory;
        private readonly object _lock = new object();
        private readonly PinCounts _pins = new PinCounts();
        private int _slot = -1;
        private bool _closed;

        public ReaderRegistry(HeapMemory memory)
        {
            _memory = memory;
        }

        /// <summary>True when this process has a slot, so other processes' writers respect its pins.</summary>
        public bool IsPublished => _slot >= 0;

        private byte* Slot(int i) => _memory.Pointer(ReaderSlot.OffsetOf(i), ReaderSlot.Size);

        /// <summary>Claims a slot for this process; returns false when the file is read-only or every slot belongs to a live process.</summary>
        public bool TryClaimSlot()
        {
            if (!_memory.CanWrite) return false;
            int pid = Platform.CurrentProcessId;
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < HeapLayout.ReaderSlotCount; i++)
                {
                    byte* s = Slot(i);
                    long start = Volatile.Read(ref *(long*)(s + StartField));
                    int owner = Volatile.Read(ref *(int*)(s + PidField));
                    if (owner == 0)
                    {
                        // A slot released by a version that did not zero the start time: zero it before claiming, so that
                        // no writer judges this process by a start time that is not its own.
                        long stale = Volatile.Read(ref *(long*)(s + StartField));
                        if (stale != 0) Interlocked.CompareExchange(ref *(long*)(s + StartField), 0, stale);
                        if (Interlocked.CompareExchange(ref *(int*)(s + PidField), pid, 0) != 0) continue;
                        // The identity before the start time: while the start time is 0 nobody judges the slot by it.
                        WriteIdentity(s, pid);
                        Volatile.Write(ref *(long*)(s + StartField), Platform.CurrentProcessStartTicks);
                        Volatile.Write(ref *(long*)(s + MaxField), 0);
                        Volatile.Write(ref *(long*)(s + MinField), 0);
                        RaiseHighWater(i + 1);
                        _slot = i;
                        return true;
                    }
                    if (pass == 1 && !IsLive(owner, start, IdentityOf(s, owner, start))) ClearSlot(s, owner, start);
                }
            }
            return false;
        }

        /// <summary>Slot 0's reserved word counts the slots ever claimed, so that writers scan only those.</summary>
        private int* HighWater => (int*)(Slot(0) + HighWaterField);

        private void RaiseHighWater(int count)
        {
            int* hw = HighWater;
            int seen;
            while ((seen = Volatile.Read(ref *hw)) < count)
                if (Interlocked.CompareExchange(ref *hw, count, seen) == seen) break;
        }

        // Made on first use: a read-only mount that finds a free slot never asks (one generic instantiation less to compile).
        private readonly object _liveLock = new object();
        private Dictionary<int, KeyValuePair<long, long>> _liveSeen;

        /// <summary>
        /// Asks the OS whether a slot's process still runs, at most once a second per process: the answer only decides
        /// whether space may be reused yet, and a dead process found a second late costs nothing but that second.
        /// </summary>
        /// <remarks>
        /// Callers read a slot's start time before its pid. A slot that changes hands between the two reads then pairs
        /// the new pid with the old start time (or 0), and clearing it fails, since the start time it would swap is gone.
        /// </remarks>
        private bool IsLive(int owner, long start, long identity)
        {
            // A monotonic clock: with the wall clock, a step back would keep a dead reader "seen alive" for the step.
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            lock (_liveLock)
            {
                if (_liveSeen != null && _liveSeen.TryGetValue(owner, out var seen) && seen.Key == start && now - seen.Value < System.Diagnostics.Stopwatch.Frequency) return true;
            }
            // Alive if either says so: the start identity (a 1.7 owner on Linux, this boot), which does not move when the
            // wall clock is stepped, as the start time each process works out does; or the start time, which agrees
            // between processes in different time namespaces, where the ticks after boot /proc shows differ (unshare
            // --time). A process that is gone fails both; a reused pid fails both but by a coincidence of a second.
            bool alive = (identity != 0 && Platform.IsProcessStartedAt(owner, identity) == true) || Platform.IsProcessAlive(owner, start);
            lock (_liveLock)
            {
                if (_liveSeen == null) _liveSeen = new Dictionary<int, KeyValuePair<long, long>>();
                if (alive) _liveSeen[owner] = new KeyValuePair<long, long>(start, now);
                else _liveSeen.Remove(owner);
            }
            return alive;
        }

        /// <summary>Frees the slot of a reader judged gone by its start time, unless the slot changed hands since.</summary>
        private static void ClearSlot(byte* s, int owner, long start)
        {
            if (Interlocked.CompareExchange(ref *(long*)(s + StartField), 0, start) != start) return;
            Volatile.Write(ref *(long*)(s + MinField), 0);
            Volatile.Write(ref *(long*)(s + MaxField), 0);
            ClearIdentity(s);
            Interlocked.CompareExchange(ref *(int*)(s + PidField), 0, owner);
        }

        /// <summary>Writes this process's start identity into a slot it is claiming (format 1.7; zeros where it has none).</summary>
        private static void WriteIdentity(byte* s, int pid)
        {
            Volatile.Write(ref *(long*)(s + SecondField), 0);
            Volatile.Write(ref *(long*)(s + IdentityStartField), Platform.CurrentProcessStartTicks);
            Volatile.Write(ref *(int*)(s + IdentityPidField), pid);
            Volatile.Write(ref *(uint*)(s + BootField), Platform.BootIdentity);
            Volatile.Write(ref *(long*)(s + IdentityField), Platform.CurrentProcessStartIdentity);
        }

        private static void ClearIdentity(byte* s)
        {
            Volatile.Write(ref *(long*)(s + SecondField), 0);
            Volatile.Write(ref *(long*)(s + IdentityField), 0);
            Volatile.Write(ref *(uint*)(s + BootField), 0);
            Volatile.Write(ref *(int*)(s + IdentityPidField), 0);
            Volatile.Write(ref *(long*)(s + IdentityStartField), 0);
        }

        /// <summary>Whether the slot's 1.7 fields were written by its owner: the pid and start time at 44 and 48 are the slot's.</summary>
        private static bool WroteOwnFields(byte* s, int owner, long start)
            => start != 0
                && Volatile.Read(ref *(int*)(s + IdentityPidField)) == owner
                && Volatile.Read(ref *(long*)(s + IdentityStartField)) == start;

        /// <summary>
        /// The start identity of the slot's owner, read after its start time and pid: 0 unless the slot has one written
        /// by that very owner (same pid and start time: a version before 1.7 that claimed the slot later leaves another
        /// owner's behind) in this boot. Nothing else is judged by it, so a torn read only falls back to the start time.
        /// </summary>
        private static long IdentityOf(byte* s, int owner, long start)
        {
            if (Platform.BootIdentity == 0) return 0;
            long identity = Volatile.Read(ref *(long*)(s + IdentityField));
            if (identity == 0) return 0;
            if (Volatile.Read(ref *(uint*)(s + BootField)) != Platform.BootIdentity) return 0;
            return WroteOwnFields(s, owner, start) ? identity : 0;
        }

        public void Pin(long txn)
        {
            lock (_lock)
            {
                if (_closed) return;
                if (_pins.Add(txn)) PublishLocked();
            }
            Interlocked.MemoryBarrier();
        }

        public void Unpin(long txn)
        {
            lock (_lock)
            {
                if (_closed || !_pins.Remove(txn)) return;
                PublishLocked();
            }
        }

        // While the mapping is idle (no handle: HeapRegistry keeps it for a moment) nothing is written to the file, which
        // its user may change or cut as they please: the slot keeps the last range it published, which only errs on the
        // side of keeping space, and the range of the pins then left is published when the mapping is taken up again.
        private bool _quiet;

        /// <summary>The mapping goes idle: pins still change (views of earlier handles are collected), but are not published.</summary>
        public void Quiet()
        {
            lock (_lock) _quiet = true;
        }

        /// <summary>The idle mapping is taken up again (its slot checked by <see cref="HoldsItsSlot"/>): publishes the pins as they are now.</summary>
        public void Resume()
        {
            lock (_lock)
            {
                _quiet = false;
                PublishLocked();
            }
        }

        private void PublishLocked()
        {
            if (_slot < 0 || _quiet) return;
            byte* s = Slot(_slot);
            long min = _pins.Oldest, max = _pins.Newest, second = _pins.SecondOldest;
            System.Diagnostics.Debug.Assert(min <= max && (min == 0) == (max == 0), "A published pin range is empty or ordered.");
            // Widen before narrowing, so that a writer reading the two fields apart never sees less than the truth.
            // The second-oldest last (writers read it first): a writer that sees it sees the oldest written with it or
            // later. Pins are only added above the newest, so it only grows while the oldest stays, and a writer that
            // pairs an older second-oldest with a newer oldest still covers every pin (docs/format.md, "Reader table").
            if (min == 0)
            {
                Volatile.Write(ref *(long*)(s + MinField), 0);
                Volatile.Write(ref *(long*)(s + MaxField), 0);
                Volatile.Write(ref *(long*)(s + SecondField), 0);
            }
            else
            {
                Volatile.Write(ref *(long*)(s + MaxField), max);
                Volatile.Write(ref *(long*)(s + MinField), min);
                Volatile.Write(ref *(long*)(s + SecondField), second);
            }
        }

        /// <summary>
        /// Adds what a process pinning <paramref name="oldest"/>, <paramref name="second"/> (0: unknown) and nothing else
        /// below it, up to <paramref name="newest"/>, can see: one range, or the oldest alone and [second, newest] when
        /// the second-oldest says nothing between them is pinned (a long-held old view while newer ones come and go
        /// then keeps only what that old state saw, not every state since).
        /// </summary>
        private static void AddPins(List<KeyValuePair<long, long>> ranges, long oldest, long second, long newest)
        {
            newest = Math.Max(oldest, newest);
            if (second > oldest && second <= newest)
            {
                ranges.Add(new KeyValuePair<long, long>(oldest, oldest));
                ranges.Add(new KeyValuePair<long, long>(second, newest));
            }
            else ranges.Add(new KeyValuePair<long, long>(oldest, newest));
        }

        /// <summary>Collects the pinned ranges of every live reader, this process included; clears the slots of dead processes.</summary>
        public void CollectLivePins(List<KeyValuePair<long, long>> ranges, out int liveReaders)
        {
            ranges.Clear();
            liveReaders = 0;
            lock (_lock)
            {
                long min = _pins.Oldest, max = _pins.Newest;
                if (min != 0) AddPins(ranges, min, _pins.SecondOldest, max);
            }
            Interlocked.MemoryBarrier();
            if (_memory.MappedLength < HeapLayout.DataStart) return;
            byte* table = _memory.Pointer(HeapLayout.ReaderTableOffset, ReaderSlot.TableSize);
            // A high-water word outside 0..slots is damage (a hostile file, another program's write): every slot is
            // scanned then, so that no live reader's pins are missed.
            int used = Volatile.Read(ref *(int*)(table + HighWaterField));
            if (used < 0 || used > HeapLayout.ReaderSlotCount) used = HeapLayout.ReaderSlotCount;
            for (int i = 0; i < used; i++)
            {
                if (i == _slot) { liveReaders++; continue; }
                byte* s = table + (long)i * ReaderSlot.Size;
                long start = Volatile.Read(ref *(long*)(s + StartField));
                int owner = Volatile.Read(ref *(int*)(s + PidField));
                if (owner == 0) continue;
                if (!IsLive(owner, start, IdentityOf(s, owner, start)))
                {
                    if (_memory.CanWrite) ClearSlot(s, owner, start);
                    continue;
                }
                liveReaders++;
                // The second-oldest first, then the oldest and the newest (the order PublishLocked writes them in reverse),
                // and only from a slot whose 1.7 fields its owner wrote: a slot an older version claimed keeps stale ones.
                long second = Volatile.Read(ref *(long*)(s + SecondField));
                long lo = Volatile.Read(ref *(long*)(s + MinField));
                long hi = Volatile.Read(ref *(long*)(s + MaxField));
                if (lo == 0) continue;
                if (second != 0 && !WroteOwnFields(s, owner, start)) second = 0;
                AddPins(ranges, lo, second, hi);
            }
        }

        /// <summary>
        /// Damage in the shared part of the reader table that any process may have written (a file made or changed by
        /// another program): a high-water word outside 0..slots. Returns it, or null. Readers and writers survive it (a
        /// writer then scans every slot; a claim raises a word below the slot it takes).
        /// </summary>
        public string FindDamage()
        {
            if (_memory.MappedLength < HeapLayout.DataStart) return null;
            int highWater = Volatile.Read(ref *HighWater);
            return highWater < 0 || highWater > HeapLayout.ReaderSlotCount ? $"The reader table says {highWater} slots were claimed, outside 0..{HeapLayout.ReaderSlotCount}." : null;
        }

        /// <summary>
        /// Checks the pin protocol's own side of the reader table: this process's slot names this process and publishes
        /// exactly the range of its pins, and the high-water word covers it. Returns the first broken rule, or null.
        /// Other processes' slots change under the check, so they are the verifier's business (HeapChecker), not this.
        /// </summary>
        public string FindBrokenInvariant()
        {
            lock (_lock)
            {
                if (_memory.MappedLength < HeapLayout.DataStart) return null;
                int highWater = Volatile.Read(ref *HighWater);
                // Out of range is damage in the file (FindDamage), not this process's side of the protocol.
                if (highWater < 0 || highWater > HeapLayout.ReaderSlotCount) return null;
                long min = _pins.Oldest, max = _pins.Newest;
                if (_slot < 0) return null;
                if (highWater <= _slot) return $"This process holds reader slot {_slot}, but the high-water word says only {highWater} slots were claimed; writers would not see its pins.";
                byte* s = Slot(_slot);
                int pid = Volatile.Read(ref *(int*)(s + PidField));
                if (pid != Platform.CurrentProcessId) return $"Reader slot {_slot} is this process's, but names process {pid}.";
                long start = Volatile.Read(ref *(long*)(s + StartField));
                if (start != Platform.CurrentProcessStartTicks) return $"Reader slot {_slot} is this process's, but gives another start time ({start}).";
                long lo = Volatile.Read(ref *(long*)(s + MinField)), hi = Volatile.Read(ref *(long*)(s + MaxField));
                if (lo != min || hi != max) return $"Reader slot {_slot} publishes the pins {lo}..{hi}, but this process pins {min}..{max}.";
                long second = Volatile.Read(ref *(long*)(s + SecondField));
                if (second != _pins.SecondOldest) return $"Reader slot {_slot} publishes {second} as its second-oldest pin, but this process's is {_pins.SecondOldest}.";
                if (!WroteOwnFields(s, Platform.CurrentProcessId, Platform.CurrentProcessStartTicks)) return $"Reader slot {_slot} is this process's, but its identity fields name another owner.";
                return null;
            }
        }

        /// <summary>
        /// For an idle mapping taken up again: false when the file's reader table no longer names this process in the
        /// slot it claimed (the file was rewritten in place, or a writer judged this process gone), so that pins
        /// published there would protect nothing. True when no slot was claimed.
        /// </summary>
        public bool HoldsItsSlot()
        {
            lock (_lock)
            {
                if (_closed) return false;
                if (_slot < 0) return true;
                return NamesThisProcess(Slot(_slot)) && Volatile.Read(ref *HighWater) > _slot;
            }
        }

        private static bool NamesThisProcess(byte* s)
            => Volatile.Read(ref *(int*)(s + PidField)) == Platform.CurrentProcessId
                && Volatile.Read(ref *(long*)(s + StartField)) == Platform.CurrentProcessStartTicks;

        /// <summary>Gives the slot back; called once, when the mapping is about to go.</summary>
        public void Close()
        {
            lock (_lock)
            {
                if (_closed) return;
                _closed = true;
                _pins.Clear();
                // Not when another program cut the file below its reader table: touching the slot would fault (SIGBUS).
                // Nor when the slot no longer names this process (a file written anew in place): it is someone else's then.
                if (_slot >= 0 && _memory.StorageLength >= HeapLayout.DataStart && NamesThisProcess(Slot(_slot)))
                {
                    byte* s = Slot(_slot);
                    Volatile.Write(ref *(long*)(s + MinField), 0);
                    Volatile.Write(ref *(long*)(s + MaxField), 0);
                    Volatile.Write(ref *(long*)(s + StartField), 0);
                    ClearIdentity(s);
                    Volatile.Write(ref *(int*)(s + PidField), 0);
                }
                _slot = -1;
            }
        }
    }
}
