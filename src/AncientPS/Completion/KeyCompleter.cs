using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using AncientPS.Abstractions;

namespace AncientPS.Completion
{
    /// <summary>
    /// Completes -Key and -LiteralKey from the heap in -Heap (or the only mounted heap). Keys are quoted when the shell
    /// would split or expand them, and wildcard characters are escaped for the parameters that take patterns.
    /// In the key-first form, 'Get-AncientObject pr&lt;Tab&gt;', PowerShell's trial binding puts the word in both -Heap
    /// and -Key: a -Heap that is not a heap is ignored, and the keys come from the only mounted heap.
    /// </summary>
    public sealed class KeyCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var heap = HeapOf(fakeBoundParameters);
            if (heap == null || !heap.IsMounted) yield break;

            string typed = Unquote(wordToComplete ?? string.Empty);
            var pattern = HeapCommandBase.TryCreatePattern(typed + "*");
            bool takesPatterns = !string.Equals(commandName, "Set-AncientObject", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(parameterName, "LiteralKey", StringComparison.OrdinalIgnoreCase);

            IReadOnlyList<string> keys;
            try
            {
                keys = heap.Engine.Keys;
            }
            catch (ObjectDisposedException)
            {
                yield break;
            }
            foreach (var key in keys)
            {
                if (!(pattern != null && pattern.IsMatch(key)) && !key.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) continue;
                string text = takesPatterns ? WildcardPattern.Escape(key) : key;
                yield return new CompletionResult(Quote(text), key, CompletionResultType.ParameterValue, key);
            }
        }

        private static AncientHeap HeapOf(IDictionary fakeBoundParameters)
        {
            if (fakeBoundParameters != null && fakeBoundParameters.Contains("Heap"))
            {
                object value = fakeBoundParameters["Heap"];
                if (value is PSObject pso) value = pso.BaseObject;
                if (value is AncientHeap given) return given;
                if (value is object[] array && array.Length == 1 && (array[0] is PSObject p ? p.BaseObject : array[0]) is AncientHeap first) return first;
                // Anything else is not a heap: in the key-first form the word being completed lands here too.
            }
            var mounted = MountedHeaps.Snapshot();
            return mounted.Count == 1 ? mounted[0] : null;
        }

        private static string Unquote(string word)
        {
            if (word.Length > 0 && (word[0] == '\'' || word[0] == '"')) word = word.Substring(1);
            if (word.Length > 0 && (word[word.Length - 1] == '\'' || word[word.Length - 1] == '"')) word = word.Substring(0, word.Length - 1);
            return word;
        }

        internal static string Quote(string text)
        {
            bool needsQuotes = text.Length == 0 || text[0] == '-' || text[0] == '@' || text[0] == '#' || text[0] == '<' || text[0] == '>';
            foreach (char c in text)
            {
                if (needsQuotes) break;
                if (char.IsWhiteSpace(c) || "'\"`$;,(){}|&<>".IndexOf(c) >= 0 || c == '\u2018' || c == '\u2019' || c == '\u201C' || c == '\u201D')
                    needsQuotes = true;
            }
            if (!needsQuotes) return text;
            return "'" + text.Replace("'", "''").Replace("\u2018", "\u2018\u2018").Replace("\u2019", "\u2019\u2019") + "'";
        }
    }
}
