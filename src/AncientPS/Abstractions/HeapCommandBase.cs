using System;
using System.Collections.Generic;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Abstractions
{
    /// <summary>
    /// A cmdlet that works on one heap, given with -Heap or, when exactly one heap is mounted in the process, taken as
    /// that one, the way cmdlets take the current location when -Path is left out.
    /// </summary>
    public abstract class HeapCommandBase : PSCmdlet
    {
        private bool _heapFromCommandLine;

        protected override void BeginProcessing()
        {
            _heapFromCommandLine = MyInvocation.BoundParameters.ContainsKey("Heap");
        }

        /// <summary>
        /// The heap to use, or null after writing a non-terminating error (a dismounted heap from the pipeline).
        /// Throws a terminating error when no heap was given and none or several are mounted, or the given one is dismounted.
        /// </summary>
        protected AncientHeap ResolveHeap(AncientHeap given)
        {
            if (given != null)
            {
                if (given.IsMounted) return given;
                if (_heapFromCommandLine) ThrowTerminatingError(AncientErrors.HeapNotMounted(given));
                WriteError(AncientErrors.HeapNotMounted(given));
                return null;
            }
            var mounted = MountedHeaps.Snapshot();
            if (mounted.Count == 1) return mounted[0];
            ThrowTerminatingError(mounted.Count == 0 ? AncientErrors.NoHeapMounted() : AncientErrors.HeapAmbiguous(mounted.Count));
            return null;
        }

        /// <summary>
        /// Expands -Key patterns: a wildcard pattern matches the heap's keys ignoring case and may match none; a literal key
        /// (wildcard characters escaped with a backtick) is returned as is, for the caller to report when it is missing.
        /// Invalid literal keys are reported here.
        /// </summary>
        protected List<KeyTarget> ResolveKeys(AncientHeap heap, IEnumerable<string> patterns)
        {
            var result = new List<KeyTarget>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            IReadOnlyList<string> keys = null;
            foreach (var pattern in patterns)
            {
                if (pattern != null && WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    if (keys == null) keys = heap.Engine.Keys;
                    var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                    foreach (var key in keys)
                        if (wildcard.IsMatch(key) && seen.Add(key)) result.Add(new KeyTarget(key, isLiteral: false));
                    continue;
                }
                var literal = pattern == null ? null : WildcardPattern.Unescape(pattern);
                if (!TryValidateKey(literal)) continue;
                if (seen.Add(literal)) result.Add(new KeyTarget(literal, isLiteral: true));
            }
            return result;
        }

        /// <summary>Writes a non-terminating InvalidKey error and returns false when <paramref name="key"/> is not a valid key.</summary>
        protected bool TryValidateKey(string key)
        {
            var problem = KeyProblem(key);
            if (problem == null) return true;
            WriteError(AncientErrors.InvalidKey(key, problem));
            return false;
        }

        internal static ArgumentException KeyProblem(string key)
        {
            try
            {
                // The engine owns the key rules; checking up front lets a bad key be reported before any heap work.
                Engine.AncientHeap.ValidateKey(key);
                return null;
            }
            catch (ArgumentException e)
            {
                return e;
            }
        }

        /// <summary>Writes the error an engine exception stands for; rethrows the ones that are not about the data (bugs).</summary>
        protected void WriteEngineError(Exception e, AncientHeap heap, string key)
        {
            if (e is PipelineStoppedException) throw e;
            var record = AncientErrors.FromEngine(e, heap, key);
            if (record == null) throw e;
            WriteError(record);
        }

        /// <summary>Writes a value read from a heap as Import-Clixml would: a stored list is enumerated, anything else is one object.</summary>
        protected void WriteValue(object value, bool noEnumerate)
        {
            if (!noEnumerate && (value is AncientList || value is object[]))
            {
                foreach (var item in (System.Collections.IEnumerable)value) WriteObject(item);
                return;
            }
            WriteObject(value);
        }
    }

    /// <summary>A key to act on, and whether the user named it literally (a missing literal key is an error, a pattern that matches nothing is not).</summary>
    public readonly struct KeyTarget
    {
        public KeyTarget(string key, bool isLiteral)
        {
            Key = key;
            IsLiteral = isLiteral;
        }

        public string Key { get; }
        public bool IsLiteral { get; }
    }
}
