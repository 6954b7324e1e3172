using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AncientPS.Completion
{
    /// <summary>Completes -Path and -LiteralPath to folders and *.heap files, the way the shell completes any path.</summary>
    public sealed class HeapPathCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            foreach (var result in CompletionCompleters.CompleteFilename(wordToComplete ?? string.Empty))
            {
                if (result.ResultType == CompletionResultType.ProviderContainer) yield return result;
                else if (result.ListItemText.EndsWith(".heap", StringComparison.OrdinalIgnoreCase)) yield return result;
            }
        }
    }
}
