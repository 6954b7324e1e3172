using System;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Completion;

namespace AncientPS.Commands
{
    /// <summary>Remove-AncientObject: OCaml ancient's delete. Views read earlier keep reading the value they had.</summary>
    [Cmdlet(VerbsCommon.Remove, "AncientObject", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = HeapSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveAncientObjectCommand : HeapCommandBase
    {
        private const string HeapSet = "Heap";
        // Without -Heap the key moves to position 0: 'Remove-AncientObject old' acts on the one mounted heap.
        private const string MountedSet = "MountedHeap";
        // -LiteralKey is to -Key what -LiteralPath is to -Path: names taken as they are, never as patterns.
        private const string LiteralSet = "LiteralKey";

        [Parameter(ParameterSetName = HeapSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = LiteralSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public AncientHeap Heap { get; set; }

        [Parameter(ParameterSetName = HeapSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = MountedSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [SupportsWildcards]
        [AllowEmptyString]
        public string[] Key { get; set; }

        /// <summary>Keys taken exactly as written: wildcard characters in them are part of the key.</summary>
        [Parameter(ParameterSetName = LiteralSet, Mandatory = true)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [AllowEmptyString]
        public string[] LiteralKey { get; set; }

        /// <summary>Removes only these entries of the dictionary stored under each key, in place; the key stays.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public object[] Entry { get; set; }

        protected override void ProcessRecord()
        {
            var heap = ResolveHeap(Heap);
            if (heap == null) return;

            var targets = LiteralKey != null ? ResolveKeys(heap, LiteralKey, literal: true) : ResolveKeys(heap, Key);
            foreach (var target in targets)
            {
                if (Entry != null)
                {
                    RemoveEntries(heap, target.Key);
                    continue;
                }
                if (!ShouldProcess($"{target.Key} in {heap}", "Remove key")) continue;
                try
                {
                    if (!heap.Engine.Remove(target.Key) && target.IsLiteral) WriteError(AncientErrors.KeyNotFound(target.Key, heap, suggestLiteralKey: target.SuggestLiteralKey));
                }
                catch (Exception e) when (IsEngineError(e, heap, target.Key, out var error))
                {
                    WriteError(error);
                }
            }
        }

        private void RemoveEntries(AncientHeap heap, string key)
        {
            foreach (var given in Entry)
            {
                object entry = given is PSObject wrapped ? wrapped.BaseObject : given;
                if (entry == null) { WriteError(AncientErrors.NullInput("Entry")); continue; }
                if (!ShouldProcess($"{key} in {heap}", $"Remove entry '{entry}'")) continue;
                try
                {
                    if (!heap.Engine.RemoveEntry(key, entry)) WriteError(AncientErrors.EntryNotFound(key, entry));
                }
                catch (Exception e) when (IsEngineError(e, heap, key, out var error))
                {
                    WriteError(error);
                }
            }
        }
    }
}
