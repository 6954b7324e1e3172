using System;
using System.Collections.Generic;
using System.Management.Automation;
using AncientPS.Engine;
using AncientPS.Projection;

namespace AncientPS.Abstractions
{
    /// <summary>
    /// A cmdlet that works on one heap, given with -Heap or, when exactly one heap is mounted in the process, taken as
    /// that one, the way cmdlets take the current location when -Path is left out.
    /// </summary>
    public abstract class HeapCommandBase : AncientCommandBase
    {
        private bool _heapFromCommandLine;

        protected override void BeginProcessing()
        {
            _heapFromCommandLine = MyInvocation.BoundParameters.ContainsKey("Heap");
            // A refusal from before this command's pipeline input is none of its business.
            Projection.AncientHeapConverter.TakeRefusal();
        }

        /// <summary>
        /// The heap to use, or null after writing a non-terminating error (a dismounted heap from the pipeline).
        /// Throws a terminating error when no heap was given and none or several are mounted, or the given one is dismounted.
        /// </summary>
        protected AncientHeap ResolveHeap(AncientHeap given)
        {
            // A heap that came from another process with the input (an entry's Heap) and could not be used here: its
            // reason, not the default heap.
            var refused = Projection.AncientHeapConverter.TakeRefusal();
            if (given == null && refused != null) ThrowTerminatingError(AncientErrors.HeapCannotCross(refused));
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
        /// Expands -Key patterns: a key that exists under exactly the name given is that key, wildcard characters and all;
        /// otherwise a wildcard pattern matches the heap's keys ignoring case and may match none, and a literal key
        /// (wildcard characters escaped with a backtick) is returned as is, for the caller to report when it is missing.
        /// A pattern that is not a valid wildcard pattern ('web[1') can only mean a key of that name, and is taken as one.
        /// With <paramref name="literal"/> (-LiteralKey) every name is a key, never a pattern. Invalid keys are reported here.
        /// </summary>
        protected List<KeyTarget> ResolveKeys(AncientHeap heap, IEnumerable<string> patterns, bool literal = false)
        {
            var result = new List<KeyTarget>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            IReadOnlyList<string> keys = null;
            foreach (var pattern in patterns)
            {
                // A name without wildcard or escape characters is that key whether it exists or not: no lookup (which
                // pins a snapshot) before the read that follows.
                if (literal || IsPlainKey(pattern) || IsExistingKey(heap, pattern))
                {
                    if (!TryValidateKey(pattern)) continue;
                    if (seen.Add(pattern)) result.Add(new KeyTarget(pattern, isLiteral: true, suggestLiteralKey: false));
                    continue;
                }
                if (pattern != null && WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    var wildcard = TryCreatePattern(pattern);
                    if (wildcard == null)
                    {
                        if (TryValidateKey(pattern) && seen.Add(pattern)) result.Add(new KeyTarget(pattern, isLiteral: true, suggestLiteralKey: true));
                        continue;
                    }
                    if (keys == null) keys = heap.Engine.Keys;
                    foreach (var key in keys)
                        if (wildcard.IsMatch(key) && seen.Add(key)) result.Add(new KeyTarget(key, isLiteral: false, suggestLiteralKey: false));
                    continue;
                }
                var unescaped = pattern == null ? null : WildcardPattern.Unescape(pattern);
                if (!TryValidateKey(unescaped)) continue;
                if (seen.Add(unescaped)) result.Add(new KeyTarget(unescaped, isLiteral: true, suggestLiteralKey: false));
            }
            return result;
        }

        /// <summary>
        /// A test of whether a key matches <paramref name="pattern"/> as -Key means it: the very key, or a key the
        /// wildcard pattern matches; a pattern that is not valid matches only the key of that name.
        /// </summary>
        internal static Func<string, bool> KeyMatcher(string pattern)
        {
            pattern = pattern ?? string.Empty;
            var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern) ? TryCreatePattern(pattern) : null;
            string unescaped = wildcard == null && !WildcardPattern.ContainsWildcardCharacters(pattern) ? WildcardPattern.Unescape(pattern) : pattern;
            return key => Engine.MappedHeap.KeysEqual(key, pattern)
                || (wildcard != null ? wildcard.IsMatch(key) : Engine.MappedHeap.KeysEqual(key, unescaped));
        }

        private static bool IsPlainKey(string name) => name != null && name.IndexOfAny(s_patternCharacters) < 0;

        private static readonly char[] s_patternCharacters = { '*', '?', '[', ']', '`' };

        private static bool IsExistingKey(AncientHeap heap, string name)
            => name != null && KeyProblem(name) == null && heap.Engine.ContainsKey(name);

        /// <summary>The wildcard pattern, or null when <paramref name="pattern"/> is not a valid one (an unclosed '[').</summary>
        internal static WildcardPattern TryCreatePattern(string pattern)
        {
            try
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                // The pattern is parsed on first use: a match is what finds out that it is not valid.
                wildcard.IsMatch(string.Empty);
                return wildcard;
            }
            catch (WildcardPatternException)
            {
                return null;
            }
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
                Engine.MappedHeap.ValidateKey(key);
                return null;
            }
            catch (ArgumentException e)
            {
                return e;
            }
        }

        /// <summary>
        /// For a catch filter: true, with its record built once, for an engine exception about the heap or its data
        /// (<see cref="AncientErrors.FromEngine"/>); false for a stopped pipeline and for exceptions that are bugs, which go on up.
        /// </summary>
        protected static bool IsEngineError(Exception e, AncientHeap heap, string key, out ErrorRecord error)
        {
            error = e is PipelineStoppedException ? null : AncientErrors.FromEngine(e, heap, key);
            return error != null;
        }

        /// <summary>Writes a value read from a heap as Import-Clixml would: a stored list is enumerated, anything else is one object.</summary>
        protected void WriteValue(object value, bool noEnumerate)
        {
            object list = OriginalTypeNames.CollectionOf(value) ?? value;
            if (!noEnumerate && (list is AncientList || list is object[] || list is byte[]))
            {
                foreach (var item in (System.Collections.IEnumerable)list) WriteObject(item);
                return;
            }
            WriteObject(value);
        }
    }
}
