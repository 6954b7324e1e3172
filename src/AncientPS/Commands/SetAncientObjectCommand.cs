using AncientPS.Projection;
using System;
using System.Collections.Generic;
using System.Management.Automation;
using AncientPS.Abstractions;
using AncientPS.Completion;
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

        private const int ProgressActivityId = 0x41_4E;

        private readonly List<object> _items = new List<object>();
        private ThrottledProgress _progress;
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

        /// <summary>Replaces only this element of the list stored under the key (negative counts from the end), in place.</summary>
        [Parameter]
        public int Index { get; set; }

        private bool HasIndex => MyInvocation.BoundParameters.ContainsKey(nameof(Index));

        /// <summary>Adds or replaces only this entry of the dictionary stored under the key, in place.</summary>
        [Parameter]
        [ValidateNotNull]
        public object Entry { get; set; }

        private AncientHeap _heap;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _progress = new ThrottledProgress(this, ProgressActivityId, "Set-AncientObject");
            var problem = KeyProblem(Key);
            if (problem != null) ThrowTerminatingError(AncientErrors.InvalidKey(Key, problem));
            if (HasIndex && Entry != null) ThrowTerminatingError(AncientErrors.IndexAndEntry());
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
            if ((_items.Count & 0x3FF) == 0) _progress.Show($"Collecting input: {_items.Count:N0} objects");
        }

        protected override void EndProcessing()
        {
            object value = _fromArgument ? _argument : _items.Count == 1 ? _items[0] : _items.ToArray();
            object entry = Entry is PSObject wrapped ? wrapped.BaseObject : Entry;
            string action = HasIndex ? $"Replace element {Index}" : entry != null ? $"Set entry '{entry}'" : "Store value";
            if (!ShouldProcess($"{Key} in {_heap}", action)) return;

            // Secrets below live objects are left out; the warnings go out once the value is stored, one per path.
            var omitted = new List<KeyValuePair<string, Type>>();
            var omittedPaths = new HashSet<string>(StringComparer.Ordinal);
            var readFailures = new List<string>();
            var options = new SetOptions
            {
                Depth = Depth,
                CancellationToken = StopToken,
                Converter = new PowerShellObjectConverter(),
                Progress = written => _progress.Show($"Storing '{Key}': {written:N0} nodes written"),
                SecretOmitted = (path, type) =>
                {
                    if (omittedPaths.Add(path)) omitted.Add(new KeyValuePair<string, Type>(path, type));
                },
                ReadFailed = (path, type, error) =>
                {
                    if (readFailures.Count < AncientErrors.SecretWarningLimit) readFailures.Add(AncientErrors.ReadFailed(Key, path, type, error));
                },
            };
            try
            {
                if (HasIndex) _heap.Engine.SetElement(Key, Index, value, options);
                else if (entry != null) _heap.Engine.SetEntry(Key, entry, value, options);
                else _heap.Engine.Set(Key, value, options);
                for (int i = 0; i < omitted.Count && i < AncientErrors.SecretWarningLimit; i++)
                    WriteWarning(AncientErrors.SecretOmitted(Key, omitted[i].Key, omitted[i].Value));
                if (omitted.Count > AncientErrors.SecretWarningLimit)
                    WriteWarning(AncientErrors.SecretsOmittedBeyond(Key, omitted.Count - AncientErrors.SecretWarningLimit));
                foreach (var failure in readFailures) WriteWarning(failure);
            }
            catch (Exception e) when (IsStop(e))
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (IsEngineError(e, _heap, Key, out var error))
            {
                WriteError(error);
                return;
            }
            finally
            {
                _progress.Complete();
            }

            if (PassThru)
            {
                try
                {
                    if (_heap.Engine.TryGet(Key, PowerShellProjection.Instance, out var projected))
                    {
                        object stored = OriginalTypeNames.CollectionOf(projected) ?? projected;
                        // After an update in place, the part that changed: the whole value may be a long list.
                        if (HasIndex && stored is System.Collections.IList list) WriteValue(list[Index < 0 ? list.Count + Index : Index], noEnumerate: false);
                        else if (entry != null && stored is System.Collections.IDictionary map) WriteValue(map[entry], noEnumerate: false);
                        else WriteValue(projected, noEnumerate: false);
                    }
                }
                catch (Exception e) when (IsEngineError(e, _heap, Key, out var error))
                {
                    WriteError(error);
                }
            }
        }

    }
}
