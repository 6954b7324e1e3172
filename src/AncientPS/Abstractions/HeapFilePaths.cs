using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using FileInfo = System.IO.FileInfo;
using FileSystemInfo = System.IO.FileSystemInfo;
using IOException = System.IO.IOException;

namespace AncientPS.Abstractions
{
    /// <summary>
    /// Resolves the -Path and -LiteralPath of heap files through the session, as Mount-AncientHeap and Copy-AncientHeap
    /// and Test-AncientHeap
    /// take them: relative to the current location, ~ expanded, FileSystem provider only. A path that cannot be used is
    /// reported with a non-terminating error, and null is returned.
    /// </summary>
    internal static class HeapFilePaths
    {
        /// <summary>A -Path that names one file: wildcards must match exactly one file; without wildcards it is taken literally (it may not exist yet).</summary>
        public static string ResolveWildcard(PSCmdlet cmdlet, string path)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(path)) return ResolveLiteral(cmdlet, WildcardPattern.Unescape(path));

            var resolved = ResolveExisting(cmdlet, path);
            if (resolved == null) return null;
            if (resolved.Count == 0)
            {
                cmdlet.WriteError(AncientErrors.PathNotFound(path));
                return null;
            }
            if (resolved.Count > 1)
            {
                cmdlet.WriteError(AncientErrors.AmbiguousPath(path, resolved.Count));
                return null;
            }
            return resolved[0];
        }

        /// <summary>
        /// A -Path that names existing files, resolved as Get-Item resolves it: a wildcard may match several files, or none;
        /// a path without wildcards must exist.
        /// </summary>
        public static Collection<string> ResolveExisting(PSCmdlet cmdlet, string path)
        {
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (Exception e) when (e is ItemNotFoundException || e is DriveNotFoundException || e is ProviderNotFoundException)
            {
                cmdlet.WriteError(AncientErrors.PathNotFound(path, e));
                return null;
            }
            if (IsFileSystem(provider)) return resolved;
            cmdlet.WriteError(AncientErrors.ProviderNotFileSystem(path, provider));
            return null;
        }

        /// <summary>A -LiteralPath (or a -Destination): no character is a wildcard, and the file need not exist.</summary>
        public static string ResolveLiteral(PSCmdlet cmdlet, string path)
        {
            // An absolute Unix path is a FileSystem path from any location (PowerShell roots '/' there), and asking the
            // session costs a read of /proc/self/mountinfo per call (its check of auto-mounted drives): about 0.1-0.2 ms,
            // most of a mount of an open file (issue 18). Backslashes are left to the session, which turns them into '/'.
            if (IsPlainUnix(path))
            {
                if (path[0] == '/') return System.IO.Path.GetFullPath(path);
                // Relative to the current location, when that is a folder (reading it does not read the mount table).
                var location = cmdlet.SessionState.Path.CurrentLocation;
                if (IsFileSystem(location.Provider)) return System.IO.Path.GetFullPath(System.IO.Path.Combine(location.ProviderPath, path));
            }
            try
            {
                string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                if (IsFileSystem(provider)) return resolved;
                cmdlet.WriteError(AncientErrors.ProviderNotFileSystem(path, provider));
                return null;
            }
            catch (Exception e) when (e is DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException)
            {
                cmdlet.WriteError(AncientErrors.PathNotFound(path, e));
                return null;
            }
        }

        /// <summary>
        /// Whether two full paths name one file: each is compared with its symbolic links (and Windows junctions)
        /// resolved, in the file system's case rule, so a link and its target are one file. Either may not exist yet.
        /// Hard links are not recognised, as in the engine's registry of open files.
        /// </summary>
        public static bool SameFile(string a, string b) => string.Equals(WithLinksResolved(a), WithLinksResolved(b),
            Environment.OSVersion.Platform == PlatformID.Win32NT ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        // FileSystemInfo.ResolveLinkTarget is .NET 6 and later (PowerShell 7.2 and later); this assembly is built for
        // netstandard2.0, so it is looked up at run time. Windows PowerShell has no link API: there paths compare as they are.
        private static readonly Func<FileSystemInfo, bool, FileSystemInfo> s_resolveLinkTarget = FindResolveLinkTarget();

        private static Func<FileSystemInfo, bool, FileSystemInfo> FindResolveLinkTarget()
        {
            var method = typeof(FileSystemInfo).GetMethod("ResolveLinkTarget", new[] { typeof(bool) });
            return method == null ? null
                : (Func<FileSystemInfo, bool, FileSystemInfo>)Delegate.CreateDelegate(typeof(Func<FileSystemInfo, bool, FileSystemInfo>), method);
        }

        /// <summary>The full path with every symbolic link along it resolved, folders included, as realpath(3) gives it.</summary>
        private static string WithLinksResolved(string path)
        {
            string full = System.IO.Path.GetFullPath(path);
            if (s_resolveLinkTarget == null) return full;
            // A chain of links longer than the systems allow (40 on Linux) is a loop: the path is then left as it is.
            for (int hops = 0; hops < 40; hops++)
            {
                string link = FirstLink(full, out string rest);
                if (link == null) return full;
                full = System.IO.Path.GetFullPath(rest.Length == 0 ? link : System.IO.Path.Combine(link, rest));
            }
            return full;
        }

        /// <summary>The target of the first link along <paramref name="full"/> (null when there is none), and the rest of the path after that link.</summary>
        private static string FirstLink(string full, out string rest)
        {
            string root = System.IO.Path.GetPathRoot(full) ?? string.Empty;
            var parts = full.Substring(root.Length).Split(new[] { System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
            string current = root;
            for (int i = 0; i < parts.Length; i++)
            {
                current = System.IO.Path.Combine(current, parts[i]);
                FileSystemInfo target;
                try
                {
                    target = s_resolveLinkTarget(new FileInfo(current), false);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    target = null;
                }
                if (target == null) continue;
                rest = string.Join(System.IO.Path.DirectorySeparatorChar.ToString(), parts, i + 1, parts.Length - i - 1);
                return target.FullName;
            }
            rest = null;
            return null;
        }

        /// <summary>
        /// On Unix, a path the session would resolve as the file system does: absolute ('/...'), or relative without a
        /// home ('~'), a drive or provider (':') or a backslash (which the session turns into '/').
        /// </summary>
        private static bool IsPlainUnix(string path)
            => System.IO.Path.DirectorySeparatorChar == '/' && path.Length > 1 && path[0] != '~'
                && path.IndexOf('\\') < 0 && path.IndexOf('\0') < 0 && (path[0] == '/' || path.IndexOf(':') < 0);

        private static bool IsFileSystem(ProviderInfo provider) => provider != null && provider.ImplementingType == typeof(FileSystemProvider);
    }
}
