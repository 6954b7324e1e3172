using AncientPS.Projection;
using System;
using System.IO;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Completion;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>
    /// Get-AncientObject: OCaml ancient's get and follow. Writes stored values as lazy read-only views
    /// (or, with -Materialize, ordinary copies); with -ListAvailable, or without -Key, lists the heap's entries.
    /// With -Path or -LiteralPath it reads a heap file without a mount: the file is opened read-only for the call, and
    /// the views it writes keep it open for as long as they are referenced (issue 18's open path: one cmdlet call).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AncientObject", DefaultParameterSetName = ValueSet)]
    [OutputType(typeof(object), ParameterSetName = new[] { ValueSet, MountedSet, LiteralSet, PathSet, LiteralPathSet })]
    [OutputType(typeof(AncientEntry), ParameterSetName = new[] { ListSet, PathListSet, LiteralPathListSet })]
    public sealed class GetAncientObjectCommand : HeapCommandBase
    {
        private const string ValueSet = "Value";
        private const string ListSet = "ListAvailable";
        // Without -Heap the key moves to position 0, so that 'Get-AncientObject rows' reads 'rows' from the one mounted heap
        // instead of failing to convert 'rows' to a heap. A heap at position 0 still binds first, so '$h rows' is unchanged.
        // -ListAvailable stays out of it: with the key in two complete sets, 'r* -ListAvailable' would leave the binder
        // undecided. Listing the one mounted heap takes -ListAvailable alone, or -Key r* -ListAvailable.
        private const string MountedSet = "MountedHeap";
        // -LiteralKey is to -Key what -LiteralPath is to -Path: names taken as they are, never as patterns.
        private const string LiteralSet = "LiteralKey";
        // A heap file read without Mount-AncientHeap: the file named by -Path (wildcards: exactly one file) or -LiteralPath.
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        // -ListAvailable of a heap file read without Mount-AncientHeap, where -Key (patterns) is optional.
        private const string PathListSet = "PathListAvailable";
        private const string LiteralPathListSet = "LiteralPathListAvailable";

        private const int ProgressActivityId = 0x41_4D;
        private ThrottledProgress _progress;
        private bool _viewWritten;

        [Parameter(ParameterSetName = ValueSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ListSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = LiteralSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public AncientHeap Heap { get; set; }

        [Parameter(ParameterSetName = ValueSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ListSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = MountedSet, Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = PathSet, Position = 0, Mandatory = true)]
        [Parameter(ParameterSetName = LiteralPathSet, Position = 0, Mandatory = true)]
        [Parameter(ParameterSetName = PathListSet, Position = 0)]
        [Parameter(ParameterSetName = LiteralPathListSet, Position = 0)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [SupportsWildcards]
        [AllowEmptyString]
        public string[] Key { get; set; }

        /// <summary>Keys taken exactly as written: wildcard characters in them are part of the key.</summary>
        [Parameter(ParameterSetName = LiteralSet, Mandatory = true)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [AllowEmptyString]
        public string[] LiteralKey { get; set; }

        /// <summary>A heap file to read without mounting it (wildcards must match exactly one file); opened read-only.</summary>
        [Parameter(ParameterSetName = PathSet, Mandatory = true)]
        [Parameter(ParameterSetName = PathListSet, Mandatory = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>A heap file to read without mounting it, its path taken as written; opened read-only.</summary>
        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = LiteralPathListSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; }

        /// <summary>Writes a stored list as one lazy object instead of enumerating it: O(1) whatever its size.</summary>
        [Parameter(ParameterSetName = ValueSet)]
        [Parameter(ParameterSetName = MountedSet)]
        [Parameter(ParameterSetName = LiteralSet)]
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter NoEnumerate { get; set; }

        /// <summary>Writes a deep, mutable copy: PSCustomObjects, hashtables and arrays, with sharing and cycles kept.</summary>
        [Parameter(ParameterSetName = ValueSet)]
        [Parameter(ParameterSetName = MountedSet)]
        [Parameter(ParameterSetName = LiteralSet)]
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter Materialize { get; set; }

        /// <summary>Lists the heap's entries (key, type, size, time written) instead of reading values.</summary>
        [Parameter(ParameterSetName = ListSet, Mandatory = true)]
        [Parameter(ParameterSetName = PathListSet, Mandatory = true)]
        [Parameter(ParameterSetName = LiteralPathListSet, Mandatory = true)]
        public SwitchParameter ListAvailable { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _progress = new ThrottledProgress(this, ProgressActivityId, "Get-AncientObject -Materialize");
        }

        protected override void ProcessRecord()
        {
            if (Path != null || LiteralPath != null)
            {
                ReadFile();
                return;
            }
            var heap = ResolveHeap(Heap);
            if (heap == null) return;

            try
            {
                if (LiteralKey != null)
                {
                    foreach (var target in ResolveKeys(heap, LiteralKey, literal: true)) WriteKey(heap, target);
                    return;
                }
                if (ListAvailable || Key == null)
                {
                    ListEntries(heap);
                    return;
                }
                foreach (var target in ResolveKeys(heap, Key)) WriteKey(heap, target);
            }
            catch (Exception e) when (IsEngineError(e, heap, null, out var error))
            {
                WriteError(error);
            }
        }

        private void ListEntries(AncientHeap heap)
        {
            var entries = heap.Engine.GetEntries();
            Func<string, bool>[] matchers = null;
            if (Key != null)
            {
                // As when reading: a name that is a key exactly lists that key only, wildcard characters and all.
                matchers = Array.ConvertAll(Key, name =>
                {
                    foreach (var entry in entries)
                        if (Engine.MappedHeap.KeysEqual(entry.Key, name)) return k => Engine.MappedHeap.KeysEqual(k, name);
                    return KeyMatcher(name);
                });
            }
            foreach (var entry in entries)
            {
                if (matchers != null && !Array.Exists(matchers, matches => matches(entry.Key))) continue;
                WriteObject(new AncientEntry(heap, entry));
            }
        }

        /// <summary>
        /// -Path and -LiteralPath: opens the file read-only (a file this process read moments ago is taken up from the
        /// engine's idle mappings, see HeapRegistry), reads the keys, and lets go of the file. When a view was written,
        /// the garbage collector lets go of it once neither a view nor anything read through one is referenced any more
        /// (<see cref="MappedHeap.ReleaseWhenUnreachable"/>), so the views stay readable for as long as they are held;
        /// otherwise (scalars, -Materialize, nothing found, an error) the file is let go before the cmdlet returns.
        /// </summary>
        private void ReadFile()
        {
            string path = LiteralPath != null ? HeapFilePaths.ResolveLiteral(this, LiteralPath) : HeapFilePaths.ResolveWildcard(this, Path);
            if (path == null) return;
            if (Directory.Exists(path))
            {
                WriteError(AncientErrors.PathIsDirectory(path));
                return;
            }
            if (!File.Exists(path))
            {
                WriteError(AncientErrors.HeapFileToReadNotFound(path));
                return;
            }

            MappedHeap engine;
            try
            {
                engine = MappedHeap.Open(path, new HeapOptions { ReadOnly = true, CreateIfMissing = false });
            }
            catch (Exception e) when (IsStop(e))
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is PipelineStoppedException) && AncientErrors.FromHeapFile(e, HeapFileWork.MountReadOnly, path) is ErrorRecord error)
            {
                WriteError(error);
                return;
            }

            var heap = new AncientHeap(engine);
            _viewWritten = false;
            // Armed before any view leaves the cmdlet: a pipeline stopped half way still leaves the file to the collector.
            engine.ReleaseWhenUnreachable();
            try
            {
                if (ListAvailable)
                {
                    // Each entry holds the heap, so that piping it on to Get-AncientObject reads the same file.
                    _viewWritten = true;
                    ListEntries(heap);
                    return;
                }
                foreach (var target in ResolveKeys(heap, Key)) WriteKey(heap, target);
            }
            catch (Exception e) when (IsEngineError(e, heap, null, out var error))
            {
                WriteError(error);
            }
            finally
            {
                if (!_viewWritten) engine.Dispose();
            }
        }

        /// <summary>Reads one key and writes its value (for -Path, noting in <see cref="_viewWritten"/> when it is a view of the heap).</summary>
        private void WriteKey(AncientHeap heap, KeyTarget target)
        {
            object value;
            try
            {
                var projection = Materialize ? PowerShellProjection.ForMaterialize : PowerShellProjection.Instance;
                if (!heap.Engine.TryGet(target.Key, projection, out value))
                {
                    if (target.IsLiteral) WriteError(AncientErrors.KeyNotFound(target.Key, heap, suggestLiteralKey: target.SuggestLiteralKey, readByPath: Path != null || LiteralPath != null));
                    return;
                }
                if (Materialize) value = MaterializeWithProgress(target.Key, value);
                // Noted before writing: a pipeline stopped half way (Select-Object -First) may have taken some views already.
                if (!Materialize && MappedHeap.IsAncient(value)) _viewWritten = true;
                WriteValue(value, NoEnumerate);
            }
            catch (Exception e) when (IsStop(e))
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (IsEngineError(e, heap, target.Key, out var error))
            {
                WriteError(error);
            }
        }

        /// <summary>A deep copy can take seconds for a large value: show progress after a second, and stop on Ctrl+C.</summary>
        private object MaterializeWithProgress(string key, object view)
        {
            try
            {
                return PSObjectMaterializer.Materialize(view, copied => _progress.Show($"Copying '{key}': {copied:N0} values"), StopToken);
            }
            finally
            {
                _progress.Complete();
            }
        }
    }
}
