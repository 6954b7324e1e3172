# Imported first when AncientPS is imported from a clone: the clone's AncientPS.psd1 requires it, and PowerShell loads
# required modules before the required assemblies. In a clone that has not been built the binaries are missing, and
# PowerShell would only say "Could not load file or assembly 'AncientPS.Engine'". The package does not carry this file.
# .NET calls only: Test-Path, Join-Path and Split-Path would load Microsoft.PowerShell.Management, which a bare pwsh has
# not loaded, and cost every import from a clone about 0.1-0.3 s of CPU at start-up (issue 18's cold start).
$missing = @(foreach ($name in 'AncientPS.Engine.dll', 'AncientPS.dll') { if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($PSScriptRoot, $name))) { $name } })
if ($missing.Count -gt 0) {
    $clone = [System.IO.Path]::GetDirectoryName($PSScriptRoot)
    # (The error catalogue, AncientErrors.cs, is in the very binaries that are missing.)
    $exception = [System.IO.FileNotFoundException]::new(
        "AncientPS is not built in '$clone' yet ($($missing -join ' and ') missing). Build it first: in that folder run " +
        "'dotnet tool restore' and 'dotnet pwsh ./build.ps1', then import the module again.", $missing[0])
    throw [System.Management.Automation.ErrorRecord]::new($exception, 'ModuleNotBuilt', 'ObjectNotFound', $clone)
}
Export-ModuleMember
