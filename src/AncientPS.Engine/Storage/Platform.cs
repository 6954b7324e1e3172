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

        private static readonly bool s_isLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        private static readonly long s_startIdentity = s_isLinux ? LinuxStartTicksSinceBoot(s_pid) : 0;
        private static readonly uint s_bootIdentity = s_isLinux ? ReadBootIdentity() : 0;

        /// <summary>
        /// Linux: this process's start in clock ticks since boot (<c>/proc/self/stat</c>), which the kernel fixes when the
        /// process starts; 0 elsewhere or where it cannot be read. <see cref="Process.StartTime"/> on Linux is that number
        /// turned into wall-clock time with the boot time as each process works it out from the clock *now*, so once the
        /// clock is stepped (NTP, a virtual machine resumed), a process started afterwards puts an earlier process's start
        /// elsewhere by the step, and took a live reader for a dead one. This number does not move.
        /// </summary>
        public static long CurrentProcessStartIdentity => s_startIdentity;

        /// <summary>Linux: a 32-bit hash of this boot's id (<c>/proc/sys/kernel/random/boot_id</c>), never 0; 0 elsewhere or where it cannot be read.</summary>
        public static uint BootIdentity => s_bootIdentity;

        /// <summary>
        /// Linux, same boot: whether process <paramref name="pid"/> runs and started at <paramref name="startIdentity"/>
        /// (see <see cref="CurrentProcessStartIdentity"/>). Null where that cannot be told (another OS, /proc unreadable):
        /// the caller falls back to <see cref="IsProcessAlive"/>.
        /// </summary>
        public static bool? IsProcessStartedAt(int pid, long startIdentity)
        {
            if (!s_isLinux || s_startIdentity == 0 || startIdentity == 0) return null;
            if (pid == s_pid) return startIdentity == s_startIdentity;
            if (!Directory.Exists("/proc/self")) return null;
            long found = LinuxStartTicksSinceBoot(pid);
            // No entry: the process is gone (its /proc entry goes with it). An entry we could not parse: unknown.
            if (found == 0) return Directory.Exists("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) ? (bool?)null : false;
            return found == startIdentity;
        }

        /// <summary>Field 22 of <c>/proc/PID/stat</c> (start time, clock ticks after boot), or 0 when it cannot be read.</summary>
        private static long LinuxStartTicksSinceBoot(int pid)
        {
            try
            {
                string stat = File.ReadAllText("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/stat");
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
                int close = stat.LastIndexOf(')');
                if (close < 0) return 0;
                string[] fields = stat.Substring(close + 1).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                // fields[0] is field 3 (state), so field 22 is fields[19].
                return fields.Length > 19 && long.TryParse(fields[19], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long ticks) && ticks > 0 ? ticks : 0;
            }
            catch (Exception)
            {
                return 0;
            }
        }

        private static uint ReadBootIdentity()
        {
            try
            {
                string id = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
                if (id.Length == 0) return 0;
                uint hash = 2166136261;
                foreach (char c in id) hash = (hash ^ c) * 16777619;
                return hash == 0 ? 1 : hash;
            }
            catch (Exception)
            {
                return 0;
            }
        }

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

        // ------------------------------------------------------------ reserving file space

        private const int ENOSPC = 28, EDQUOT = 122, EFBIG = 27, EINTR = 4;

        /// <summary>True for the errno values that mean the file system has no room (or the user no quota) left.</summary>
        public static bool IsNoSpace(int errno) => errno == ENOSPC || errno == EDQUOT || errno == EFBIG;

        /// <summary>
        /// Allocates the bytes [offset, offset+length) of the file on disk, growing it when they lie past its end, so that
        /// writing them through a mapping can never fail for want of space (which Unix reports with SIGBUS, killing the
        /// process). Returns 0, or the errno of the failure. Where the file system has no <c>fallocate</c> and
        /// <paramref name="zeroFill"/> is true, the range is written with zeros instead: only for bytes that nobody else
        /// writes meanwhile (past the end of the file, under the write lock). Windows allocates when a file is lengthened,
        /// so there it only sets the length.
        /// </summary>
        public static int Reserve(FileStream stream, long offset, long length, bool zeroFill)
        {
            if (length <= 0) return 0;
            if (IsWindows)
            {
                if (stream.Length < offset + length) stream.SetLength(offset + length);
                return 0;
            }
            int fd = (int)stream.SafeFileHandle.DangerousGetHandle();
            if (IsLinux)
            {
                try
                {
                    int rc;
                    do { rc = fallocate(fd, 0, offset, length); } while (rc != 0 && Marshal.GetLastWin32Error() == EINTR);
                    if (rc == 0) return 0;
                    int errno = Marshal.GetLastWin32Error();
                    if (IsNoSpace(errno) || !zeroFill) return errno;
                    // EOPNOTSUPP and the like: fall through to writing zeros.
                }
                catch (Exception e) when (e is EntryPointNotFoundException || e is DllNotFoundException)
                {
                    if (!zeroFill) return 0;
                }
            }
            else if (!zeroFill)
            {
                return 0;
            }
            return WriteZeros(fd, offset, length);
        }

        private static unsafe int WriteZeros(int fd, long offset, long length)
        {
            var zeros = new byte[64 * 1024];
            fixed (byte* z = zeros)
            {
                while (length > 0)
                {
                    int n = (int)Math.Min(zeros.Length, length);
                    long written = (long)pwrite(fd, z, (UIntPtr)n, offset);
                    if (written < 0)
                    {
                        int errno = Marshal.GetLastWin32Error();
                        if (errno == EINTR) continue;
                        return errno;
                    }
                    if (written == 0) return ENOSPC;
                    offset += written;
                    length -= written;
                }
            }
            return 0;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int fallocate(int fd, int mode, long offset, long length);

        [DllImport("libc", SetLastError = true)]
        private static extern unsafe IntPtr pwrite(int fd, byte* buffer, UIntPtr count, long offset);

        // ------------------------------------------------------------ file identity

        public static readonly bool IsLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>What <c>stat</c> says of a file: its device and inode (its identity), its type and link count.</summary>
        public struct FileIdentity
        {
            public ulong Device;
            public ulong Inode;
            public uint Mode;
            public ulong Links;
            public long Size;
            public bool IsRegular => (Mode & 0xF000) == 0x8000;
            public bool IsFifo => (Mode & 0xF000) == 0x1000;
            public bool SameFile(FileIdentity other) => Device == other.Device && Inode == other.Inode;
            public string Key => Device.ToString("x") + ":" + Inode.ToString("x");

            /// <summary>The kind of a file that is not a regular file, in words.</summary>
            public string Kind
            {
                get
                {
                    switch (Mode & 0xF000)
                    {
                        case 0x1000: return "a named pipe (FIFO)";
                        case 0x2000: return "a character device";
                        case 0x6000: return "a block device";
                        case 0xC000: return "a socket";
                        case 0x4000: return "a folder";
                        case 0xA000: return "a symbolic link";
                        default: return "not a regular file";
                    }
                }
            }
        }

        /// <summary>
        /// Whether this platform's <c>stat</c> layout is known here (Linux on x64 and Arm64). Elsewhere files are
        /// identified by their resolved path, and the checks that need <c>stat</c> are skipped.
        /// </summary>
        public static readonly bool HasStat = IsLinux
            && (RuntimeInformation.ProcessArchitecture == Architecture.X64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm64);

        /// <summary><c>stat</c> of a path (following symbolic links); false when the file does not exist or cannot be looked at.</summary>
        public static unsafe bool TryStat(string path, out FileIdentity identity)
        {
            identity = default;
            if (!HasStat) return false;
            byte* buffer = stackalloc byte[256];
            int rc;
            try { rc = stat(path, buffer); }
            catch (EntryPointNotFoundException) { rc = __xstat(StatVersion, path, buffer); }
            if (rc != 0) return false;
            identity = Decode(buffer);
            return true;
        }

        /// <summary><c>fstat</c> of an open file; false when it cannot be looked at.</summary>
        public static unsafe bool TryStat(FileStream stream, out FileIdentity identity)
        {
            identity = default;
            if (!HasStat) return false;
            int fd = (int)stream.SafeFileHandle.DangerousGetHandle();
            byte* buffer = stackalloc byte[256];
            int rc;
            try { rc = fstat(fd, buffer); }
            catch (EntryPointNotFoundException) { rc = __fxstat(StatVersion, fd, buffer); }
            if (rc != 0) return false;
            identity = Decode(buffer);
            return true;
        }

        private static int StatVersion => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0;

        private static unsafe FileIdentity Decode(byte* b)
        {
            // struct stat: x86_64 has st_nlink (8 bytes) before st_mode; the generic layout (Arm64) has st_mode, then a
            // 4-byte st_nlink. Both start with st_dev and st_ino, and have st_size at byte 48.
            var id = new FileIdentity { Device = *(ulong*)b, Inode = *(ulong*)(b + 8), Size = *(long*)(b + 48) };
            if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            {
                id.Links = *(ulong*)(b + 16);
                id.Mode = *(uint*)(b + 24);
            }
            else
            {
                id.Mode = *(uint*)(b + 16);
                id.Links = *(uint*)(b + 20);
            }
            return id;
        }

        /// <summary>
        /// Whether this process may open the file for reading now (<c>access(R_OK)</c> where <see cref="HasStat"/>; true
        /// elsewhere, where nothing asks).
        /// </summary>
        public static bool CanRead(string path)
        {
            if (!HasStat) return true;
            try { return access(path, 4 /* R_OK */) == 0; }
            catch (EntryPointNotFoundException) { return false; }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int access(string path, int mode);

        /// <summary>
        /// Drops (<paramref name="shared"/> false) or takes back without waiting (true) the shared <c>flock</c> that .NET
        /// puts on a file opened with FileShare.ReadWrite on Unix, where <see cref="HasStat"/>. An idle mapping drops it, so
        /// that a program that opens the file exclusively (Copy-Item over it) is not refused by a heap nobody has mounted.
        /// Returns false when the lock could not be taken back (someone holds the file exclusively).
        /// </summary>
        public static bool SetSharedFileLock(FileStream stream, bool shared)
        {
            if (!HasStat) return true;
            const int LOCK_SH = 1, LOCK_NB = 4, LOCK_UN = 8;
            try
            {
                int fd = (int)stream.SafeFileHandle.DangerousGetHandle();
                return flock(fd, shared ? LOCK_SH | LOCK_NB : LOCK_UN) == 0;
            }
            catch (EntryPointNotFoundException)
            {
                return true;
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int flock(int fd, int operation);

        [DllImport("libc", SetLastError = true)]
        private static extern unsafe int stat(string path, byte* buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern unsafe int fstat(int fd, byte* buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern unsafe int __xstat(int version, string path, byte* buffer);

        [DllImport("libc", SetLastError = true)]
        private static extern unsafe int __fxstat(int version, int fd, byte* buffer);

        private static long StartTicksOf(Process p)
        {
            try { return p.StartTime.ToUniversalTime().Ticks; }
            catch (Exception) { return 0; }
        }
    }
}
