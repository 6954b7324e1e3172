using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine
{
    /// <summary>
    /// Copies a heap file while other processes read and write it: the copy holds the committed state current when the
    /// copy starts (one pinned snapshot), whatever is written meanwhile.
    /// <para>
    /// A plain copy is byte for byte: the snapshot's live ranges at their own offsets, its free table, key directory and
    /// the time each value was written, in a file as long as the snapshot's committed size. Free ranges become zeros:
    /// their bytes belong to no value of the snapshot, and a writer may be reusing them while the copy runs.
    /// </para>
    /// <para>
    /// A compacting copy (LMDB's <c>mdb_env_copy</c> with <c>MDB_CP_COMPACT</c>) re-encodes every live value into a fresh
    /// heap in one transaction: no free space, no pinned space, values packed in key order. Types, sharing and cycles
    /// inside each value are kept; each entry's Written time becomes the time of the copy.
    /// </para>
    /// The destination is written to a temporary file beside it and renamed over it only when complete, so a cancelled
    /// or failed copy leaves no half-written destination, and a destination being replaced is never seen half-replaced.
    /// </summary>
    public static class HeapCopy
    {
        private const int ChunkSize = 1 << 20;

        /// <summary>
        /// The key of <see cref="Exception.Data"/> that holds the source's full path when an exception came from opening
        /// the source heap (not from writing the destination).
        /// </summary>
        public const string SourceFailedKey = "AncientPS.CopySource";

        /// <summary>
        /// Copies the heap file <paramref name="source"/> to <paramref name="destination"/>. <paramref name="progress"/> is called
        /// now and then with (bytes done, bytes in all): stored bytes of values for a compacting copy, file bytes for a plain one.
        /// Throws <see cref="IOException"/> when the destination exists and <paramref name="overwrite"/> is false,
        /// <see cref="OperationCanceledException"/> when cancelled (the destination is then untouched).
        /// </summary>
        public static void Copy(string source, string destination, bool compact, bool overwrite = false,
            Action<long, long> progress = null, CancellationToken cancellationToken = default)
            => Copy(source, destination, compact, overwrite, progress, cancellationToken, skipDamaged: false, damaged: null);

        /// <summary>
        /// As <see cref="Copy(string, string, bool, bool, Action{long, long}, CancellationToken)"/>. A compacting copy checks
        /// each value's checksum (and each key entry's) as it reads it: a damaged value is never re-encoded into a heap that
        /// would verify clean. By default the copy then fails with <see cref="AncientHeapCorruptException"/> naming the key;
        /// with <paramref name="skipDamaged"/> it leaves that key out and calls <paramref name="damaged"/> with the key (or
        /// "entry at offset N" for an entry too damaged to name its key) and what is wrong. A plain copy is byte for byte,
        /// damage included, and ignores <paramref name="skipDamaged"/>.
        /// </summary>
        public static void Copy(string source, string destination, bool compact, bool overwrite,
            Action<long, long> progress, CancellationToken cancellationToken, bool skipDamaged, Action<string, string> damaged)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            string from = Path.GetFullPath(source);
            string to = Path.GetFullPath(destination);
            // The same file by path, or through a symbolic link or a linked folder (stat follows them where it is available).
            bool same = string.Equals(from, to, Platform.IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
                || (Platform.TryStat(from, out var fromId) && Platform.TryStat(to, out var toId) && fromId.SameFile(toId));
            if (same)
                throw new ArgumentException("The destination is the source itself. Copy to another file.", nameof(destination));
            if (Directory.Exists(to)) throw new IOException($"'{to}' is a folder. Give the path of a file to copy the heap to.");
            if (!overwrite && File.Exists(to)) throw new IOException($"'{to}' already exists. Allow overwriting it to replace it.");
            if (!File.Exists(from)) throw new FileNotFoundException($"The heap file '{from}' does not exist.", from);

            string folder = Path.GetDirectoryName(to);
            // The temporary file's name says which process writes it, so that the next copy to this destination can
            // delete what a killed copy left behind (its process is gone), and never a running copy's file.
            string prefix = "." + Path.GetFileName(to) + ".";
            RemoveStaleTemporaries(folder, prefix);
            string temporary = Path.Combine(folder, prefix + Guid.NewGuid().ToString("N").Substring(0, 12)
                + ".p" + Platform.CurrentProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + "-" + Platform.CurrentProcessStartTicks.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + ".tmp");
            bool done = false;
            try
            {
                MappedHeap opened;
                try
                {
                    opened = MappedHeap.Open(from, new HeapOptions { ReadOnly = true, CreateIfMissing = false });
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Callers tell a source they cannot read from a destination they cannot write by this mark.
                    e.Data[SourceFailedKey] = from;
                    throw;
                }
                using (var heap = opened)
                {
                    if (compact) CopyCompacted(heap, temporary, progress, cancellationToken, skipDamaged, damaged);
                    else CopySnapshot(heap, temporary, progress, cancellationToken);
                }
                cancellationToken.ThrowIfCancellationRequested();
                if (File.Exists(to)) File.Replace(temporary, to, null);
                else File.Move(temporary, to);
                done = true;
            }
            finally
            {
                if (!done) TryDelete(temporary);
            }
        }

        private static void CopyCompacted(MappedHeap heap, string temporary, Action<long, long> progress, CancellationToken cancel,
            bool skipDamaged, Action<string, string> damaged)
        {
            var core = heap.Core;
            var state = core.AcquireSnapshot();
            var space = new SnapshotSpace(heap, core, state);
            var bounded = new BoundedSpace(core.Memory, state.Meta.CommittedSize);
            var entries = new List<KeyEntry>();
            var skipped = new List<KeyValuePair<string, string>>();
            space.EnterRead();
            try
            {
                KeyDirectory.ForEach(bounded, state.Meta.DirectoryRoot, offset =>
                {
                    KeyEntry entry;
                    try
                    {
                        entry = KeyEntry.Read(bounded, offset);
                    }
                    catch (AncientHeapCorruptException e) when (skipDamaged)
                    {
                        skipped.Add(new KeyValuePair<string, string>($"entry at offset {offset}", e.Message));
                        return;
                    }
                    string problem = ValueDamage(bounded, entry);
                    if (problem == null) { entries.Add(entry); return; }
                    if (!skipDamaged)
                        throw new AncientHeapCorruptException($"The value of '{entry.Key}' is damaged: {problem} Nothing was copied. Write that value again, or copy with -SkipDamaged to leave it out.");
                    skipped.Add(new KeyValuePair<string, string>(entry.Key, problem));
                });
            }
            finally
            {
                space.ExitRead();
            }
            space.CheckNotExpired();
            entries.Sort((a, b) => KeyRules.Compare(a.Key, b.Key));
            long total = 0;
            foreach (var e in entries) total += e.StoredSize;

            IEnumerable<KeyValuePair<string, object>> Values()
            {
                long doneBytes = 0;
                foreach (var e in entries)
                {
                    cancel.ThrowIfCancellationRequested();
                    // A view of the pinned snapshot; the writer re-encodes it, keeping types, sharing and cycles.
                    object value = NodeReader.Read(space, e.Key, e.Tag, e.Payload, ValueProjection.None);
                    yield return new KeyValuePair<string, object>(e.Key, value);
                    doneBytes += e.StoredSize;
                    progress?.Invoke(doneBytes, total);
                }
            }

            using (var target = MappedHeap.Open(temporary, new HeapOptions { CreateIfMissing = true }))
            {
                if (entries.Count > 0)
                    target.SetMany(Values(), new SetOptions { CancellationToken = cancel, Depth = SetOptions.MaximumDepth });
                target.Flush();
            }
            // Without a published pin, a writer may have reused what was read; the copy would then be wrong, so fail.
            space.CheckNotExpired();
            GC.KeepAlive(state);
            // The copy is checked whole before it replaces anything: damage the checksums cannot see (in the directory's
            // structure, say) must not come out as a heap that reads differently from its source.
            var problems = HeapVerifier.Verify(temporary, null, cancel);
            if (problems.Count > 0)
                throw new AncientHeapCorruptException($"The compacted copy fails its own check ({problems[0].Message}); the source heap is damaged in a way the copy cannot repair. Nothing was copied. Test-AncientHeap reports what is wrong with the source.");
            foreach (var s in skipped) damaged?.Invoke(s.Key, s.Value);
        }

        /// <summary>
        /// Why the value of <paramref name="entry"/> cannot be trusted (its extent list is malformed, or its bytes fail the
        /// checksum written with them), or null when it is intact. A value held in its key entry alone (a small scalar) is
        /// covered by the entry's own checksum, checked when the entry was read.
        /// </summary>
        private static unsafe string ValueDamage(BoundedSpace space, KeyEntry entry)
        {
            if (entry.Extents == 0) return null;
            try
            {
                return ExtentList.FindDamage(space, entry.Extents);
            }
            catch (AncientHeapCorruptException e)
            {
                return e.Message;
            }
        }

        private static unsafe void CopySnapshot(MappedHeap heap, string temporary, Action<long, long> progress, CancellationToken cancel)
        {
            var core = heap.Core;
            var state = core.AcquireSnapshot();
            var meta = state.Meta;
            var space = new SnapshotSpace(heap, core, state);
            var bounded = new BoundedSpace(core.Memory, meta.CommittedSize);

            var header = new byte[HeapLayout.DataStart];
            IReadOnlyList<FreeExtent> free;
            space.EnterRead();
            try
            {
                byte* h = core.Memory.Pointer(0, HeapLayout.HeaderSize);
                for (int i = 0; i < HeapLayout.HeaderSize; i++) header[i] = h[i];
                free = meta.FreeTable == 0
                    ? Array.Empty<FreeExtent>()
                    : FreeSpace.Load(bounded.At(meta.FreeTable, meta.FreeTableLength), meta.FreeTableLength, meta.CommittedSize, meta.FreeTable).Extents;
            }
            finally
            {
                space.ExitRead();
            }

            // The copy's only committed state is the snapshot; nobody reads it yet, so no reader slots and no reuse horizon.
            for (int i = FileHeader.ReuseHorizonField; i < FileHeader.ReuseHorizonField + 8; i++) header[i] = 0;
            foreach (int slot in HeapLayout.MetaOffsets) Array.Clear(header, slot, MetaPage.Size);
            fixed (byte* p = header) meta.WriteTo(p + HeapLayout.MetaOffsets[(int)(meta.TransactionId & 1)]);

            long total = meta.CommittedSize;
            long copied = HeapLayout.DataStart;
            var buffer = new byte[ChunkSize];
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                Platform.SetUnixCreateMode(temporary, new HeapOptions().UnixCreateMode);
                stream.SetLength(meta.CommittedSize);
                stream.Write(header, 0, header.Length);

                // Live ranges only: the gaps between the snapshot's free ranges. Free bytes stay zero in the copy.
                long position = HeapLayout.DataStart;
                int next = 0;
                while (position < meta.CommittedSize)
                {
                    while (next < free.Count && free[next].End <= position) next++;
                    long end = meta.CommittedSize;
                    if (next < free.Count)
                    {
                        if (free[next].Offset <= position)
                        {
                            position = free[next].End;
                            continue;
                        }
                        end = free[next].Offset;
                    }
                    while (position < end)
                    {
                        cancel.ThrowIfCancellationRequested();
                        int length = (int)Math.Min(ChunkSize, end - position);
                        space.EnterRead();
                        try
                        {
                            byte* from = bounded.At(position, length);
                            fixed (byte* to = buffer) Buffer.MemoryCopy(from, to, length, length);
                        }
                        finally
                        {
                            space.ExitRead();
                        }
                        stream.Position = position;
                        stream.Write(buffer, 0, length);
                        position += length;
                        copied += length;
                        progress?.Invoke(Math.Min(copied, total), total);
                    }
                }
                space.CheckNotExpired();
                stream.Flush(true);
            }
            progress?.Invoke(total, total);
            GC.KeepAlive(state);
        }

        /// <summary>
        /// Deletes the temporary files that copies to this destination left when their process was killed: names of the
        /// form <c>.NAME.ID.pPID-START.tmp</c> whose pid no longer runs (the start time tells a copy of this process from
        /// one of an earlier process with the same pid). Anything else, and any
        /// file that cannot be deleted, is left alone; this never fails a copy.
        /// </summary>
        internal static void RemoveStaleTemporaries(string folder, string prefix)
        {
            try
            {
                foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
                {
                    string name = Path.GetFileName(file);
                    if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                    string rest = name.Substring(prefix.Length, name.Length - prefix.Length - ".tmp".Length);
                    // ID.pPID-START
                    int dot = rest.IndexOf(".p", StringComparison.Ordinal);
                    if (dot != 12 || rest.IndexOf('.', dot + 1) >= 0) continue;
                    string[] owner = rest.Substring(dot + 2).Split('-');
                    if (owner.Length != 2
                        || !int.TryParse(owner[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                        || !long.TryParse(owner[1], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out long start))
                        continue;
                    if (pid == Platform.CurrentProcessId)
                    {
                        // This process's own copies name its start exactly as it reads it; another start is a process
                        // that had this pid before.
                        if (start != Platform.CurrentProcessStartTicks) TryDelete(file);
                        continue;
                    }
                    // Only once no process with that pid runs: the start time in the name is the copying process's own
                    // reading of its start, which this process reads differently once the clock was stepped
                    // (Platform.CurrentProcessStartIdentity). Deleting a live copy's file would fail that copy; a file a
                    // reused pid keeps only waits for the next copy after that process ends.
                    if (!Platform.IsProcessAlive(pid, 0)) TryDelete(file);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path)) File.Delete(path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
