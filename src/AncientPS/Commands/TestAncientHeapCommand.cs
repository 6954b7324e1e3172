using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Threading;
using AncientPS.Engine;
using Microsoft.PowerShell.Commands;

namespace AncientPS.Commands
{
    /// <summary>
    /// Test-AncientHeap: checks whole heap files, like fsck or mdb_stat, and writes one object per problem found
    /// (or, with -Quiet, $true for a healthy heap and $false otherwise). It only reads: the file and its timestamp stay as they were.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AncientHeap", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(HeapProblem), typeof(bool))]
    public sealed class TestAncientHeapCommand : PSCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const long ProgressFrom = 16L << 20;

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string file in ResolveFiles())
            {
                if (_stop.IsCancellationRequested) return;
                Check(file);
            }
        }

        protected override void StopProcessing() => _stop.Cancel();

        private void Check(string file)
        {
            if (Directory.Exists(file))
            {
                WriteError(AncientErrors.PathIsDirectory(file));
                return;
            }
            if (!File.Exists(file))
            {
                WriteError(AncientErrors.PathNotFound(file));
                return;
            }
            long size = new FileInfo(file).Length;
            var progress = size >= ProgressFrom ? new ProgressRecord(1, "Test-AncientHeap", "Checking " + file) : null;
            var clock = Stopwatch.StartNew();
            IReadOnlyList<HeapProblem> problems;
            try
            {
                problems = HeapVerifier.Verify(file, progress == null ? null : (Action<long, long>)((done, total) => Report(progress, clock, done, total)), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (AncientHeapFormatException e) when (e.Problem == HeapFormatProblem.NotARegularFile)
            {
                WriteError(AncientErrors.NotAFile(file, e));
                return;
            }
            catch (UnauthorizedAccessException e)
            {
                WriteError(AncientErrors.AccessDenied(file, e));
                return;
            }
            catch (FileNotFoundException e)
            {
                WriteError(AncientErrors.PathNotFound(file, e));
                return;
            }
            catch (IOException e)
            {
                WriteError(new ErrorRecord(new IOException($"Cannot read '{file}': {e.Message} Close the program that holds it, then try again.", e),
                    "HeapReadFailed", ErrorCategory.ReadError, file));
                return;
            }
            finally
            {
                if (progress != null)
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    WriteProgress(progress);
                }
            }
            if (Quiet)
            {
                WriteObject(problems.Count == 0);
                return;
            }
            foreach (var problem in problems) WriteObject(problem);
        }

        private void Report(ProgressRecord progress, Stopwatch clock, long done, long total)
        {
            if (clock.ElapsedMilliseconds < 200 && done < total) return;
            clock.Restart();
            progress.PercentComplete = total <= 0 ? 100 : (int)Math.Min(100, done * 100 / total);
            progress.StatusDescription = $"{done / (1 << 20):N0} of {total / (1 << 20):N0} MB checked";
            WriteProgress(progress);
        }

        private IEnumerable<string> ResolveFiles()
        {
            if (ParameterSetName == LiteralPathSet)
            {
                foreach (string path in LiteralPath)
                {
                    string resolved = null;
                    try
                    {
                        resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                        if (!IsFileSystem(provider))
                        {
                            WriteError(AncientErrors.ProviderNotFileSystem(path, provider));
                            resolved = null;
                        }
                    }
                    catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException)
                    {
                        WriteError(AncientErrors.PathNotFound(path, e));
                    }
                    if (resolved != null) yield return resolved;
                }
                yield break;
            }
            foreach (string path in Path)
            {
                Collection<string> resolved = null;
                ProviderInfo provider = null;
                try
                {
                    resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                }
                catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException)
                {
                    WriteError(AncientErrors.PathNotFound(path, e));
                }
                if (resolved == null) continue;
                if (!IsFileSystem(provider))
                {
                    WriteError(AncientErrors.ProviderNotFileSystem(path, provider));
                    continue;
                }
                foreach (string file in resolved) yield return file;
            }
        }

        private static bool IsFileSystem(ProviderInfo provider) => provider != null && provider.ImplementingType == typeof(FileSystemProvider);
    }
}
