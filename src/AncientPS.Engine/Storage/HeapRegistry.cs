using System;
using System.Collections.Generic;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The process-wide registry of open heap files. The byte-range write lock belongs to the process, so one file must be
    /// one mapping with one write gate: every handle that opens the same file shares one <see cref="HeapCore"/>, counted
    /// here, and the last handle to go unmaps it.
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
                string key = OpenKeyOf(full);
                if (key != null && s_open.TryGetValue(key, out var existing))
                {
                    if (!options.ReadOnly && !existing.CanWrite)
                        throw new UnauthorizedAccessException($"'{full}' is already mounted read-only in this process because the file is not writable; it cannot also be mounted for writing.");
                    existing.Handles++;
                    return existing;
                }
                var core = HeapFile.Open(full, options);
                core.Handles = 1;
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
                string key = OpenKeyOf(fullPath);
                if (key != null && s_open.TryGetValue(key, out core) && core.Handles > 0)
                {
                    core.Handles++;
                    return true;
                }
                core = null;
                return false;
            }
        }

        public static void AddRef(HeapCore core)
        {
            lock (s_open) core.Handles++;
        }

        /// <summary>Drops one handle; true when it was the last, and the core is no longer registered (the caller unmaps it).</summary>
        public static bool Release(HeapCore core)
        {
            lock (s_open)
            {
                if (--core.Handles > 0) return false;
                if (core.OpenKey != null && s_open.TryGetValue(core.OpenKey, out var registered) && ReferenceEquals(registered, core)) s_open.Remove(core.OpenKey);
                return true;
            }
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
