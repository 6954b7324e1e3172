<#
Runs the differential fidelity suite (Fidelity.ps1: every shape x operation x access mode, then every crossing) and writes
its cases to -OutPath as Clixml. tests/Fidelity.Tests.ps1 and Update-KnownDifferences.ps1 both run it in a fresh pwsh
of its own, so that both see one process history: PowerShell leaves notes of its own on the boxes of an original's
numbers that go down a pipeline (which Clixml then writes as objects), and what earlier tests in the same process had
done to them made a few cases depend on the order the test files ran in.
#>
param([Parameter(Mandatory)] [string] $OutPath)
$ErrorActionPreference = 'Stop'
$root = Split-Path (Split-Path $PSScriptRoot)
Import-Module (Join-Path $root 'AncientPS.psd1')
. (Join-Path $root 'tests/TestSupport.ps1')
. (Join-Path $PSScriptRoot 'Fidelity.ps1')

$script:FidelitySleeper = Start-Process -FilePath sleep -ArgumentList 600 -PassThru
try {
    $heap = Mount-AncientHeap -Anonymous
    $inProcess = @(Invoke-FidelityComparison $heap (Get-FidelityOperations))
    # The crossings into other PowerShell (jobs, thread jobs, -Parallel, remoting's serializer) after the in-process
    # cases, so that those see the process as it was before.
    $crossings = @(Invoke-CrossingComparison $heap (Get-FidelityCrossings))
    Export-Clixml -LiteralPath $OutPath -InputObject ([pscustomobject]@{ InProcess = $inProcess; Crossings = $crossings }) -Depth 3
}
finally {
    Stop-Process -Id $script:FidelitySleeper.Id -ErrorAction SilentlyContinue
    Dismount-AncientHeap -Heap $heap -ErrorAction SilentlyContinue
    Remove-FidelityFolder
}
