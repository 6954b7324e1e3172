using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>
    /// Test-AncientHeap: checks whole heap files, like fsck or mdb_stat, and writes one object per problem found
    /// (or, with -Quiet, $true for a healthy heap and $false otherwise). It only reads: the file and its timestamp stay as they were.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AncientHeap", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(HeapProblem), typeof(bool))]
    public sealed class TestAncientHeapCommand : HeapFileCommandBase<string[]>
    {
        private const int ProgressActivityId = 1;
        private const long ProgressFrom = 16L << 20;

        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string file in ResolveFiles())
            {
                if (StopToken.IsCancellationRequested) return;
                Check(file);
            }
        }

        private void Check(string file)
        {
            if (!CheckFile(file, path => AncientErrors.PathNotFound(path))) return;
            // A small file is checked in a moment; a large one shows its progress as soon as there is some to show.
            var progress = new FileInfo(file).Length >= ProgressFrom ? new ThrottledProgress(this, ProgressActivityId, "Test-AncientHeap", TimeSpan.Zero) : null;
            IReadOnlyList<HeapProblem> problems = null;
            Action<long, long> report = progress == null ? null
                : (Action<long, long>)((done, total) => progress.Show($"{done / (1 << 20):N0} of {total / (1 << 20):N0} MB checked", ThrottledProgress.Percent(done, total)));
            if (!TryFileWork(() => problems = HeapVerifier.Verify(file, report, StopToken), HeapFileWork.Check, file, progress: progress)) return;
            if (Quiet)
            {
                WriteObject(problems.Count == 0);
                return;
            }
            foreach (var problem in problems) WriteObject(problem);
        }
    }
}
