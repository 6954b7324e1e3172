using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace AncientPS.Abstractions
{
    /// <summary>
    /// Resolves the -Path and -LiteralPath of heap files through the session, as Mount-AncientHeap and Copy-AncientHeap
    /// take them: relative to the current location, ~ expanded, FileSystem provider only. A path that cannot be used is
    /// reported with a non-terminating error, and null is returned.
    /// </summary>
    internal static class HeapFilePaths
    {
        /// <summary>A -Path: wildcards must match exactly one file; without wildcards it is taken literally (it may not exist yet).</summary>
        public static string ResolveWildcard(PSCmdlet cmdlet, string path)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(path)) return ResolveLiteral(cmdlet, WildcardPattern.Unescape(path));

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
            if (!IsFileSystem(provider))
            {
                cmdlet.WriteError(AncientErrors.ProviderNotFileSystem(path, provider));
                return null;
            }
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

        /// <summary>A -LiteralPath (or a -Destination): no character is a wildcard, and the file need not exist.</summary>
        public static string ResolveLiteral(PSCmdlet cmdlet, string path)
        {
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

        private static bool IsFileSystem(ProviderInfo provider) => provider != null && provider.ImplementingType == typeof(FileSystemProvider);
    }
}
