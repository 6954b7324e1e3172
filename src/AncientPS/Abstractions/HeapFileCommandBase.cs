using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using AncientPS.Completion;

namespace AncientPS.Abstractions
{
    /// <summary>
    /// A cmdlet that works on heap files given with -Path (wildcards allowed) or -LiteralPath, as Mount-AncientHeap,
    /// Copy-AncientHeap and Test-AncientHeap do: the two parameters, how their paths resolve (<see cref="HeapFilePaths"/>),
    /// the checks a file passes before the engine sees it, and the one mapping of what the engine then throws to records.
    /// <typeparamref name="TPath"/> is <c>string</c> for a cmdlet that takes one file, <c>string[]</c> for one that takes several.
    /// </summary>
    public abstract class HeapFileCommandBase<TPath> : AncientCommandBase where TPath : class
    {
        protected const string PathSet = "Path";
        protected const string LiteralPathSet = "LiteralPath";

        [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public TPath Path { get; set; }

        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public TPath LiteralPath { get; set; }

        private bool IsLiteral => ParameterSetName == LiteralPathSet;

        /// <summary>
        /// The one file that -Path or -LiteralPath names, as a full path: a wildcard must match exactly one file, a path
        /// without wildcards need not exist yet. Null after writing the error when the path cannot be used.
        /// </summary>
        protected string ResolveFile()
        {
            string given = (IsLiteral ? LiteralPath : Path) as string
                ?? throw new InvalidOperationException("ResolveFile is for a cmdlet that takes one path; use ResolveFiles.");
            return IsLiteral ? HeapFilePaths.ResolveLiteral(this, given) : HeapFilePaths.ResolveWildcard(this, given);
        }

        /// <summary>
        /// Every file that -Path or -LiteralPath names, as full paths: each -Path is resolved as Get-Item resolves it
        /// (a wildcard may match several files or none), each -LiteralPath as it is. A path that cannot be used is
        /// reported with a non-terminating error and left out.
        /// </summary>
        protected IEnumerable<string> ResolveFiles()
        {
            var given = IsLiteral ? LiteralPath : Path;
            foreach (string path in given as string[] ?? new[] { (string)(object)given })
            {
                if (IsLiteral)
                {
                    string file = HeapFilePaths.ResolveLiteral(this, path);
                    if (file != null) yield return file;
                    continue;
                }
                var files = HeapFilePaths.ResolveExisting(this, path);
                if (files == null) continue;
                foreach (string file in files) yield return file;
            }
        }

        /// <summary>
        /// Whether a heap file may be used at <paramref name="path"/>: it is not a folder, it exists when
        /// <paramref name="ifMissing"/> gives the error for a missing file, and its folder exists. Writes the error and
        /// returns false when not.
        /// </summary>
        protected bool CheckFile(string path, Func<string, ErrorRecord> ifMissing = null)
        {
            if (Directory.Exists(path))
            {
                WriteError(AncientErrors.PathIsDirectory(path));
                return false;
            }
            if (ifMissing != null && !File.Exists(path))
            {
                WriteError(ifMissing(path));
                return false;
            }
            string folder = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                WriteError(AncientErrors.PathNotFound(path));
                return false;
            }
            return true;
        }

        /// <summary>
        /// Runs engine work on a heap file (<paramref name="path"/>; a copy's source, whose destination is
        /// <paramref name="destination"/>) and turns what it throws into the catalogue's records (<see cref="AncientErrors.FromHeapFile"/>):
        /// false after writing the error; a stop becomes <see cref="PipelineStoppedException"/>, and exceptions that are
        /// bugs go on up. The <paramref name="progress"/> bar, if any, is removed however the work ends.
        /// </summary>
        private protected bool TryFileWork(Action work, HeapFileWork kind, string path, string destination = null, ThrottledProgress progress = null)
        {
            try
            {
                work();
                return true;
            }
            catch (Exception e) when (IsStop(e))
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (IsFileError(e, kind, path, destination, out var error))
            {
                WriteError(error);
                return false;
            }
            finally
            {
                progress?.Complete();
            }
        }

        private static bool IsFileError(Exception e, HeapFileWork kind, string path, string destination, out ErrorRecord error)
        {
            error = e is PipelineStoppedException ? null : AncientErrors.FromHeapFile(e, kind, path, destination);
            return error != null;
        }
    }
}
