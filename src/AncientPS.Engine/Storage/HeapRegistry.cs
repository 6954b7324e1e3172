using System;
using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The process-wide registry of open heap files. The byte-range write lock belongs to the process, so one file must be
    /// one mapping with one write gate: every handle that opens the same file shares one <see cref="HeapCore"/>, counted
    /// here, and the last handle to go unmaps it.
    /// <para>
    /// Where a file's identity is known (<see cref="Platform.HasStat"/>: device and inode), the last handle of a mapping
    /// that only read-only handles opened leaves it open for <see cref="IdleTime"/> instead (at most <see cref="MaxIdle"/> such mappings),
    /// so that mounting the same file read-only again takes it up at once instead of opening, mapping and claiming a
    /// reader slot anew (issue 18's open path: that is most of a mount's cost). It is taken up only after the checks a
    /// fresh open would make still hold (<see cref="HeapCore.TryRevive"/>); otherwise, for a writable open, and when
    /// the idle time runs out, it is unmapped as the last handle would have done.
    /// </para>
    /// </summary>
    internal static class HeapRegistry
    {
        private static readonly Dictionary<string, HeapCore> s_open = new Dictionary<string, HeapCore>(
            Platform.IsWindows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

        /// <summary>The shared core of the file at <paramref name="path"/>, opened (or created) if this process has not opened it yet.</summary>
        public static HeapCore Open(string path, HeapOptions options)
        {
            string full = System.IO.Path.GetFullPath(path);
            lock (s_open)
            {
                // The file is identified by device and inode where stat is available (so that a path whose file was
                // replaced or deleted opens the new file, and hard links share one mapping), else by its resolved path.
                string key = WaitWhileClosing(() => OpenKeyOf(full));
                HeapCore existing = null;
                if (key != null && s_open.TryGetValue(key, out existing) && existing.Handles == 0)
                {
                    // An idle mapping: taken up by a read-only open whose checks still hold, else unmapped and opened anew.
                    if (options.ReadOnly && existing.TryRevive())
                    {
                        s_idle.Remove(existing);
                        existing.Readers.Resume();
                        existing.Handles = 1;
                        return existing;
                    }
                    // Unmapped before the file is opened again: closing a second descriptor of the file later could
                    // drop the byte-range write lock of the new mapping, where locks are per process.
                    CloseIdle(existing);
                    existing = null;
                }
                if (existing != null)
                {
                    if (!options.ReadOnly && !existing.CanWrite)
                        throw new UnauthorizedAccessException($"'{full}' is already mounted read-only in this process because the file is not writable; it cannot also be mounted for writing.");
                    existing.Handles++;
                    if (!options.ReadOnly) existing.OpenedWritable = true;
                    return existing;
                }
                var core = HeapFile.Open(full, options);
                core.Handles = 1;
                core.OpenedWritable = !options.ReadOnly;
                // A file created just now has an identity only once it exists.
                key = OpenKeyOfStream(core) ?? key ?? Platform.CanonicalPath(full);
                core.OpenKey = key;
                s_open[key] = core;
                return core;
            }
        }

        /// <summary>
        /// The mapping of <paramref name="fullPath"/> when this process has the file open, with a handle added that the
        /// caller must <see cref="HeapCore.Release"/>. The verifier reads through it instead of opening the file again:
        /// closing another descriptor of the file could drop this process's byte-range write lock where locks are per process.
        /// </summary>
        public static bool TryAddRef(string fullPath, out HeapCore core)
        {
            lock (s_open)
            {
                string key = WaitWhileClosing(() => OpenKeyOf(fullPath));
                if (key != null && s_open.TryGetValue(key, out core))
                {
                    if (core.Handles > 0)
                    {
                        core.Handles++;
                        return true;
                    }
                    // An idle mapping: unmap it, and let the caller open the file as if it were not open.
                    CloseIdle(core);
                }
                core = null;
            }
            return false;
        }

        public static void AddRef(HeapCore core)
        {
            lock (s_open) core.Handles++;
        }

        /// <summary>
        /// Drops one handle; true when it was the last, and the core is no longer registered (the caller unmaps it).
        /// False for the last handle of a mapping kept idle (<see cref="HeapCore.CanIdle"/>): the registry unmaps it later.
        /// </summary>
        public static bool Release(HeapCore core)
        {
            lock (s_open)
            {
                if (--core.Handles > 0) return false;
                if (s_keepIdle && core.CanIdle && core.OpenKey != null && s_open.TryGetValue(core.OpenKey, out var mine) && ReferenceEquals(mine, core))
                {
                    core.IdleSince = Environment.TickCount;
                    core.Readers.Quiet();
                    core.SetSharedFileLock(false);
                    s_idle.Add(core);
                    if (s_idle.Count > MaxIdle) CloseIdleLater(s_idle[0]);
                    StartTimer();
                }
                else
                {
                    // Stays registered, closing, until Closed: an open of the same file meanwhile waits for it.
                    core.Closing = true;
                    return true;
                }
            }
            return false;
        }

        /// <summary>A test's hook, run between the last handle's release and the unmapping.</summary>
        internal static Action<HeapCore> BeforeClose;

        /// <summary>
        /// After the caller of a <see cref="Release"/> that returned true has unmapped the core (closed its descriptor):
        /// unregisters it and wakes the opens of the same file that waited. Until then the file is not opened again in
        /// this process, because closing a descriptor of a file drops every byte-range lock the process holds on it
        /// (a new mapping's reader slot or write lock) where locks are per process.
        /// </summary>
        public static void Closed(HeapCore core)
        {
            lock (s_open)
            {
                Unregister(core);
                core.Closing = false;
                System.Threading.Monitor.PulseAll(s_open);
            }
        }

        /// <summary>Under the lock: the key of the file, once no core of it is closing (waiting, with the lock let go, while one is).</summary>
        private static string WaitWhileClosing(Func<string> keyOf)
        {
            while (true)
            {
                string key = keyOf();
                if (key == null || !s_open.TryGetValue(key, out var core) || !core.Closing) return key;
                System.Threading.Monitor.Wait(s_open);
            }
        }

        // ------------------------------------------------------------ idle mappings

        /// <summary>How long a mapping whose last handle went stays open for a read-only mount of the same file to take up.</summary>
        public static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(2);

        /// <summary>The most idle mappings kept; the oldest goes first.</summary>
        public const int MaxIdle = 4;

        // Only where the file's identity is its device and inode: a file replaced at its path is then never mistaken
        // for the one mapped. Not on Windows, where a mapped file cannot be deleted or replaced, which a dismounted one must be.
        private static readonly bool s_keepIdle = Platform.HasStat && !Platform.IsWindows;
        private static readonly List<HeapCore> s_idle = new List<HeapCore>();
        private static System.Threading.Timer s_timer;
        private static bool s_exitHooked;

        /// <summary>Whether <paramref name="core"/> is an idle mapping, open with no handle (tests).</summary>
        internal static bool IsIdle(HeapCore core) { lock (s_open) return s_idle.Contains(core); }

        /// <summary>Unmaps every idle mapping now, and those pushed out that are still waiting to be (at process exit, and for tests).</summary>
        internal static void CloseIdle()
        {
            lock (s_open)
            {
                CloseIdle(TimeSpan.Zero);
                while (s_pushedOut.Count > 0) FinishClosing(s_pushedOut[0]);
            }
        }

        /// <summary>A test's hook, run on the pool thread before a pushed-out idle mapping is unmapped.</summary>
        internal static Action<HeapCore> BeforePushedOutClose;

        // Idle mappings pushed out by newer ones (more than MaxIdle), registered and closing until a pool thread unmaps them.
        private static readonly List<HeapCore> s_pushedOut = new List<HeapCore>();

        /// <summary>
        /// Under the lock: an idle mapping pushed out by a newer one is unmapped on a pool thread instead of in the dismount
        /// that pushed it out, which is the first open of another file (issue 18: the munmap, the reader slot given back and
        /// the descriptor closed were about 0.5 ms of it here). Until then it stays registered and closing, so that an open of the
        /// same file waits for it, as for a last handle's close (<see cref="Closed"/>).
        /// </summary>
        private static void CloseIdleLater(HeapCore core)
        {
            s_idle.Remove(core);
            core.Closing = true;
            s_pushedOut.Add(core);
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(_ => FinishClosing(core), null);
        }

        /// <summary>Unmaps a pushed-out mapping, once (a pool thread, or <see cref="CloseIdle()"/> first), then unregisters it.</summary>
        private static void FinishClosing(HeapCore core)
        {
            lock (s_open)
            {
                if (!s_pushedOut.Remove(core)) return;
            }
            try
            {
                BeforePushedOutClose?.Invoke(core);
                core.Close();
            }
            catch (Exception) { }
            finally
            {
                Closed(core);
            }
        }

        private static void CloseIdle(TimeSpan olderThan)
        {
            lock (s_open)
            {
                int now = Environment.TickCount;
                for (int i = s_idle.Count - 1; i >= 0; i--)
                {
                    var core = s_idle[i];
                    if (olderThan > TimeSpan.Zero && unchecked(now - core.IdleSince) < olderThan.TotalMilliseconds) continue;
                    CloseIdle(core);
                }
                if (s_idle.Count == 0 && s_timer != null)
                {
                    s_timer.Dispose();
                    s_timer = null;
                }
            }
        }

        /// <summary>
        /// Under the lock: unregisters and unmaps an idle mapping. Under the lock so that no new mapping of the file
        /// exists yet when its descriptor closes (closing it could drop the new mapping's byte-range lock).
        /// </summary>
        private static void CloseIdle(HeapCore core)
        {
            s_idle.Remove(core);
            Unregister(core);
            try { core.Close(); }
            catch (Exception) { }
        }

        /// <summary>Under the lock: a timer that unmaps mappings idle for longer than <see cref="IdleTime"/>, and the hook that unmaps them all at exit.</summary>
        private static void StartTimer()
        {
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (sender, e) => CloseIdle();
            }
            if (s_timer != null) return;
            int period = (int)IdleTime.TotalMilliseconds / 2;
            s_timer = new System.Threading.Timer(_ => CloseIdle(IdleTime), null, period, period);
        }

        private static void Unregister(HeapCore core)
        {
            if (core.OpenKey != null && s_open.TryGetValue(core.OpenKey, out var registered) && ReferenceEquals(registered, core)) s_open.Remove(core.OpenKey);
        }

        /// <summary>The key of an existing file in <see cref="s_open"/>: "dev:inode" where stat works, else the resolved path; null for a missing file where stat works.</summary>
        private static string OpenKeyOf(string fullPath)
        {
            if (!Platform.HasStat) return Platform.CanonicalPath(fullPath);
            return Platform.TryStat(fullPath, out var id) ? id.Key : null;
        }

        private static string OpenKeyOfStream(HeapCore core)
            => Platform.HasStat && core.Memory is FileHeapMemory file && Platform.TryStat(file.Stream, out var id) ? id.Key : null;
    }
}
