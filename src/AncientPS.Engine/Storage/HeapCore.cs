using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// One mapped heap, shared by every handle that opened it in this process. Writers are serialised by an in-process
    /// gate and a byte-range lock on the file; readers take no lock: they pin the committed state they read and see it
    /// unchanged until they let go.
    /// </summary>
    /// <remarks>
    /// Its jobs are in five files: the registry of open files (<see cref="HeapRegistry"/>); opening, header checks and
    /// crash-safe creation (<see cref="HeapFile"/>); the snapshot and pin protocol (HeapCore.Snapshots.cs); reads
    /// (HeapCore.Reads.cs); the write path, commit and trim (HeapCore.Writes.cs, with <see cref="GrowthPolicy"/>).
    /// This file holds the state they share, and the core's lifetime.
    /// </remarks>
    internal sealed unsafe partial class HeapCore
    {
        private readonly SemaphoreSlim _writeGate = new SemaphoreSlim(1, 1);
        private readonly List<KeyValuePair<long, long>> _pinScratch = new List<KeyValuePair<long, long>>();
        private readonly WeakReference _latest = new WeakReference(null);
        private FreeSpace _cachedFree;
        private long _cachedFreeTransaction;
        private int _liveReaders;
        private bool _wroteFlushed; // a Durability.Flushed commit was made through this mapping: flush again at dismount
        private bool _wrote; // only a process that wrote gives back file space at dismount: a reader never changes the file

        internal HeapCore(string path, bool anonymous, HeapMemory memory)
        {
            Path = path;
            IsAnonymous = anonymous;
            Memory = memory;
            Readers = new ReaderRegistry(memory);
            Guard = new ReadGuard(anonymous ? null : path);
        }

        public string Path { get; }
        public bool IsAnonymous { get; }
        public bool CanWrite => Memory.CanWrite;
        public HeapMemory Memory { get; }
        public ReaderRegistry Readers { get; }
        public ReadGuard Guard { get; }

        /// <summary>How many handles share this core; changed only under <see cref="HeapRegistry"/>'s lock.</summary>
        internal int Handles;

        /// <summary>The file's identity in <see cref="HeapRegistry"/>; null for an anonymous or detached core.</summary>
        internal string OpenKey;

        // ---------------------------------------------------------------- opening

        public static HeapCore OpenFile(string path, HeapOptions options) => HeapRegistry.Open(path, options);

        public static HeapCore CreateAnonymous(HeapOptions options)
        {
            var core = HeapFile.CreateAnonymous(options);
            core.Handles = 1;
            return core;
        }

        /// <summary>
        /// Tests only: a second, unshared mapping of a file in this process, optionally without a reader slot, standing
        /// in for another process that could not register as a reader.
        /// </summary>
        internal static HeapCore OpenDetached(string path, HeapOptions options, bool claimReaderSlot)
        {
            var core = HeapFile.Open(System.IO.Path.GetFullPath(path), options, claimReaderSlot);
            core.Handles = 1;
            return core;
        }

        /// <summary>Maps the header and reader table, checks that a committed state is readable, and claims a reader slot.</summary>
        internal void Attach(bool claimReaderSlot = true)
        {
            Memory.MapAtLeast(HeapLayout.DataStart);
            ReadLatestMeta();
            NoteHeader();
            if (claimReaderSlot) Readers.TryClaimSlot();
        }

        /// <summary>
        /// Before a write: fails when the mounted file was deleted or replaced by another file at its path since it was
        /// opened, as SQLite does (SQLITE_READONLY_DBMOVED): what is written to it would be lost with the last handle.
        /// Also fails, with the same fstat, when another program truncated the file below the committed data (writing
        /// into the mapping past the file's end would raise SIGBUS).
        /// </summary>
        private void CheckFileNotReplaced(long committed)
        {
            if (IsAnonymous || Path == null || !Platform.HasStat || !(Memory is FileHeapMemory file)) return;
            if (!Platform.TryStat(file.Stream, out var mine)) return;
            if (mine.Size < committed)
                throw new AncientHeapCorruptException(
                    $"'{Path}' has {mine.Size} bytes but its committed data reaches byte {committed}: another program truncated the file while it was mounted. Nothing was written.");
            if (mine.Links == 0)
                throw new AncientHeapFileReplacedException($"The heap file '{Path}' was deleted while it was mounted; what is written to it would be lost. Nothing was changed. Dismount it and mount the path again.");
            if (!Platform.TryStat(Path, out var now) || !now.SameFile(mine))
                throw new AncientHeapFileReplacedException($"The heap file '{Path}' was replaced by another file (or moved away) while it was mounted; what is written to the old file would be lost. Nothing was changed. Dismount it and mount the path again.");
        }

        public void Flush()
        {
            if (CanWrite) Memory.Flush();
        }

        // ---------------------------------------------------------------- invariants

        /// <summary>
        /// Checks the invariants of the latest committed state and of this process's view of it: the free table, the
        /// directory and the meta page's accounting (damage in the file: <see cref="AncientHeapCorruptException"/>), and
        /// the allocator state kept from the last commit and this process's reader slot (a broken engine invariant:
        /// <see cref="InvalidOperationException"/>). For tests and the stress and fuzz harnesses, after each step.
        /// </summary>
        internal void CheckInvariants()
        {
            var meta = PinLatest();
            try
            {
                var space = new BoundedSpace(Memory, meta.CommittedSize);
                var free = meta.FreeTable == 0
                    ? FreeSpace.Empty(meta.CommittedSize)
                    : FreeSpace.Load(space.At(meta.FreeTable, meta.FreeTableLength), meta.FreeTableLength, meta.CommittedSize, meta.FreeTable);
                string broken = free.FindBrokenInvariant();
                if (broken == null && free.TotalBytes != meta.FreeBytes)
                    broken = $"The meta page counts {meta.FreeBytes} free bytes; the free table holds {free.TotalBytes}.";
                if (broken == null && meta.UsedBytes + meta.FreeBytes != meta.CommittedSize - HeapLayout.DataStart)
                    broken = $"The meta page's used ({meta.UsedBytes}) and free ({meta.FreeBytes}) bytes do not add up to the data area ({meta.CommittedSize - HeapLayout.DataStart}).";
                if (broken == null) broken = DirectoryInvariants.FindBroken(space, meta.DirectoryRoot, meta.KeyCount, meta.TransactionId);
                if (broken == null) broken = Readers.FindDamage();
                if (broken != null) throw new AncientHeapCorruptException($"Transaction {meta.TransactionId} of '{Path ?? "(anonymous heap)"}' breaks an invariant: {broken}");

                broken = Readers.FindBrokenInvariant() ?? CachedFreeMatches(free, meta.TransactionId);
                if (broken != null) throw new InvalidOperationException($"The engine's state of '{Path ?? "(anonymous heap)"}' breaks an invariant: {broken}");
            }
            finally
            {
                UnpinLatest(meta);
            }
        }

        /// <summary>The free space a writer of this process kept from its last commit must be the committed free table.</summary>
        private string CachedFreeMatches(FreeSpace committed, long transactionId)
        {
            // The gate keeps a writer from taking (and changing) the kept state while it is compared.
            if (!_writeGate.Wait(TimeSpan.FromSeconds(30))) throw new AncientHeapBusyException($"A writer in this process held '{Path ?? "(anonymous heap)"}' for longer than 30 s.");
            try
            {
                var cached = _cachedFree;
                if (cached == null || _cachedFreeTransaction != transactionId) return null;
                string broken = cached.FindBrokenInvariant();
                if (broken != null) return "the allocator kept from the last commit: " + broken;
                if (cached.Tail != committed.Tail || cached.Count != committed.Count)
                    return $"the allocator kept from the last commit has {cached.Count} free ranges below {cached.Tail}; the committed free table has {committed.Count} below {committed.Tail}.";
                for (int i = 0; i < cached.Count; i++)
                {
                    var a = cached.Extents[i];
                    var b = committed.Extents[i];
                    if (a.Offset != b.Offset || a.Length != b.Length || a.Born != b.Born || a.Died != b.Died)
                        return $"free range {i} is ({a.Offset}, {a.Length}, {a.Born}, {a.Died}) in the allocator kept from the last commit but ({b.Offset}, {b.Length}, {b.Born}, {b.Died}) in the committed table.";
                }
                return null;
            }
            finally
            {
                _writeGate.Release();
            }
        }

        // ---------------------------------------------------------------- lifetime

        public void AddRef() => HeapRegistry.AddRef(this);

        public void Release()
        {
            if (!HeapRegistry.Release(this)) return;
            try
            {
                HeapRegistry.BeforeClose?.Invoke(this);
                Close();
            }
            finally
            {
                HeapRegistry.Closed(this);
            }
        }

        /// <summary>Set under <see cref="HeapRegistry"/>'s lock while the last handle's release unmaps the core.</summary>
        internal bool Closing;

        /// <summary>When the last handle went (<see cref="HeapRegistry"/> keeps the mapping idle for a while): tick count.</summary>
        internal int IdleSince;

        /// <summary>
        /// Whether the mapping may stay open, idle, after its last handle went: a file heap that only read-only handles
        /// opened (a writable mount gives its reader slot back when it dismounts, as before) and this process never wrote to
        /// (a writer gives back the file's unused tail and, in Flushed durability, syncs at the last handle; that stays so).
        /// </summary>
        internal bool CanIdle => !IsAnonymous && !_wrote && !OpenedWritable && Memory is FileHeapMemory;

        /// <summary>A handle that may write was opened on this mapping (set under <see cref="HeapRegistry"/>'s lock): it is never kept idle.</summary>
        internal bool OpenedWritable;

        /// <summary>
        /// Under <see cref="HeapRegistry"/>'s lock, for a read-only open of the file of this idle mapping (its path still
        /// names the same device and inode): true when the checks a fresh open makes still hold, so that the mapping can
        /// be taken up instead. The file can still be read by this user, still holds a header (a file truncated below it
        /// would fault the mapping), the same header (not a heap created anew in its place), this process's reader slot,
        /// and a readable committed state.
        /// </summary>
        internal bool TryRevive()
        {
            try
            {
                if (Guard.IsClosing || !Platform.CanRead(Path)) return false;
                // The shared lock first, as a fresh open takes it: a program holding the file exclusively refuses both.
                if (!SetSharedFileLock(true)) return false;
                if (Memory.StorageLength < HeapLayout.DataStart || Memory.MappedLength < HeapLayout.DataStart) return false;
                var header = FileHeader.Read(Memory.Pointer(0, HeapLayout.HeaderSize));
                if (!header.HasMagic || !header.ChecksumMatches || header.CreationTicks != _creationTicks || !header.HasKnownLayout) return false;
                if (!Readers.HoldsItsSlot()) return false;
                ReadLatestMeta();
                return true;
            }
            catch (Exception)
            {
                // Whatever failed here, a fresh open reports it properly.
                return false;
            }
        }

        private long _creationTicks;

        /// <summary>Drops or takes back the shared file lock .NET holds on the open file (<see cref="Platform.SetSharedFileLock"/>).</summary>
        internal bool SetSharedFileLock(bool shared) => !(Memory is FileHeapMemory file) || Platform.SetSharedFileLock(file.Stream, shared);

        /// <summary>Remembers the header's creation time after the header was checked, for <see cref="TryRevive"/>.</summary>
        internal void NoteHeader() => _creationTicks = FileHeader.Read(Memory.Pointer(0, HeapLayout.HeaderSize)).CreationTicks;

        /// <summary>Unmaps the heap: after the last handle went, or when an idle mapping is let go.</summary>
        internal void Close()
        {
            if (!Guard.Close(TimeSpan.FromSeconds(10)))
            {
                // A read is still inside the mapping: leave it mapped (until the process exits) rather than pull it away.
                Readers.Close();
                return;
            }
            try
            {
                if (CanWrite && !IsAnonymous && _wrote)
                {
                    TrimToCommitted();
                    // Fast durability leaves the data to the page cache, as every commit did: no fsync at dismount.
                    if (_wroteFlushed) Memory.Flush();
                }
            }
            catch (IOException) { }
            Readers.Close();
            Memory.Dispose();
        }
    }
}
