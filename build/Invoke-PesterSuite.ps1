<#
.SYNOPSIS
Runs the Pester suite in its own process (build.ps1 Test starts it), so the session that built the module never loads it
and the freshly built DLL is never locked.

.DESCRIPTION
Writes the counts to -SummaryPath as JSON ({ Passed, Failed, Skipped, Total }) and the NUnit XML report beside it.
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    # Test files or folders, separated by ';' (pwsh -File passes each argument as one string).
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $ResultPath,
    [string] $FullNameFilter
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = @($TestPath -split ';' | Where-Object { $_ })
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
if ($FullNameFilter) { $configuration.Filter.FullName = @($FullNameFilter -split ';') }
if ($ResultPath) {
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = $ResultPath
}

$result = Invoke-Pester -Configuration $configuration
# A container that fails to load (syntax error) or a failing BeforeAll/AfterAll may leave no failed test behind; count it.
$failed = $result.FailedCount
if ($failed -eq 0) { $failed = $result.FailedBlocksCount + $result.FailedContainersCount }
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount
    Total   = $result.TotalCount
} | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath -Encoding utf8
exit ([int]($failed -gt 0))
