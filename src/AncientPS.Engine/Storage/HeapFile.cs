using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// Opening and creating heap files: the header is checked through an ordinary read before anything is mapped, and a
    /// new heap is written in the crash-safe order of docs/format.md ("Creation"), the magic last.
    /// </summary>
    internal static unsafe class HeapFile
    {
        public static HeapCore CreateAnonymous(HeapOptions options)
        {
            string dir = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
            string path = System.IO.Path.Combine(dir, "ancientps-" + Guid.NewGuid().ToString("N") + ".anon");
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
            try
            {
                if (!Platform.IsWindows) File.Delete(path); // nothing outlives the process, even when it is killed
                var core = new HeapCore(null, anonymous: true, new FileHeapMemory(stream, writable: true, null));
                Initialize(core, stream, options.LockTimeout);
                return core;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>Opens the heap file at the full path <paramref name="full"/>, creating it (or finishing its interrupted creation) where the options allow.</summary>
        public static HeapCore Open(string full, HeapOptions options, bool claimReaderSlot = true)
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
                    Initialize(created, stream, options.LockTimeout);
                    return created;
                }
                CheckHeader(stream, full);
                var core = new HeapCore(full, anonymous: false, new FileHeapMemory(stream, writable, $"'{full}'"));
                if (writable) claimReaderSlot &= ReserveWholeFile(core, options);
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
        public static void RefuseNonRegularFile(string full)
        {
            if (Platform.TryStat(full, out var id) && !id.IsRegular && (id.Mode & 0xF000) != 0x4000)
                throw new AncientHeapFormatException(HeapFormatProblem.NotARegularFile, $"'{full}' is {id.Kind}, not a regular file, so it cannot be a heap.");
        }

        /// <summary>
        /// True for a file a creator was killed while initialising: exactly the size of an empty heap, its magic not yet (or
        /// only partly) written, and no byte set outside the fields <see cref="Initialize"/> writes before the magic. Any
        /// other file keeps being refused as not a heap. Read through the stream, like <see cref="CheckHeader"/>.
        /// </summary>
        public static bool IsUnfinishedHeap(FileStream stream)
        {
            if (stream.Length != HeapLayout.DataStart) return false;
            var bytes = new byte[HeapLayout.DataStart];
            if (ReadFromStart(stream, bytes) < bytes.Length) return false;
            int magic = FileHeader.MagicSize;
            bool complete = true;
            for (int i = 0; i < magic; i++)
            {
                if (bytes[i] == FileHeader.Magic[i]) continue;
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
        public static int ReadFromStart(FileStream stream, byte[] buffer)
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
            FileHeader.IsWrittenBeforeMagic(offset)
            || (offset >= HeapLayout.MetaOffsets[1] && offset < HeapLayout.MetaOffsets[1] + MetaPage.Size);

        /// <summary>Reads and checks the header through the stream, before anything is mapped, so a non-heap file is never touched.</summary>
        private static void CheckHeader(FileStream stream, string path)
        {
            var bytes = new byte[HeapLayout.HeaderSize];
            int read = ReadFromStart(stream, bytes);
            if (!FileHeader.StartsWithMagic(bytes, read))
                throw new AncientHeapFormatException(HeapFormatProblem.NotAHeap, $"'{path}' is not an AncientPS heap file. Give the path of a heap, or of a new file to create one.");
            var header = FileHeader.Read(bytes);
            if (header.MajorVersion > HeapLayout.MajorVersion)
                throw new AncientHeapFormatException(HeapFormatProblem.NewerVersion, $"'{path}' is a heap of format version {header.MajorVersion}.{header.MinorVersion}; this AncientPS reads version {HeapLayout.MajorVersion}. Update AncientPS to read it.");
            if (read < HeapLayout.HeaderSize || stream.Length < HeapLayout.DataStart)
                throw new AncientHeapCorruptException($"'{path}' is a truncated heap file ({stream.Length} bytes).");
            if (!header.ChecksumMatches)
                throw new AncientHeapCorruptException($"The header of '{path}' fails its checksum; the file is damaged.");
            if (!header.HasKnownLayout)
                throw new AncientHeapCorruptException($"The header of '{path}' describes a layout this version does not know; the file is damaged.");
        }

        /// <summary>
        /// Writes the header, an empty committed state and an empty reader table into a new, empty file (or one whose
        /// creation was interrupted). The magic goes in last, after a flush, so that a creator killed at any instant
        /// leaves either a heap or a file <see cref="IsUnfinishedHeap"/> recognises, never a file that mounts refuse.
        /// </summary>
        private static void Initialize(HeapCore core, FileStream stream, TimeSpan timeout)
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
                    throw new AncientHeapBusyException($"Another process held '{core.Path ?? "(anonymous heap)"}' for longer than {timeout.TotalSeconds:0.#} s while creating it ({e.Message}). Try again later.");
                }
            }
            try
            {
                if (stream.Length != 0 && !IsUnfinishedHeap(stream)) { CheckHeader(stream, core.Path); core.Attach(ReserveWholeFile(core, null)); return; }
                // Allocated on disk, not just lengthened: the header and reader table are written through the mapping.
                var memory = core.Memory;
                ReserveWholeFile(core, null);
                memory.Grow(HeapLayout.DataStart);
                byte* p = memory.Pointer(0, HeapLayout.DataStart);
                FileHeader.WriteAllButMagic(p, DateTime.UtcNow.Ticks);
                var meta = new MetaPage { TransactionId = 1, CommittedSize = HeapLayout.DataStart, CommitTicks = DateTime.UtcNow.Ticks };
                meta.WriteTo(p + HeapLayout.MetaOffsets[1]);
                memory.Flush();
                FileHeader.WriteMagic(p);
                memory.Flush();
            }
            finally
            {
                stream.Unlock(HeapLayout.WriterLockOffset, 1);
            }
            core.Attach();
        }

        /// <summary>
        /// Before anything is written through the mapping of an existing file, allocates its holes (<see cref="FileHeapMemory.ReserveExisting"/>).
        /// When the file system has no room for them, a writable mount fails with <see cref="AncientHeapDiskFullException"/>;
        /// a read-only one (<paramref name="options"/>.ReadOnly) still mounts, but publishes no reader slot unless the
        /// header's pages (the reader table) are allocated. Returns whether a reader slot may be claimed.
        /// </summary>
        private static bool ReserveWholeFile(HeapCore core, HeapOptions options)
        {
            var memory = (FileHeapMemory)core.Memory;
            long length = memory.StorageLength;
            int errno = memory.ReserveExisting(length);
            if (errno == 0) return true;
            if (options != null && options.ReadOnly) return memory.ReserveExisting(Math.Min(length, HeapLayout.DataStart)) == 0;
            if (Platform.IsNoSpace(errno))
                throw new AncientHeapDiskFullException(
                    $"The file system holding '{core.Path}' is full, and the heap file has {length} bytes not yet allocated on it. Free some space on it, or mount the heap with -ReadOnly.",
                    length);
            return true; // another failure of fallocate: the file system does not support it, and writes take their chance
        }
    }
}
