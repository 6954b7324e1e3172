using AncientPS.Projection;
using System;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Completion;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>
    /// Get-AncientObject: OCaml ancient's get and follow. Writes stored values as lazy read-only views
    /// (or, with -Materialize, ordinary copies); with -ListAvailable, or without -Key, lists the heap's entries.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AncientObject", DefaultParameterSetName = ValueSet)]
    [OutputType(typeof(object), ParameterSetName = new[] { ValueSet, MountedSet, LiteralSet })]
    [OutputType(typeof(AncientEntry), ParameterSetName = new[] { ListSet })]
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

        private const int ProgressActivityId = 0x41_4D;
        private ThrottledProgress _progress;

        [Parameter(ParameterSetName = ValueSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ListSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = LiteralSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public AncientHeap Heap { get; set; }

        [Parameter(ParameterSetName = ValueSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ListSet, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = MountedSet, Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [SupportsWildcards]
        [AllowEmptyString]
        public string[] Key { get; set; }

        /// <summary>Keys taken exactly as written: wildcard characters in them are part of the key.</summary>
        [Parameter(ParameterSetName = LiteralSet, Mandatory = true)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [AllowEmptyString]
        public string[] LiteralKey { get; set; }

        /// <summary>Writes a stored list as one lazy object instead of enumerating it: O(1) whatever its size.</summary>
        [Parameter(ParameterSetName = ValueSet)]
        [Parameter(ParameterSetName = MountedSet)]
        [Parameter(ParameterSetName = LiteralSet)]
        public SwitchParameter NoEnumerate { get; set; }

        /// <summary>Writes a deep, mutable copy: PSCustomObjects, hashtables and arrays, with sharing and cycles kept.</summary>
        [Parameter(ParameterSetName = ValueSet)]
        [Parameter(ParameterSetName = MountedSet)]
        [Parameter(ParameterSetName = LiteralSet)]
        public SwitchParameter Materialize { get; set; }

        /// <summary>Lists the heap's entries (key, type, size, time written) instead of reading values.</summary>
        [Parameter(ParameterSetName = ListSet, Mandatory = true)]
        public SwitchParameter ListAvailable { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _progress = new ThrottledProgress(this, ProgressActivityId, "Get-AncientObject -Materialize");
        }

        protected override void ProcessRecord()
        {
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

        private void WriteKey(AncientHeap heap, KeyTarget target)
        {
            object value;
            try
            {
                var projection = Materialize ? ValueProjection.None : (ValueProjection)PowerShellProjection.Instance;
                if (!heap.Engine.TryGet(target.Key, projection, out value))
                {
                    if (target.IsLiteral) WriteError(AncientErrors.KeyNotFound(target.Key, heap, suggestLiteralKey: target.SuggestLiteralKey));
                    return;
                }
                if (Materialize) value = MaterializeWithProgress(target.Key, value);
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
