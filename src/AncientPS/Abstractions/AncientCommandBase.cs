using System;
using System.Management.Automation;
using System.Threading;

namespace AncientPS.Abstractions
{
    /// <summary>
    /// What every AncientPS cmdlet that works on a heap or a heap file shares: a token that Ctrl+C (StopProcessing)
    /// cancels, for the engine's long operations.
    /// </summary>
    public abstract class AncientCommandBase : PSCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        /// <summary>Cancelled when the pipeline is stopped; pass it to engine calls that take a CancellationToken.</summary>
        protected CancellationToken StopToken => _stop.Token;

        protected override void StopProcessing() => _stop.Cancel();

        /// <summary>
        /// For a catch filter: the exception is the engine giving up because the pipeline is being stopped. The catch
        /// throws <see cref="PipelineStoppedException"/>, as PowerShell expects of a stopped cmdlet.
        /// </summary>
        protected bool IsStop(Exception e) => e is OperationCanceledException && _stop.IsCancellationRequested;
    }
}
