using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Threading;
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
    public sealed class CopyAncientHeapCommand : PSCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);
        private const int ProgressActivityId = 0x41_43;

        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private Stopwatch _clock;
        private TimeSpan _lastProgress;
        private bool _progressShown;

        [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ArgumentCompleter(typeof(HeapPathCompleter))]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; }

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
            string source = ParameterSetName == LiteralPathSet ? HeapFilePaths.ResolveLiteral(this, LiteralPath) : HeapFilePaths.ResolveWildcard(this, Path);
            if (source == null) return;
            if (Directory.Exists(source))
            {
                WriteError(AncientErrors.PathIsDirectory(source));
                return;
            }
            if (!File.Exists(source))
            {
                WriteError(AncientErrors.SourceNotFound(source));
                return;
            }

            string destination = HeapFilePaths.ResolveLiteral(this, Destination);
            if (destination == null) return;
            if (Directory.Exists(destination))
            {
                WriteError(AncientErrors.PathIsDirectory(destination));
                return;
            }
            string folder = System.IO.Path.GetDirectoryName(destination);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                WriteError(AncientErrors.PathNotFound(destination));
                return;
            }
            if (SamePath(source, destination))
            {
                WriteError(AncientErrors.SameSourceAndDestination(destination));
                return;
            }
            foreach (var heap in MountedHeaps.Snapshot())
            {
                if (heap.Path != null && SamePath(heap.Path, destination))
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

            _clock = Stopwatch.StartNew();
            _lastProgress = TimeSpan.Zero;
            string activity = $"Copy-AncientHeap {System.IO.Path.GetFileName(source)}";
            try
            {
                HeapCopy.Copy(source, destination, Compact, exists, (done, total) => ShowProgress(activity, done, total), _cancel.Token,
                    SkipDamaged, (key, problem) => WriteWarning($"'{key}' was left out of the copy: {problem}"));
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (AncientHeapFormatException e)
            {
                WriteError(AncientErrors.HeapFormat(source, e));
                return;
            }
            catch (UnauthorizedAccessException e)
            {
                WriteError(AncientErrors.AccessDenied(e.Data.Contains(HeapCopy.SourceFailedKey) ? source : destination, e));
                return;
            }
            catch (AncientSnapshotExpiredException e)
            {
                WriteError(AncientErrors.CopyFailed(destination, e));
                return;
            }
            catch (IOException e) when (e.Data.Contains(HeapCopy.SourceFailedKey))
            {
                WriteError(AncientErrors.CopySourceFailed(source, e));
                return;
            }
            catch (IOException e)
            {
                WriteError(AncientErrors.CopyFailed(destination, e));
                return;
            }
            finally
            {
                if (_progressShown)
                {
                    _progressShown = false;
                    WriteProgress(new ProgressRecord(ProgressActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
                }
            }
            if (PassThru) WriteObject(new FileInfo(destination));
        }

        protected override void StopProcessing() => _cancel.Cancel();

        private void ShowProgress(string activity, long done, long total)
        {
            var now = _clock.Elapsed;
            if (now < ProgressDelay || now - _lastProgress < TimeSpan.FromMilliseconds(200)) return;
            _lastProgress = now;
            _progressShown = true;
            int percent = total > 0 ? (int)Math.Min(100, done * 100 / total) : -1;
            WriteProgress(new ProgressRecord(ProgressActivityId, activity, $"{done:N0} of {total:N0} bytes") { PercentComplete = percent });
        }

        private static bool SamePath(string a, string b) => string.Equals(
            System.IO.Path.GetFullPath(a), System.IO.Path.GetFullPath(b),
            Environment.OSVersion.Platform == PlatformID.Win32NT ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
