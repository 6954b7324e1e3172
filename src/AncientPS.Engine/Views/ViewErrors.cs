using System;

namespace AncientPS.Engine.Views
{
    /// <summary>The errors the views share.</summary>
    internal static class ViewErrors
    {
        public static AncientReadOnlyException ReadOnly() =>
            new AncientReadOnlyException("Values stored in a heap are read-only. To change one, copy it first: Get-AncientObject -Materialize in PowerShell, AncientValue.Materialize in .NET.");
    }
}
