# Imported first when AncientPS is imported from a clone: the clone's AncientPS.psd1 requires it, and PowerShell loads
# required modules before the required assemblies. In a clone that has not been built the binaries are missing, and
# PowerShell would only say "Could not load file or assembly 'AncientPS.Engine'". The package does not carry this file.
$missing = @('AncientPS.Engine.dll', 'AncientPS.dll' | Where-Object { -not (Test-Path -LiteralPath (Join-Path $PSScriptRoot $_)) })
if ($missing.Count -gt 0) {
    $clone = Split-Path -Parent $PSScriptRoot
    # (The error catalogue, AncientErrors.cs, is in the very binaries that are missing.)
    $exception = [System.IO.FileNotFoundException]::new(
        "AncientPS is not built in '$clone' yet ($($missing -join ' and ') missing). Build it first: in that folder run " +
        "'dotnet tool restore' and 'dotnet pwsh ./build.ps1', then import the module again.", $missing[0])
    throw [System.Management.Automation.ErrorRecord]::new($exception, 'ModuleNotBuilt', 'ObjectNotFound', $clone)
}
Export-ModuleMember
