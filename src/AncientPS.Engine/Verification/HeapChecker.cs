using System;
using System.Collections.Generic;
using System.Threading;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    /// <summary>
    /// One verification pass over one committed state. Every offset is checked in 64-bit arithmetic before it is read,
    /// every node is visited at most once (so aliases and cycles cannot amplify the work), and no recursion is used.
    /// </summary>
    internal sealed unsafe partial class HeapChecker
    {
        private const int MaxProblems = 1000;

        private readonly string _path;
        private readonly HeapImage _image;
        private readonly Action<long, long> _progress;
        private readonly CancellationToken _cancel;
        private readonly List<HeapProblem> _problems = new List<HeapProblem>();
        private readonly List<LiveRange> _live = new List<LiveRange>();
        private MetaPage _meta;
        private long _done, _total;
        private bool _truncatedReport;

        private struct LiveRange
        {
            public long Offset, Length;
            public HeapArea Area;
            public string Key;
            public string What;
        }

        public HeapChecker(string path, HeapImage image, Action<long, long> progress, CancellationToken cancel)
        {
            _path = path;
            _image = image;
            _progress = progress;
            _cancel = cancel;
        }

        private long Committed => _meta.CommittedSize;

        public HeapImage Image => _image;
        public long CommittedSize => _meta.CommittedSize;
        public void ThrowIfCancelled() => _cancel.ThrowIfCancellationRequested();
        public void AddProblem(HeapArea area, long offset, string key, string message) => Add(area, offset, key, message);

        public IReadOnlyList<HeapProblem> Run()
        {
            CheckHeader();
            if (_fatalHeader) return _problems;
            if (!ChooseMeta()) return _problems;
            _total = Math.Max(1, Committed - HeapLayout.DataStart);
            Report(0);
            CheckReaderTable();
            var entries = CheckDirectory();
            var keys = new Dictionary<string, long>(KeyComparer.Instance);
            foreach (long entry in entries)
            {
                _cancel.ThrowIfCancellationRequested();
                CheckEntry(entry, keys);
                if (_problems.Count >= MaxProblems) break;
            }
            if ((long)entries.Count != _meta.KeyCount)
                Add(HeapArea.Meta, MetaOffset, null, $"The meta page counts {_meta.KeyCount} keys, but the key directory holds {entries.Count}.");
            CheckFreeSpace();
            _done = _total;
            Report(0);
            return _problems;
        }

        /// <summary>True when a writer may have reused space of the checked snapshot while it was being checked.</summary>
        public bool SnapshotReused() => _meta.TransactionId != 0 && _image.ReadReuseHorizon() > _meta.TransactionId;

        private bool _fatalHeader;

        private long MetaOffset => HeapLayout.MetaOffsets[(int)(_meta.TransactionId & 1)];

        // ------------------------------------------------------------------ reporting

        private void Add(HeapArea area, long offset, string key, string message)
        {
            if (_problems.Count >= MaxProblems)
            {
                if (!_truncatedReport)
                {
                    _truncatedReport = true;
                    _problems.Add(new HeapProblem(_path, area, offset, null, $"More than {MaxProblems} problems; the rest are not reported."));
                }
                return;
            }
            _problems.Add(new HeapProblem(_path, area, offset, key, message));
        }

        private void Report(long bytes)
        {
            _done += bytes;
            _progress?.Invoke(Math.Min(_done, _total), _total);
        }

        private void AddLive(long offset, long length, HeapArea area, string key, string what)
            => _live.Add(new LiveRange { Offset = offset, Length = length, Area = area, Key = key, What = what });

        /// <summary>A pointer to a range of the committed data area, or null (after reporting) when the range is outside it.</summary>
        private byte* Data(long offset, long length, HeapArea area, string key, string what)
        {
            if (length < 0 || offset < HeapLayout.DataStart || offset > Committed - length)
            {
                Add(area, offset, key, $"{what} at offset {offset} ({length} bytes) lies outside the committed data area ({HeapLayout.DataStart}..{Committed}).");
                return null;
            }
            byte* p = _image.Pointer(offset, length);
            if (p == null) Add(area, offset, key, $"{what} at offset {offset} ({length} bytes) lies beyond the end of the file ({_image.Length} bytes).");
            return p;
        }

        // ------------------------------------------------------------------ header and meta pages

        private void CheckHeader()
        {
            byte* h = _image.Pointer(0, HeapLayout.HeaderSize);
            if (h == null)
            {
                _fatalHeader = true;
                Add(HeapArea.Header, 0, null, $"The file is truncated: it has {_image.Length} bytes, less than the {HeapLayout.HeaderSize}-byte header page.");
                return;
            }
            var header = FileHeader.Read(h);
            if (!header.HasMagic)
            {
                _fatalHeader = true;
                Add(HeapArea.Header, 0, null, "The file is not an AncientPS heap: its first bytes are not the heap's magic number.");
                return;
            }
            ushort major = header.MajorVersion, minor = header.MinorVersion;
            if (major > HeapLayout.MajorVersion)
            {
                _fatalHeader = true;
                Add(HeapArea.Header, FileHeader.MajorVersionField, null, $"The heap is of format version {major}.{minor}; this AncientPS reads version {HeapLayout.MajorVersion}. Update AncientPS to check it.");
                return;
            }
            if (_image.Length < HeapLayout.DataStart)
            {
                _fatalHeader = true;
                Add(HeapArea.Header, _image.Length, null, $"The file is truncated: it has {_image.Length} bytes, fewer than the {HeapLayout.DataStart} of the header and reader table alone.");
                return;
            }
            if (major == 0) Add(HeapArea.Header, FileHeader.MajorVersionField, null, "The header gives format version 0, which no AncientPS writes.");
            if (!header.ChecksumMatches)
                Add(HeapArea.Header, FileHeader.ChecksumField, null, $"The header fails its checksum: some of its first {FileHeader.ChecksummedBytes} bytes are damaged. The engine refuses to mount the heap.");
            if (header.PageSize != HeapLayout.HeaderSize) Add(HeapArea.Header, FileHeader.PageSizeField, null, $"The header page size is {header.PageSize}, not {HeapLayout.HeaderSize}.");
            if (header.Flags != 0) Add(HeapArea.Header, FileHeader.FlagsField, null, $"The header sets feature flags 0x{header.Flags:X8} that this version does not know.");
            if (header.ReaderSlotCount != HeapLayout.ReaderSlotCount) Add(HeapArea.Header, FileHeader.ReaderSlotCountField, null, $"The header gives {header.ReaderSlotCount} reader slots, not {HeapLayout.ReaderSlotCount}.");
            if (header.ReaderTable != HeapLayout.ReaderTableOffset) Add(HeapArea.Header, FileHeader.ReaderTableField, null, $"The header puts the reader table at {header.ReaderTable}, not {HeapLayout.ReaderTableOffset}.");
            if (header.DataStart != HeapLayout.DataStart) Add(HeapArea.Header, FileHeader.DataStartField, null, $"The header puts the data area at {header.DataStart}, not {HeapLayout.DataStart}.");
            long created = header.CreationTicks;
            if (created < 0 || created > DateTime.MaxValue.Ticks) Add(HeapArea.Header, FileHeader.CreationTicksField, null, $"The header's creation time ({created} ticks) is not a valid time.");
        }

        private bool ChooseMeta()
        {
            var valid = new bool[2];
            var pages = new MetaPage[2];
            var problems = new string[2];
            for (int slot = 0; slot < 2; slot++) valid[slot] = CheckMetaSlot(slot, out pages[slot], out problems[slot]);

            string failure = null;
            if (_image.TryPinSnapshot(out var pinned, out failure)) _meta = pinned;
            else if (failure == null)
            {
                int best = valid[0] && (!valid[1] || pages[0].TransactionId > pages[1].TransactionId) ? 0 : valid[1] ? 1 : -1;
                if (best >= 0) _meta = pages[best];
            }
            bool chosen = _meta.TransactionId > 0;
            // The slot not in use is the previous state, or the trace of an interrupted commit: after a crash, or after
            // the file was trimmed to a later, smaller state, it may fail its checks and is never used, so that is no
            // problem. It is one when it claims to be newer than the state in use: that commit is lost.
            for (int slot = 0; slot < 2; slot++)
            {
                if (problems[slot] == null) continue;
                if (chosen && pages[slot].TransactionId <= _meta.TransactionId) continue;
                Add(HeapArea.Meta, HeapLayout.MetaOffsets[slot], null, chosen
                    ? problems[slot] + $" Its transaction {pages[slot].TransactionId} is lost: the heap falls back to transaction {_meta.TransactionId}."
                    : problems[slot]);
            }
            if (chosen) return true;
            Add(HeapArea.Meta, HeapLayout.MetaOffsets[0], null, failure ?? "Neither meta page is valid, so the heap has no committed state to read. It cannot be mounted.");
            return false;
        }

        /// <summary>Checks one meta slot; retries a few times, since a writer in another process may be rewriting it.</summary>
        private bool CheckMetaSlot(int slot, out MetaPage meta, out string problem)
        {
            long at = HeapLayout.MetaOffsets[slot];
            byte* copy = stackalloc byte[MetaPage.Size];
            byte* previous = stackalloc byte[MetaPage.Size];
            problem = null;
            meta = default;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                if (attempt > 0)
                {
                    // Only a slot that changes under us may be a commit in progress; a damaged one reads the same again.
                    Buffer.MemoryCopy(copy, previous, MetaPage.Size, MetaPage.Size);
                    Thread.Sleep(1);
                }
                byte* p = _image.Pointer(at, MetaPage.Size);
                Buffer.MemoryCopy(p, copy, MetaPage.Size, MetaPage.Size);
                Interlocked.MemoryBarrier();
                if (attempt > 0 && Same(copy, previous)) break;
                bool zero = true;
                for (int i = 0; i < MetaPage.Size; i++) if (copy[i] != 0) { zero = false; break; }
                if (zero) return false; // never written: a new heap has committed once
                meta = MetaPage.Read(copy);
                problem = MetaProblem(slot, copy, meta);
                if (problem == null) return true;
            }
            return false;
        }

        private static bool Same(byte* a, byte* b)
        {
            for (int i = 0; i < MetaPage.Size; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private string MetaProblem(int slot, byte* copy, MetaPage m)
        {
            if (!MetaPage.ChecksumMatches(copy))
                return $"Meta page {slot} fails its checksum (a torn or damaged commit).";
            if (m.TransactionId <= 0) return $"Meta page {slot} gives the impossible transaction {m.TransactionId}.";
            if ((m.TransactionId & 1) != slot) return $"Meta page {slot} holds transaction {m.TransactionId}, which belongs in slot {m.TransactionId & 1}.";
            if (m.CommittedSize < HeapLayout.DataStart || m.CommittedSize > _image.Length)
                return $"Meta page {slot} gives a committed size of {m.CommittedSize} bytes, outside {HeapLayout.DataStart}..{_image.Length} (the file length).";
            if (!m.IsPlausible(_image.Length))
                return $"Meta page {slot} points outside the heap: directory root {m.DirectoryRoot}, free table {m.FreeTable} ({m.FreeTableLength} bytes), committed size {m.CommittedSize}.";
            if (m.UsedBytes + m.FreeBytes != m.CommittedSize - HeapLayout.DataStart)
                return $"Meta page {slot} accounts {m.UsedBytes} used and {m.FreeBytes} free bytes, which do not add up to the {m.CommittedSize - HeapLayout.DataStart} bytes of the data area.";
            if (m.CommitTicks < 0 || m.CommitTicks > DateTime.MaxValue.Ticks) return $"Meta page {slot} has an invalid commit time.";
            for (int i = MetaPage.ReservedField; i < MetaPage.ReservedField + MetaPage.ReservedSize; i++)
                if (copy[i] != 0) return $"Meta page {slot} has nonzero reserved bytes (at {i}).";
            return null;
        }

        // ------------------------------------------------------------------ reader table

        private void CheckReaderTable()
        {
            byte* table = _image.Pointer(HeapLayout.ReaderTableOffset, ReaderSlot.TableSize);
            int highWater = *(int*)(table + ReaderSlot.HighWaterField);
            if (highWater < 0 || highWater > HeapLayout.ReaderSlotCount)
                Add(HeapArea.ReaderTable, HeapLayout.ReaderTableOffset + ReaderSlot.HighWaterField, null, $"The reader table says {highWater} slots were claimed; there are only {HeapLayout.ReaderSlotCount}.");
            for (int i = 0; i < HeapLayout.ReaderSlotCount; i++)
            {
                byte* s = table + (long)i * ReaderSlot.Size;
                long at = ReaderSlot.OffsetOf(i);
                int pid = *(int*)(s + ReaderSlot.PidField);
                long lo = *(long*)(s + ReaderSlot.OldestPinField), hi = *(long*)(s + ReaderSlot.NewestPinField);
                if (pid < 0) Add(HeapArea.ReaderTable, at, null, $"Reader slot {i} holds the impossible process id {pid}.");
                else if (pid > 0 && (lo < 0 || hi < 0 || (lo != 0 && hi < lo)))
                    Add(HeapArea.ReaderTable, at, null, $"Reader slot {i} pins the impossible transaction range {lo}..{hi}.");
            }
        }

        private sealed class KeyComparer : IEqualityComparer<string>
        {
            public static readonly KeyComparer Instance = new KeyComparer();
            public bool Equals(string a, string b) => KeyRules.KeyEquals(a, b);
            public int GetHashCode(string s) => (int)KeyRules.Hash(s);
        }
    }
}
