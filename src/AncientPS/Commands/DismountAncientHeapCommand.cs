using System;
using System.Management.Automation;
using AncientPS.Abstractions;

namespace AncientPS.Commands
{
    /// <summary>Dismount-AncientHeap: OCaml ancient's detach. Flushes a Flushed-durability heap, unmaps and releases the heap; its values can no longer be read.</summary>
    [Cmdlet(VerbsData.Dismount, "AncientHeap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class DismountAncientHeapCommand : HeapCommandBase
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public AncientHeap[] Heap { get; set; }

        protected override void ProcessRecord()
        {
            if (Heap == null)
            {
                Dismount(ResolveHeap(null));
                return;
            }
            foreach (var heap in Heap) Dismount(heap);
        }

        private void Dismount(AncientHeap heap)
        {
            // Dismounting twice is harmless, like disposing twice.
            if (heap == null || !heap.IsMounted)
            {
                if (heap != null) MountedHeaps.Remove(heap);
                return;
            }
            if (!ShouldProcess(heap.ToString(), "Dismount heap")) return;
            try
            {
                // Fast durability leaves the file to the page cache at dismount as at every commit (no fsync, as Export-Clixml
                // never syncs); a Flushed heap is forced to disk here, where a failure can still be reported.
                if (!heap.IsReadOnly && !heap.IsAnonymous && heap.Engine.Durability == AncientPS.Engine.Durability.Flushed) heap.Engine.Flush();
            }
            catch (Exception e) when (IsEngineError(e, heap, null, out var error))
            {
                WriteError(error);
            }
            finally
            {
                heap.Engine.Dispose();
                MountedHeaps.Remove(heap);
            }
        }
    }
}
