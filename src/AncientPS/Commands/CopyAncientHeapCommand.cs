using System;
using System.IO;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>
    /// Copy-AncientHeap: a consistent copy of a heap file while other processes read and write it, optionally compacted to
    /// its live data (LMDB's mdb_env_copy with MDB_CP_COMPACT). The copy is written beside the destination and renamed
    /// over it when complete, so Ctrl+C or a failure never leaves a half-written destination.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "AncientHeap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(FileInfo))]
    public sealed class CopyAncientHeapCommand : HeapFileCommandBase<string>
    {
        private const int ProgressActivityId = 0x41_43;

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        /// <summary>Copies live data only, re-encoded and packed; without it the snapshot is copied byte for byte.</summary>
        [Parameter]
        public SwitchParameter Compact { get; set; }

        /// <summary>
        /// With -Compact: leaves out values that fail their checksum (each reported with a warning) instead of refusing the
        /// copy. Without it a damaged value stops the copy with an error naming its key.
        /// </summary>
        [Parameter]
        public SwitchParameter SkipDamaged { get; set; }

        /// <summary>Replaces an existing destination file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            string source = ResolveFile();
            if (source == null || !CheckFile(source, AncientErrors.SourceNotFound)) return;

            string destination = HeapFilePaths.ResolveLiteral(this, Destination);
            if (destination == null || !CheckFile(destination)) return;
            if (HeapFilePaths.SameFile(source, destination))
            {
                WriteError(AncientErrors.SameSourceAndDestination(destination));
                return;
            }
            foreach (var heap in MountedHeaps.Snapshot())
            {
                if (heap.Path != null && HeapFilePaths.SameFile(heap.Path, destination))
                {
                    WriteError(AncientErrors.DestinationMounted(destination));
                    return;
                }
            }
            bool exists = File.Exists(destination);
            string action = (Compact ? "Copy heap, compacted" : "Copy heap") + (exists ? ", replacing the destination" : "");
            if (!ShouldProcess($"{source} -> {destination}", action)) return;
            if (exists && !Force)
            {
                WriteError(AncientErrors.DestinationExists(destination));
                return;
            }

            var progress = new ThrottledProgress(this, ProgressActivityId, $"Copy-AncientHeap {System.IO.Path.GetFileName(source)}");
            bool copied = TryFileWork(() => HeapCopy.Copy(source, destination, Compact, exists,
                    (done, total) => progress.Show($"{done:N0} of {total:N0} bytes", ThrottledProgress.Percent(done, total)), StopToken,
                    SkipDamaged, (key, problem) => WriteWarning($"'{key}' was left out of the copy: {problem}")),
                HeapFileWork.Copy, source, destination, progress);
            if (copied && PassThru) WriteObject(new FileInfo(destination));
        }
    }
}
