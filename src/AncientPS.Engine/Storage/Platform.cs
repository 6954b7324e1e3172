using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AncientPS.Engine.Storage
{
    /// <summary>Everything that differs between operating systems, in one place.</summary>
    internal static class Platform
    {
        public static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        private static readonly int s_pid = Process.GetCurrentProcess().Id;
        private static readonly long s_startTicks = StartTicksOf(Process.GetCurrentProcess());

        public static int CurrentProcessId => s_pid;
        public static long CurrentProcessStartTicks => s_startTicks;

        /// <summary>
        /// Restricts a newly created file to the given Unix mode. Uses File.SetUnixFileMode where the runtime has it
        /// (.NET 7 and later); Windows files keep the ACL they inherit from their folder.
        /// </summary>
        public static void SetUnixCreateMode(string path, int mode)
        {
            if (IsWindows) return;
            var method = typeof(File).GetMethod("SetUnixFileMode", BindingFlags.Public | BindingFlags.Static, null,
                new[] { typeof(string), UnixFileModeType }, null);
            if (method == null) return;
            method.Invoke(null, new[] { path, Enum.ToObject(UnixFileModeType, mode) });
        }

        private static Type UnixFileModeType => Type.GetType("System.IO.UnixFileMode", throwOnError: false) ?? typeof(int);

        /// <summary>True when the process that registered a reader slot is still running (the pid exists and started when it said).</summary>
        /// <remarks>A start time of 0 means "not known yet" (a reader table slot being claimed): only whether the pid runs counts.</remarks>
        public static bool IsProcessAlive(int pid, long startTicks)
        {
            if (pid == s_pid) return startTicks == 0 || startTicks == s_startTicks || Math.Abs(startTicks - s_startTicks) < TimeSpan.TicksPerSecond;
            try
            {
                using (var p = Process.GetProcessById(pid))
                {
                    if (p.HasExited) return false;
                    if (startTicks == 0) return true;
                    long ticks = StartTicksOf(p);
                    return ticks == 0 || Math.Abs(ticks - startTicks) < TimeSpan.TicksPerSecond;
                }
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
            catch (Exception)
            {
                // Not allowed to look (another user's process): assume alive, which only delays reuse of space.
                return true;
            }
        }

        /// <summary>
        /// The path with every symbolic link resolved, so that one file reached by two paths is recognised as one (Unix;
        /// on Windows the full path, compared ignoring case). A file that does not exist yet resolves through its folder.
        /// Hard links are not recognised.
        /// </summary>
        public static string CanonicalPath(string fullPath)
        {
            if (IsWindows) return fullPath;
            try
            {
                string resolved = RealPath(fullPath);
                if (resolved != null) return resolved;
                string folder = System.IO.Path.GetDirectoryName(fullPath);
                string resolvedFolder = folder == null ? null : RealPath(folder);
                return resolvedFolder == null ? fullPath : System.IO.Path.Combine(resolvedFolder, System.IO.Path.GetFileName(fullPath));
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return fullPath;
            }
        }

        private static string RealPath(string path)
        {
            IntPtr p = realpath(path, IntPtr.Zero);
            if (p == IntPtr.Zero) return null;
            try { return Marshal.PtrToStringAnsi(p); }
            finally { free(p); }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr realpath(string path, IntPtr resolved);

        [DllImport("libc")]
        private static extern void free(IntPtr p);

        private static long StartTicksOf(Process p)
        {
            try { return p.StartTime.ToUniversalTime().Ticks; }
            catch (Exception) { return 0; }
        }
    }
}
