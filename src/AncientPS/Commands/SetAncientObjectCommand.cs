using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using AncientPS.Abstractions;
using AncientPS.Engine;

namespace AncientPS.Commands
{
    /// <summary>
    /// Set-AncientObject: OCaml ancient's share (and, with an anonymous heap, mark). Stores a value and everything it
    /// references under a key, replacing what was there in one atomic step. Several pipeline objects are stored as one
    /// array, as Export-Clixml does.
    /// </summary>
    // ConfirmImpact Low: storing is what the cmdlet is for, and scripts call it in loops; -Confirm and a
    // $ConfirmPreference of Low still ask. Replacing a value is atomic, and views read earlier keep their snapshot.
    [Cmdlet(VerbsCommon.Set, "AncientObject", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = HeapSet)]
    [OutputType(typeof(object))]
    public sealed class SetAncientObjectCommand : HeapCommandBase
    {
        private const string HeapSet = "Heap";
        // Without -Heap the key moves to position 0 and the value to 1: '1..3 | Set-AncientObject nums' uses the one mounted heap.
        private const string MountedSet = "MountedHeap";

        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);
        private const int ProgressActivityId = 0x41_4E;

        private readonly List<object> _items = new List<object>();
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly Stopwatch _clock = new Stopwatch();
        private TimeSpan _lastProgress;
        private bool _progressShown;
        private bool _fromArgument;
        private object _argument;

        // Not ByPropertyName: the pipeline carries the value, and a piped object with a Heap property (an entry from
        // Get-AncientObject -ListAvailable, or a user's record) must be stored, not rebind the heap between objects.
        [Parameter(ParameterSetName = HeapSet, Position = 0)]
        [ValidateNotNull]
        public AncientHeap Heap { get; set; }

        [Parameter(ParameterSetName = HeapSet, Mandatory = true, Position = 1)]
        [Parameter(ParameterSetName = MountedSet, Mandatory = true, Position = 0)]
        [ArgumentCompleter(typeof(KeyCompleter))]
        [AllowEmptyString]
        public string Key { get; set; }

        [Parameter(ParameterSetName = HeapSet, Mandatory = true, Position = 2, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = MountedSet, Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [AllowNull]
        [AllowEmptyCollection]
        [AllowEmptyString]
        public object InputObject { get; set; }

        /// <summary>How many levels of ordinary .NET objects are stored as records of their properties, as Export-Clixml's -Depth.</summary>
        [Parameter]
        [ValidateRange(0, SetOptions.MaximumDepth)]
        public int Depth { get; set; } = SetOptions.DefaultDepth;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private AncientHeap _heap;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _clock.Start();
            var problem = KeyProblem(Key);
            if (problem != null) ThrowTerminatingError(AncientErrors.InvalidKey(Key, problem));
            _heap = ResolveHeap(Heap);
        }

        protected override void ProcessRecord()
        {
            if (!MyInvocation.ExpectingInput)
            {
                _fromArgument = true;
                _argument = InputObject;
                return;
            }
            _items.Add(InputObject);
            if ((_items.Count & 0x3FF) == 0) ShowProgress($"Collecting input: {_items.Count:N0} objects", -1);
        }

        protected override void EndProcessing()
        {
            object value = _fromArgument ? _argument : _items.Count == 1 ? _items[0] : _items.ToArray();
            if (!ShouldProcess($"{Key} in {_heap}", "Store value")) return;

            // Secrets below live objects are left out; the warnings go out once the value is stored, one per path.
            var omitted = new List<KeyValuePair<string, Type>>();
            var omittedPaths = new HashSet<string>(StringComparer.Ordinal);
            var options = new SetOptions
            {
                Depth = Depth,
                CancellationToken = _cancel.Token,
                Converter = new PowerShellObjectConverter(),
                Progress = written => ShowProgress($"Storing '{Key}': {written:N0} nodes written", -1),
                SecretOmitted = (path, type) =>
                {
                    if (omittedPaths.Add(path)) omitted.Add(new KeyValuePair<string, Type>(path, type));
                },
            };
            try
            {
                _heap.Engine.Set(Key, value, options);
                for (int i = 0; i < omitted.Count && i < AncientErrors.SecretWarningLimit; i++)
                    WriteWarning(AncientErrors.SecretOmitted(Key, omitted[i].Key, omitted[i].Value));
                if (omitted.Count > AncientErrors.SecretWarningLimit)
                    WriteWarning(AncientErrors.SecretsOmittedBeyond(Key, omitted.Count - AncientErrors.SecretWarningLimit));
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is PipelineStoppedException) && AncientErrors.FromEngine(e, _heap, Key) != null)
            {
                WriteEngineError(e, _heap, Key);
                return;
            }
            finally
            {
                CompleteProgress();
            }

            if (PassThru)
            {
                try
                {
                    if (_heap.Engine.TryGet(Key, PowerShellProjection.Instance, out var stored)) WriteValue(stored, noEnumerate: false);
                }
                catch (Exception e) when (!(e is PipelineStoppedException) && AncientErrors.FromEngine(e, _heap, Key) != null)
                {
                    WriteEngineError(e, _heap, Key);
                }
            }
        }

        protected override void StopProcessing() => _cancel.Cancel();

        private void ShowProgress(string status, int percent)
        {
            var now = _clock.Elapsed;
            if (now < ProgressDelay || now - _lastProgress < TimeSpan.FromMilliseconds(200)) return;
            _lastProgress = now;
            _progressShown = true;
            WriteProgress(new ProgressRecord(ProgressActivityId, "Set-AncientObject", status) { PercentComplete = percent });
        }

        private void CompleteProgress()
        {
            if (!_progressShown) return;
            WriteProgress(new ProgressRecord(ProgressActivityId, "Set-AncientObject", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
