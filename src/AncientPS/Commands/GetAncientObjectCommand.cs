using System;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>
    /// Get-AncientObject: OCaml ancient's get and follow. Writes stored values as lazy read-only views
    /// (or, with -Materialize, ordinary copies); with -ListAvailable, or without -Key, lists the heap's entries.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AncientObject", DefaultParameterSetName = ValueSet)]
    [OutputType(typeof(object), ParameterSetName = new[] { ValueSet })]
    [OutputType(typeof(AncientEntry), ParameterSetName = new[] { ListSet })]
    public sealed class GetAncientObjectCommand : HeapCommandBase
    {
        private const string ValueSet = "Value";
        private const string ListSet = "ListAvailable";

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public AncientHeap Heap { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [SupportsWildcards]
        [AllowEmptyString]
        public string[] Key { get; set; }

        /// <summary>Writes a stored list as one lazy object instead of enumerating it: O(1) whatever its size.</summary>
        [Parameter(ParameterSetName = ValueSet)]
        public SwitchParameter NoEnumerate { get; set; }

        /// <summary>Writes a deep, mutable copy: PSCustomObjects, hashtables and arrays, with sharing and cycles kept.</summary>
        [Parameter(ParameterSetName = ValueSet)]
        public SwitchParameter Materialize { get; set; }

        /// <summary>Lists the heap's entries (key, type, size, time written) instead of reading values.</summary>
        [Parameter(ParameterSetName = ListSet, Mandatory = true)]
        public SwitchParameter ListAvailable { get; set; }

        protected override void ProcessRecord()
        {
            var heap = ResolveHeap(Heap);
            if (heap == null) return;

            try
            {
                if (ListAvailable || Key == null)
                {
                    ListEntries(heap);
                    return;
                }
                foreach (var target in ResolveKeys(heap, Key)) WriteKey(heap, target);
            }
            catch (Exception e) when (!(e is PipelineStoppedException) && AncientErrors.FromEngine(e, heap, null) != null)
            {
                WriteEngineError(e, heap, null);
            }
        }

        private void ListEntries(AncientHeap heap)
        {
            var wildcards = Key == null ? null : Array.ConvertAll(Key, k => new WildcardPattern(k ?? string.Empty, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant));
            foreach (var entry in heap.Engine.GetEntries())
            {
                if (wildcards != null && !Array.Exists(wildcards, w => w.IsMatch(entry.Key))) continue;
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
                    if (target.IsLiteral) WriteError(AncientErrors.KeyNotFound(target.Key, heap));
                    return;
                }
                if (Materialize) value = PSObjectMaterializer.Materialize(value);
                WriteValue(value, NoEnumerate);
            }
            catch (Exception e) when (!(e is PipelineStoppedException) && AncientErrors.FromEngine(e, heap, target.Key) != null)
            {
                WriteEngineError(e, heap, target.Key);
            }
        }
    }
}
