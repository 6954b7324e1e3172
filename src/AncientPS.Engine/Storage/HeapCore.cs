using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// One mapped heap, shared by every handle that opened it in this process. Writers are serialised by an in-process
    /// gate and a byte-range lock on the file; readers take no lock: they pin the committed state they read and see it
    /// unchanged until they let go.
    /// </summary>
    internal sealed unsafe class HeapCore
    {
        private static readonly Dictionary<string, HeapCore> s_open = new Dictionary<string, HeapCore>(
            Platform.IsWindows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

        private readonly SemaphoreSlim _writeGate = new SemaphoreSlim(1, 1);
        private readonly List<KeyValuePair<long, long>> _pinScratch = new List<KeyValuePair<long, long>>();
        private readonly WeakReference _latest = new WeakReference(null);
        private int _handles;
        private FreeSpace _cachedFree;
        private long _cachedFreeTransaction;
        private int _liveReaders;
        private bool _wroteFlushed; // a Durability.Flushed commit was made through this mapping: flush again at dismount
        private bool _wrote; // only a process that wrote gives back file space at dismount: a reader never changes the file
        private string _openKey; // the file's canonical path in s_open

        private HeapCore(string path, bool anonymous, HeapMemory memory)
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

        // ---------------------------------------------------------------- opening

        public static HeapCore OpenFile(string path, HeapOptions options)
        {
            string full = System.IO.Path.GetFullPath(path);
            lock (s_open)
            {
                // The file is identified by device and inode where stat is available (so that a path whose file was
                // replaced or deleted opens the new file, and hard links share one mapping), else by its resolved path.
                // The byte-range lock belongs to the process, so one file must be one mapping with one write gate.
                string key = OpenKeyOf(full);
                if (key != null && s_open.TryGetValue(key, out var existing))
                {
                    if (!options.ReadOnly && !existing.CanWrite)
                        throw new UnauthorizedAccessException($"'{full}' is already mounted read-only in this process because the file is not writable; it cannot also be mounted for writing.");
                    existing._handles++;
                    return existing;
                }
                var core = OpenNew(full, options);
                core._handles = 1;
                // A file created just now has an identity only once it exists.
                key = core.OpenKeyOfStream() ?? key ?? Platform.CanonicalPath(full);
                core._openKey = key;
                s_open[key] = core;
                return core;
            }
        }

        /// <summary>The key of an existing file in <see cref="s_open"/>: "dev:inode" where stat works, else the resolved path; null for a missing file where stat works.</summary>
        private static string OpenKeyOf(string fullPath)
        {
            if (!Platform.HasStat) return Platform.CanonicalPath(fullPath);
            return Platform.TryStat(fullPath, out var id) ? id.Key : null;
        }

        private string OpenKeyOfStream()
            => Platform.HasStat && Memory is FileHeapMemory file && Platform.TryStat(file.Stream, out var id) ? id.Key : null;

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

        public static HeapCore CreateAnonymous(HeapOptions options)
        {
            string dir = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
            string path = System.IO.Path.Combine(dir, "ancientps-" + Guid.NewGuid().ToString("N") + ".anon");
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
            try
            {
                if (!Platform.IsWindows) File.Delete(path); // nothing outlives the process, even when it is killed
                var core = new HeapCore(null, anonymous: true, new FileHeapMemory(stream, writable: true, null));
                core.Initialize(stream, options.LockTimeout);
                core._handles = 1;
                return core;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The mapping of <paramref name="fullPath"/> when this process has the file open, with a handle added that the
        /// caller must <see cref="Release"/>. The verifier reads through it instead of opening the file again: closing
        /// another descriptor of the file could drop this process's byte-range write lock where locks are per process.
        /// </summary>
        internal static bool TryAddRefOpen(string fullPath, out HeapCore core)
        {
            lock (s_open)
            {
                string key = OpenKeyOf(fullPath);
                if (key != null && s_open.TryGetValue(key, out core) && core._handles > 0)
                {
                    core._handles++;
                    return true;
                }
                core = null;
                return false;
            }
        }

        /// <summary>
        /// Tests only: a second, unshared mapping of a file in this process, optionally without a reader slot, standing
        /// in for another process that could not register as a reader.
        /// </summary>
        internal static HeapCore OpenDetached(string path, HeapOptions options, bool claimReaderSlot)
        {
            var core = OpenNew(System.IO.Path.GetFullPath(path), options, claimReaderSlot);
            core._handles = 1;
            return core;
        }

        private static HeapCore OpenNew(string full, HeapOptions options, bool claimReaderSlot = true)
        {
            if (Directory.Exists(full))
                throw new IOException($"'{full}' is a folder, not a heap file. Give the path of a file.");
            bool exists = File.Exists(full);
            if (!exists && (options.ReadOnly || !options.CreateIfMissing))
                throw new FileNotFoundException($"The heap file '{full}' does not exist.", full);
            // Before opening: opening a named pipe for reading blocks until a writer comes, for ever.
            if (exists) RefuseNonRegularFile(full);

            FileStream stream;
            bool writable = true;
            try
            {
                stream = new FileStream(full, exists ? FileMode.Open : FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (UnauthorizedAccessException) when (options.ReadOnly && exists)
            {
                stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                writable = false;
            }
            catch (IOException e) when (exists && !(e is FileNotFoundException) && !(e is DirectoryNotFoundException))
            {
                // A read-only file system (EROFS) and the like refuse writing with an IOException, not an access error.
                FileStream readOnly;
                try { readOnly = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
                catch (Exception) { throw e; }
                if (!options.ReadOnly)
                {
                    readOnly.Dispose();
                    throw new UnauthorizedAccessException($"'{full}' can be read but not written ({e.Message.TrimEnd('.')}); mount it with -ReadOnly to read it.", e);
                }
                stream = readOnly;
                writable = false;
            }

            try
            {
                if (!stream.CanSeek)
                    throw new AncientHeapFormatException(HeapFormatProblem.NotARegularFile, $"'{full}' is not a regular file, so it cannot be a heap.");
                if (!exists) Platform.SetUnixCreateMode(full, options.UnixCreateMode);
                if (stream.Length == 0 || IsUnfinishedHeap(stream))
                {
                    if (!writable || !options.CreateIfMissing || options.ReadOnly)
                        throw new AncientHeapFormatException(HeapFormatProblem.NotCreated, stream.Length == 0
                            ? $"'{full}' is empty, so it is not a heap yet. Mount it without -ReadOnly to create one."
                            : $"'{full}' is a heap whose creation was interrupted. Mount it without -ReadOnly to finish creating it.");
                    var created = new HeapCore(full, anonymous: false, new FileHeapMemory(stream, writable: true, $"'{full}'"));
                    created.Initialize(stream, options.LockTimeout);
                    return created;
                }
                CheckHeader(stream, full);
                var core = new HeapCore(full, anonymous: false, new FileHeapMemory(stream, writable, $"'{full}'"));
                if (writable) claimReaderSlot &= core.ReserveWholeFile(options);
                core.Attach(claimReaderSlot);
                return core;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Refuses a path that names a named pipe, a device or a socket (Linux: <c>stat</c>; elsewhere the opened stream's
        /// CanSeek is the test), with <see cref="HeapFormatProblem.NotARegularFile"/>.
        /// </summary>
        internal static void RefuseNonRegularFile(string full)
        {
            if (Platform.TryStat(full, out var id) && !id.IsRegular && (id.Mode & 0xF000) != 0x4000)
                throw new AncientHeapFormatException(HeapFormatProblem.NotARegularFile, $"'{full}' is {id.Kind}, not a regular file, so it cannot be a heap.");
        }

        /// <summary>
        /// True for a file a creator was killed while initialising: exactly the size of an empty heap, its magic not yet (or
        /// only partly) written, and no byte set outside the fields <see cref="Initialize"/> writes before the magic. Any
        /// other file keeps being refused as not a heap. Read through the stream, like <see cref="CheckHeader"/>.
        /// </summary>
        internal static bool IsUnfinishedHeap(FileStream stream)
        {
            if (stream.Length != HeapLayout.DataStart) return false;
            var bytes = new byte[HeapLayout.DataStart];
            if (ReadFromStart(stream, bytes) < bytes.Length) return false;
            int magic = HeapLayout.Magic.Length;
            bool complete = true;
            for (int i = 0; i < magic; i++)
            {
                if (bytes[i] == HeapLayout.Magic[i]) continue;
                if (bytes[i] != 0) return false;
                complete = false;
            }
            if (complete) return false; // the magic is whole: a heap, checked as any other
            for (int i = magic; i < bytes.Length; i++)
            {
                if (bytes[i] != 0 && !WrittenBeforeMagic(i)) return false;
            }
            return true;
        }

        /// <summary>Reads the file's first bytes into <paramref name="buffer"/> through the stream; returns how many there were.</summary>
        internal static int ReadFromStart(FileStream stream, byte[] buffer)
        {
            stream.Position = 0;
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n <= 0) break;
                read += n;
            }
            return read;
        }

        private static bool WrittenBeforeMagic(int offset) =>
            (offset >= 16 && offset < 56)
            || (offset >= HeapLayout.HeaderChecksumOffset && offset < HeapLayout.HeaderChecksumOffset + 8)
            || (offset >= HeapLayout.MetaOffsets[1] && offset < HeapLayout.MetaOffsets[1] + HeapLayout.MetaSize);

        /// <summary>Reads and checks the header through the stream, before anything is mapped, so a non-heap file is never touched.</summary>
        private static void CheckHeader(FileStream stream, string path)
        {
            var header = new byte[HeapLayout.HeaderSize];
            int read = ReadFromStart(stream, header);
            for (int i = 0; i < HeapLayout.Magic.Length; i++)
            {
                if (i >= read || header[i] != HeapLayout.Magic[i])
                    throw new AncientHeapFormatException(HeapFormatProblem.NotAHeap, $"'{path}' is not an AncientPS heap file. Give the path of a heap, or of a new file to create one.");
            }
            ushort major = BitConverter.ToUInt16(header, 16);
            ushort minor = BitConverter.ToUInt16(header, 18);
            if (major > HeapLayout.MajorVersion)
                throw new AncientHeapFormatException(HeapFormatProblem.NewerVersion, $"'{path}' is a heap of format version {major}.{minor}; this AncientPS reads version {HeapLayout.MajorVersion}. Update AncientPS to read it.");
            if (read < HeapLayout.HeaderSize || stream.Length < HeapLayout.DataStart)
                throw new AncientHeapCorruptException($"'{path}' is a truncated heap file ({stream.Length} bytes).");
            ulong stored = BitConverter.ToUInt64(header, HeapLayout.HeaderChecksumOffset);
            if (stored != Checksum64.Compute(header, 0, HeapLayout.HeaderChecksummedBytes))
                throw new AncientHeapCorruptException($"The header of '{path}' fails its checksum; the file is damaged.");
            if (BitConverter.ToUInt32(header, 20) != HeapLayout.HeaderSize || BitConverter.ToUInt32(header, 28) != HeapLayout.ReaderSlotCount
                || BitConverter.ToInt64(header, 32) != HeapLayout.ReaderTableOffset || BitConverter.ToInt64(header, 40) != HeapLayout.DataStart)
                throw new AncientHeapCorruptException($"The header of '{path}' describes a layout this version does not know; the file is damaged.");
        }

        /// <summary>
        /// Writes the header, an empty committed state and an empty reader table into a new, empty file (or one whose
        /// creation was interrupted). The magic goes in last, after a flush, so that a creator killed at any instant
        /// leaves either a heap or a file <see cref="IsUnfinishedHeap"/> recognises, never a file that mounts refuse.
        /// </summary>
        private void Initialize(FileStream stream, TimeSpan timeout)
        {
            // Another process creating the same new file at the same instant holds the lock for a moment: wait for it
            // (then the heap it made is found below), rather than fail a mount that would succeed a millisecond later.
            var clock = Stopwatch.StartNew();
            for (int sleep = 1; ; sleep = Math.Min(sleep * 2, 20))
            {
                try
                {
                    stream.Lock(HeapLayout.WriterLockOffset, 1);
                    break;
                }
                catch (IOException) when (clock.Elapsed < timeout)
                {
                    Thread.Sleep(sleep);
                }
                catch (IOException e)
                {
                    throw new AncientHeapBusyException($"Another process held '{Path ?? "(anonymous heap)"}' for longer than {timeout.TotalSeconds:0.#} s while creating it ({e.Message}). Try again later.");
                }
            }
            try
            {
                if (stream.Length != 0 && !IsUnfinishedHeap(stream)) { CheckHeader(stream, Path); Attach(ReserveWholeFile(null)); return; }
                // Allocated on disk, not just lengthened: the header and reader table are written through the mapping.
                ReserveWholeFile(null);
                Memory.Grow(HeapLayout.DataStart);
                byte* p = Memory.Pointer(0, HeapLayout.DataStart);
                var header = stackalloc byte[HeapLayout.HeaderChecksummedBytes];
                for (int i = 0; i < HeapLayout.HeaderChecksummedBytes; i++) header[i] = 0;
                for (int i = 0; i < HeapLayout.Magic.Length; i++) header[i] = HeapLayout.Magic[i];
                *(ushort*)(header + 16) = HeapLayout.MajorVersion;
                *(ushort*)(header + 18) = HeapLayout.MinorVersion;
                *(uint*)(header + 20) = HeapLayout.HeaderSize;
                *(uint*)(header + 24) = 0;
                *(uint*)(header + 28) = HeapLayout.ReaderSlotCount;
                *(long*)(header + 32) = HeapLayout.ReaderTableOffset;
                *(long*)(header + 40) = HeapLayout.DataStart;
                *(long*)(header + 48) = DateTime.UtcNow.Ticks;
                int magic = HeapLayout.Magic.Length;
                for (int i = magic; i < HeapLayout.HeaderChecksummedBytes; i++) p[i] = header[i];
                *(ulong*)(p + HeapLayout.HeaderChecksumOffset) = Checksum64.Compute(header, HeapLayout.HeaderChecksummedBytes);
                var meta = new MetaPage { TransactionId = 1, CommittedSize = HeapLayout.DataStart, CommitTicks = DateTime.UtcNow.Ticks };
                meta.WriteTo(p + HeapLayout.MetaOffsets[1]);
                Memory.Flush();
                for (int i = 0; i < magic; i++) p[i] = header[i];
                Memory.Flush();
            }
            finally
            {
                stream.Unlock(HeapLayout.WriterLockOffset, 1);
            }
            Attach();
        }

        /// <summary>
        /// Before anything is written through the mapping of an existing file, allocates its holes (<see cref="FileHeapMemory.ReserveExisting"/>).
        /// When the file system has no room for them, a writable mount fails with <see cref="AncientHeapDiskFullException"/>;
        /// a read-only one (<paramref name="options"/>.ReadOnly) still mounts, but publishes no reader slot unless the
        /// header's pages (the reader table) are allocated. Returns whether a reader slot may be claimed.
        /// </summary>
        private bool ReserveWholeFile(HeapOptions options)
        {
            var memory = (FileHeapMemory)Memory;
            long length = memory.StorageLength;
            int errno = memory.ReserveExisting(length);
            if (errno == 0) return true;
            if (options != null && options.ReadOnly) return memory.ReserveExisting(Math.Min(length, HeapLayout.DataStart)) == 0;
            if (Platform.IsNoSpace(errno))
                throw new AncientHeapDiskFullException(
                    $"The file system holding '{Path}' is full, and the heap file has {length} bytes not yet allocated on it. Free some space on it, or mount the heap with -ReadOnly.",
                    length);
            return true; // another failure of fallocate: the file system does not support it, and writes take their chance
        }

        private void Attach(bool claimReaderSlot = true)
        {
            Memory.MapAtLeast(HeapLayout.DataStart);
            ReadLatestMeta();
            if (claimReaderSlot) Readers.TryClaimSlot();
        }

        // ---------------------------------------------------------------- committed state

        public MetaPage ReadLatestMeta()
        {
            long seen0 = 0, seen1 = 0;
            int still = 0;
            for (int attempt = 0; ; attempt++)
            {
                byte* h = Memory.Pointer(0, HeapLayout.HeaderSize);
                bool ok0 = MetaPage.TryReadSlot(h + HeapLayout.MetaOffsets[0], out var m0) && IsPlausible(m0);
                bool ok1 = MetaPage.TryReadSlot(h + HeapLayout.MetaOffsets[1], out var m1) && IsPlausible(m1);
                if (ok0 && (!ok1 || m0.TransactionId > m1.TransactionId)) return m0;
                if (ok1) return m1;
                // Both slots unreadable: either a writer is rewriting one while we read the other, or the file is damaged.
                // Damage reads the same every time: give up once both checksums stay unchanged for a few milliseconds.
                long c0 = *(long*)(h + HeapLayout.MetaOffsets[0] + HeapLayout.MetaChecksumOffset);
                long c1 = *(long*)(h + HeapLayout.MetaOffsets[1] + HeapLayout.MetaChecksumOffset);
                still = attempt > 0 && c0 == seen0 && c1 == seen1 ? still + 1 : 0;
                seen0 = c0;
                seen1 = c1;
                if (attempt >= 200 || (attempt >= 10 && still >= 13))
                    throw new AncientHeapCorruptException($"Neither meta page of '{Path ?? "(anonymous heap)"}' is valid; the heap is damaged. Test-AncientHeap reports what is wrong.");
                Thread.Sleep(attempt < 10 ? 0 : 1);
            }
        }

        /// <summary>Checks a meta page against the mapped length first, asking the file system only when the heap may have grown.</summary>
        private bool IsPlausible(MetaPage meta)
        {
            long mapped = Memory.MappedLength;
            if (meta.CommittedSize <= mapped && meta.IsPlausible(mapped)) return true;
            return meta.IsPlausible(Memory.StorageLength);
        }

        /// <summary>
        /// Raises the reuse horizon before any reclaimed range is written, so that a reader without a published pin
        /// that checks it after reading can tell whether its snapshot's space may have been overwritten.
        /// </summary>
        private void PublishReuseHorizon(long horizon)
        {
            long* word = (long*)Memory.Pointer(HeapLayout.ReuseHorizonOffset, 8);
            long seen;
            while ((seen = Volatile.Read(ref *word)) < horizon)
                if (Interlocked.CompareExchange(ref *word, horizon, seen) == seen) break;
            Interlocked.MemoryBarrier();
        }

        public long ReadReuseHorizon()
        {
            Interlocked.MemoryBarrier();
            return Volatile.Read(ref *(long*)Memory.Pointer(HeapLayout.ReuseHorizonOffset, 8));
        }

        private long _lengthCheckedAt; // 0: never
        private long _lengthSeen;

        /// <summary>
        /// Before the meta pages are read: fails cleanly when the file is shorter than its header. Asked of the file system
        /// (one fstat, a few microseconds) at every snapshot and write, so that a snapshot taken after another program
        /// truncated the file always sees it. Returns whether it asked.
        /// </summary>
        private bool CheckHeaderNotTruncated()
        {
            if (IsAnonymous) return false;
            RefreshLength(HeapLayout.DataStart, Stopwatch.GetTimestamp());
            return true;
        }

        /// <summary>
        /// After the meta pages are read: fails cleanly when the file is shorter than the committed data the snapshot is
        /// about to read (another program truncated it: touching the mapping past the file's end raises SIGBUS). Asks the
        /// file system only when the committed size reaches past the length last seen.
        /// </summary>
        private void CheckCommittedNotTruncated(long committed)
        {
            if (IsAnonymous || committed <= Volatile.Read(ref _lengthSeen)) return;
            RefreshLength(committed, Stopwatch.GetTimestamp());
        }

        private void RefreshLength(long needed, long now)
        {
            long length = Memory.StorageLength;
            if (length < Math.Max(needed, HeapLayout.DataStart))
                throw new AncientHeapCorruptException(needed <= HeapLayout.DataStart
                    ? $"'{Path}' has {length} bytes, fewer than its header: another program truncated the file while it was mounted. Nothing more is read from it."
                    : $"'{Path}' has {length} bytes but its committed data reaches byte {needed}: another program truncated the file while it was mounted. Nothing more is read from it.");
            Volatile.Write(ref _lengthSeen, length);
            Volatile.Write(ref _lengthCheckedAt, now);
        }

        /// <summary>Pins the latest committed state for reading (the LMDB reader protocol: publish the pin, then check it is still the latest).</summary>
        public SnapshotState AcquireSnapshot()
        {
            // Inside the read guard: a dismount on another thread must not unmap the meta pages while they are read.
            Guard.Enter();
            try
            {
                while (true)
                {
                    CheckHeaderNotTruncated();
                    var meta = ReadLatestMeta();
                    CheckCommittedNotTruncated(meta.CommittedSize);
                    if (_latest.Target is SnapshotState cached && cached.Meta.TransactionId == meta.TransactionId) return cached;
                    Readers.Pin(meta.TransactionId);
                    var again = ReadLatestMeta();
                    if (again.TransactionId == meta.TransactionId)
                    {
                        var state = new SnapshotState(meta, Readers);
                        _latest.Target = state;
                        return state;
                    }
                    Readers.Unpin(meta.TransactionId);
                }
            }
            finally
            {
                Guard.Exit();
            }
        }

        /// <summary>
        /// Enters the read guard and pins the latest committed state for one call that hands out no views (listing,
        /// statistics); <see cref="UnpinLatest"/> undoes both at once. A snapshot state would keep the pin until the
        /// garbage collector runs, holding space for nothing.
        /// </summary>
        private MetaPage PinLatest()
        {
            Guard.Enter();
            try
            {
                while (true)
                {
                    CheckHeaderNotTruncated();
                    var meta = ReadLatestMeta();
                    CheckCommittedNotTruncated(meta.CommittedSize);
                    Readers.Pin(meta.TransactionId);
                    if (ReadLatestMeta().TransactionId == meta.TransactionId) return meta;
                    Readers.Unpin(meta.TransactionId);
                }
            }
            catch
            {
                Guard.Exit();
                throw;
            }
        }

        private void UnpinLatest(MetaPage meta)
        {
            Readers.Unpin(meta.TransactionId);
            Guard.Exit();
        }

        // ---------------------------------------------------------------- reading

        public bool TryGet(MappedHeap handle, string key, ValueProjection projection, out object value)
        {
            // A process that cannot publish a pin reads at its own risk of a writer reusing the snapshot's space; when that
            // happens during the lookup itself, look up again on the newer snapshot (bounded) instead of failing the Get.
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return TryGetOnce(handle, key, projection, out value);
                }
                catch (AncientSnapshotExpiredException) when (attempt < 20 && !Readers.IsPublished)
                {
                }
            }
        }

        private bool TryGetOnce(MappedHeap handle, string key, ValueProjection projection, out object value)
        {
            var state = AcquireSnapshot();
            var space = new SnapshotSpace(handle, this, state);
            var bounded = new BoundedSpace(Memory, state.Meta.CommittedSize);
            space.EnterRead();
            KeyEntry entry;
            try
            {
                long offset = KeyDirectory.Find(bounded, state.Meta.DirectoryRoot, key, KeyRules.Hash(key));
                if (offset == 0) { value = null; return false; }
                entry = KeyEntry.Read(bounded, offset);
            }
            finally
            {
                space.ExitRead();
            }
            space.CheckNotExpired();
            value = NodeReader.Read(space, entry.Key, entry.Tag, entry.Payload, projection);
            GC.KeepAlive(state);
            return true;
        }

        public bool TryGetEntry(string key, out HeapEntry entry)
        {
            var meta = PinLatest();
            try
            {
                var bounded = new BoundedSpace(Memory, meta.CommittedSize);
                long offset = KeyDirectory.Find(bounded, meta.DirectoryRoot, key, KeyRules.Hash(key));
                entry = offset == 0 ? null : ToHeapEntry(KeyEntry.Read(bounded, offset));
                return entry != null;
            }
            finally
            {
                UnpinLatest(meta);
            }
        }

        public IReadOnlyList<HeapEntry> GetEntries()
        {
            var list = new List<HeapEntry>();
            var meta = PinLatest();
            try
            {
                var bounded = new BoundedSpace(Memory, meta.CommittedSize);
                KeyDirectory.ForEach(bounded, meta.DirectoryRoot, offset => list.Add(ToHeapEntry(KeyEntry.Read(bounded, offset))));
            }
            finally
            {
                UnpinLatest(meta);
            }
            list.Sort((a, b) => KeyRules.Compare(a.Key, b.Key));
            return list;
        }

        private static HeapEntry ToHeapEntry(KeyEntry e)
            // The size a listing shows counts the key's directory entry too: a small scalar lives in the entry alone.
            => new HeapEntry(e.Key, e.TypeName, e.StoredSize + e.Size, new DateTime(e.WrittenTicks, DateTimeKind.Utc), e.Born);

        public HeapStatistics GetStatistics()
        {
            long pinned = 0, ranges = 0;
            var meta = PinLatest();
            try
            {
                if (meta.FreeTable != 0)
                {
                    var bounded = new BoundedSpace(Memory, meta.CommittedSize);
                    var free = FreeSpace.Load(bounded.At(meta.FreeTable, meta.FreeTableLength), meta.FreeTableLength, meta.CommittedSize, meta.FreeTable);
                    var pins = new List<KeyValuePair<long, long>>();
                    Readers.CollectLivePins(pins, out _liveReaders);
                    pinned = free.BytesVisibleTo(pins);
                    ranges = free.Count;
                }
            }
            finally
            {
                UnpinLatest(meta);
            }
            return new HeapStatistics
            {
                Size = Memory.StorageLength,
                Used = meta.UsedBytes,
                Free = meta.FreeBytes - pinned + Math.Max(0, Memory.StorageLength - meta.CommittedSize),
                Pinned = pinned,
                Count = meta.KeyCount,
                FreeRanges = ranges,
                TransactionId = meta.TransactionId,
                Readers = Math.Max(_liveReaders, Readers.IsPublished ? 1 : 0),
            };
        }

        // ---------------------------------------------------------------- writing

        private sealed class WriteScope
        {
            public MetaPage Meta;
            public WriteTransaction Tx;
            public BoundedSpace Space;
            public List<KeyDirectory.Freed> Freed = new List<KeyDirectory.Freed>();
        }

        private void CheckWritable(HeapOptions options)
        {
            if (options.ReadOnly || !CanWrite)
                throw new AncientHeapReadOnlyException($"The heap '{Path ?? "(anonymous heap)"}' is mounted read-only. Mount it without -ReadOnly to change it.");
        }

        private void AcquireWriter(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            if (!_writeGate.Wait(timeout))
                throw new AncientHeapBusyException($"Another writer in this process held '{Path ?? "(anonymous heap)"}' for longer than {timeout.TotalSeconds:0.#} s. Try again later.");
            try
            {
                int sleep = 0;
                while (!Memory.TryLockWriter())
                {
                    if (clock.Elapsed > timeout)
                        throw new AncientHeapBusyException($"Another process held the write lock on '{Path}' for longer than {timeout.TotalSeconds:0.#} s. Try again later.");
                    Thread.Sleep(sleep);
                    sleep = Math.Min(sleep + 1, 10);
                }
            }
            catch
            {
                _writeGate.Release();
                throw;
            }
        }

        private void ReleaseWriter()
        {
            try { Memory.UnlockWriter(); }
            finally { _writeGate.Release(); }
        }

        private T Write<T>(HeapOptions options, Func<WriteScope, T> body)
        {
            CheckWritable(options);
            AcquireWriter(options.LockTimeout);
            Guard.Enter();
            bool committed = false;
            long committedSize = long.MaxValue;
            try
            {
                CheckHeaderNotTruncated();
                var meta = ReadLatestMeta();
                CheckFileNotReplaced(meta.CommittedSize);
                committedSize = meta.CommittedSize;
                var space = new BoundedSpace(Memory, meta.CommittedSize);
                FreeSpace free;
                if (_cachedFree != null && _cachedFreeTransaction == meta.TransactionId) free = _cachedFree;
                else if (meta.FreeTable != 0) free = FreeSpace.Load(space.At(meta.FreeTable, meta.FreeTableLength), meta.FreeTableLength, meta.CommittedSize, meta.FreeTable);
                else free = FreeSpace.Empty(meta.CommittedSize);
                Readers.CollectLivePins(_pinScratch, out _liveReaders);
                free.Reclaim(_pinScratch);
                PublishReuseHorizon(free.ReclaimedHorizon);
                var scope = new WriteScope
                {
                    Meta = meta,
                    Space = space,
                    Tx = new WriteTransaction(Memory, free, meta.TransactionId + 1, options.MaximumSize),
                };
                // The in-memory free space is changed as the write goes; unless the write commits, reload it next time.
                _cachedFree = null;
                var result = body(scope);
                committed = true;
                return result;
            }
            finally
            {
                try
                {
                    // A write that failed or was cancelled (Ctrl+C) after growing the file leaves nothing behind but that
                    // growth: give it back now, still holding the lock, rather than at dismount (not on Windows).
                    if (!committed && !IsAnonymous && Memory.StorageLength > committedSize) TrimWhileLocked();
                }
                catch (IOException) { }
                finally
                {
                    Guard.Exit();
                    ReleaseWriter();
                }
            }
        }

        public void Set(HeapOptions options, string key, object value, SetOptions setOptions)
            => SetMany(options, new[] { new KeyValuePair<string, object>(key, value) }, setOptions);

        /// <summary>Writes several keys in one transaction: one lock, one commit, all or nothing.</summary>
        public int SetMany(HeapOptions options, IEnumerable<KeyValuePair<string, object>> items, SetOptions setOptions)
        {
            return Write(options, scope =>
            {
                var tx = scope.Tx;
                long root = scope.Meta.DirectoryRoot;
                long count = scope.Meta.KeyCount;
                int written = 0;
                var freedNow = new List<KeyDirectory.Freed>();
                foreach (var item in items)
                {
                    KeyRules.Validate(item.Key);
                    setOptions.CancellationToken.ThrowIfCancellationRequested();
                    long entryOffset = WriteEntry(tx, item.Key, item.Value, setOptions, out ulong hash);
                    // The directory written so far in this transaction is readable at the transaction's own extent.
                    var space = new BoundedSpace(Memory, Math.Max(tx.Free.Tail, scope.Meta.CommittedSize));
                    root = KeyDirectory.Put(tx, space, root, item.Key, hash, entryOffset, freedNow, out long replaced);
                    if (replaced != 0) CollectEntry(space, replaced, freedNow);
                    else count++;
                    foreach (var f in freedNow)
                    {
                        // Nodes this transaction wrote and has already replaced were never visible: reuse them at once.
                        if (f.Born == tx.TransactionId) tx.Free.Free(f.Offset, HeapLayout.Align(f.Length), f.Born, f.Born);
                        else scope.Freed.Add(f);
                    }
                    freedNow.Clear();
                    written++;
                }
                Commit(options, scope, root, count);
                return written;
            });
        }

        /// <summary>Encodes a value with its extent list and key entry; returns the entry's offset.</summary>
        private long WriteEntry(WriteTransaction tx, string key, object value, SetOptions setOptions, out ulong hash)
        {
            tx.BeginValue();
            var encoded = NodeWriter.Write(value, tx, setOptions);
            var extents = tx.EndValue();
            setOptions.CancellationToken.ThrowIfCancellationRequested();

            long extentsNode = 0, stored = 0;
            if (extents.Count > 0)
            {
                long listSize = ExtentList.SizeFor(extents.Count);
                extentsNode = tx.AllocateNode(listSize, out byte* x);
                x[0] = HeapLayout.KindExtents;
                *(uint*)(x + 4) = (uint)extents.Count;
                *(long*)(x + 8) = tx.TransactionId;
                ulong checksum = 0;
                for (int i = 0; i < extents.Count; i++)
                {
                    *(long*)(x + ExtentList.HeaderSize + 16 * i) = extents[i].Key;
                    *(long*)(x + ExtentList.HeaderSize + 16 * i + 8) = extents[i].Value;
                    checksum = Checksum64.Compute(Memory.Pointer(extents[i].Key, extents[i].Value), extents[i].Value, checksum);
                    stored += extents[i].Value;
                }
                *(ulong*)(x + 16) = checksum;
                stored += HeapLayout.NodeClass(listSize);
            }

            hash = KeyRules.Hash(key);
            var entry = new KeyEntry
            {
                Tag = encoded.Tag,
                Payload = encoded.Payload,
                Hash = hash,
                Born = tx.TransactionId,
                WrittenTicks = DateTime.UtcNow.Ticks,
                StoredSize = stored,
                Extents = extentsNode,
                Key = key,
                TypeName = KeyEntry.ClipTypeName(encoded.TypeName),
            };
            long entryOffset = tx.AllocateNode(entry.Size, out byte* ep);
            entry.Write(ep);
            return entryOffset;
        }

        public bool Remove(HeapOptions options, string key)
        {
            return Write(options, scope =>
            {
                long root = KeyDirectory.Delete(scope.Tx, scope.Space, scope.Meta.DirectoryRoot, key, KeyRules.Hash(key), scope.Freed, out long removed);
                if (removed == 0) return false;
                CollectEntry(scope.Space, removed, scope.Freed);
                Commit(options, scope, root, scope.Meta.KeyCount - 1);
                return true;
            });
        }

        /// <summary>Frees an entry that a write replaced or removed, with its value's ranges and extent list.</summary>
        private static void CollectEntry(BoundedSpace space, long entryOffset, List<KeyDirectory.Freed> freed)
        {
            long born = KeyEntry.BornAt(space, entryOffset);
            freed.Add(new KeyDirectory.Freed { Offset = entryOffset, Length = HeapLayout.NodeClass(KeyEntry.SizeAt(space, entryOffset)), Born = born });
            byte* p = space.At(entryOffset, KeyEntry.FixedSize);
            long extents = *(long*)(p + 48);
            if (extents == 0) return;
            int count = ExtentList.CountAt(space, extents, out _);
            for (int i = 0; i < count; i++)
            {
                ExtentList.Read(space, extents, i, out long offset, out long length);
                freed.Add(new KeyDirectory.Freed { Offset = offset, Length = length, Born = born });
            }
            freed.Add(new KeyDirectory.Freed { Offset = extents, Length = HeapLayout.NodeClass(ExtentList.SizeFor(count)), Born = born });
        }

        /// <summary>Frees what the write replaced, writes the new free table and publishes the new meta page.</summary>
        private void Commit(HeapOptions options, WriteScope scope, long root, long keyCount)
        {
            var tx = scope.Tx;
            var free = tx.Free;
            long txn = tx.TransactionId;
            tx.CloseRun();
            foreach (var f in scope.Freed) free.Free(f.Offset, HeapLayout.Align(f.Length), f.Born, txn);

            var old = scope.Meta;
            if (old.FreeTable != 0)
            {
                long tableBorn = *(long*)(scope.Space.At(old.FreeTable, FreeSpace.TableHeaderSize) + 8);
                free.Free(old.FreeTable, old.FreeTableLength, tableBorn, txn);
            }
            long tableBytes = HeapLayout.Align(FreeSpace.TableBytes(free.Count + 1));
            long table = tx.TakeBlock(tableBytes, out byte* tp);
            free.WriteTable(tp, tableBytes, txn);

            long freeBytes = free.TotalBytes;
            var meta = new MetaPage
            {
                TransactionId = txn,
                CommittedSize = free.Tail,
                DirectoryRoot = root,
                KeyCount = keyCount,
                FreeTable = table,
                FreeTableLength = tableBytes,
                UsedBytes = free.Tail - HeapLayout.DataStart - freeBytes,
                FreeBytes = freeBytes,
                CommitTicks = DateTime.UtcNow.Ticks,
            };

            bool durable = options.Durability == Durability.Flushed;
            if (durable) Memory.Flush();
            Interlocked.MemoryBarrier();
            meta.WriteTo(Memory.Pointer(HeapLayout.MetaOffsets[(int)(txn & 1)], HeapLayout.MetaSize));
            Interlocked.MemoryBarrier();
            if (durable) Memory.Flush();

            _cachedFree = free;
            _cachedFreeTransaction = txn;
            _wrote = true;
            if (durable) _wroteFlushed = true;
            // Give back a large overshoot at once (growth adds a quarter, so this never flaps); the rest goes at dismount.
            // Never below the previous commit's size: its meta page is the fallback if this one is lost (power loss in Fast
            // mode), and it must still describe a file that long.
            long keep = (Math.Max(free.Tail, old.CommittedSize) + 0xFFFF) & ~0xFFFFL;
            if (Memory.StorageLength > keep + Math.Max(keep / 2, 64L << 20)) Memory.TrimTo(keep);
        }

        /// <summary>Cuts the file back to its committed size, under the write lock so that no writer is extending it.</summary>
        private void TrimToCommitted()
        {
            // The gate first: the byte-range lock belongs to the process, so only the gate keeps out a writer thread here
            // that would otherwise release the lock under us (or write past the cut).
            if (!_writeGate.Wait(0)) return;
            try
            {
                if (!Memory.TryLockWriter()) return;
                try
                {
                    TrimWhileLocked();
                }
                finally
                {
                    Memory.UnlockWriter();
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }

        /// <summary>Cuts the file back to what both meta pages describe; the caller holds the write gate and lock.</summary>
        private void TrimWhileLocked()
        {
            // Keep what both meta pages describe: the older one is the fallback if the newer is ever lost, so it
            // must not describe a longer file than there is. The next commit and dismount cut the rest.
            var meta = ReadLatestMeta();
            long keep = meta.CommittedSize;
            byte* h = Memory.Pointer(0, HeapLayout.HeaderSize);
            if (MetaPage.TryReadSlot(h + HeapLayout.MetaOffsets[(int)((meta.TransactionId + 1) & 1)], out var older))
                keep = Math.Max(keep, older.CommittedSize);
            Memory.TrimTo(Math.Max(keep, HeapLayout.DataStart));
        }

        public void Flush()
        {
            if (CanWrite) Memory.Flush();
        }

        // ---------------------------------------------------------------- lifetime

        public void AddRef()
        {
            lock (s_open) _handles++;
        }

        public void Release()
        {
            lock (s_open)
            {
                if (--_handles > 0) return;
                if (_openKey != null && s_open.TryGetValue(_openKey, out var registered) && ReferenceEquals(registered, this)) s_open.Remove(_openKey);
            }
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
