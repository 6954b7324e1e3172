<#
.SYNOPSIS
Measures the throughput of N runspaces scanning one list at once: `foreach ($o in $rows) { $s += $o.Cpu }`, as rows per
second over the span from the first runspace's start to the last one's end. Shared by Bench.ps1 (issue 6) and
ConcurrencyBench.ps1 (issue 4).

.DESCRIPTION
Each runspace imports the module, gets the rows (Get-AncientObject, or the in-memory array given), and scans them in a
script block of its own so that PowerShell compiles the loop, as it does in a function or script; three warm-up scans,
then all runspaces wait at a barrier and scan -Passes times. One trial is short (a fraction of a second), so a trial
hit by other work on the machine is just slower: the caller takes the best of several, interleaving the runspace
counts so that a slow minute on the machine hits every count alike.

Returns one object per trial: Runspaces, Trial, RowsPerSecond.

.EXAMPLE
$trials = & ./tests/benchmarks/tools/Measure-RunspaceScan.ps1 -Manifest ./AncientPS.psd1 -Heap $h -Key rows -Runspaces 1, 2 -Trials 5
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Manifest,
    # The heap and key of the stored rows; or -InMemory for the reference over ordinary objects.
    [object] $Heap,
    [string] $Key = 'rows',
    [object[]] $InMemory,
    [int[]] $Runspaces = @(1, 2),
    [int] $Trials = 5,
    # Scans per runspace per trial; by default enough for about 0.3 s of scanning at one runspace.
    [int] $Passes = 0
)

$ErrorActionPreference = 'Stop'

function Invoke-Trial([int] $Count, [int] $PassCount) {
    $barrier = [Threading.Barrier]::new($Count)
    try {
        $spans = 1..$Count | ForEach-Object -ThrottleLimit $Count -Parallel {
            Import-Module $using:Manifest
            $rows = if ($using:InMemory) { $using:InMemory } else { Get-AncientObject -Heap $using:Heap -Key $using:Key -NoEnumerate }
            $scan = { param($r) $s = 0; foreach ($o in $r) { $s += $o.Cpu }; $s }
            for ($k = 0; $k -lt 3; $k++) { $null = & $scan $rows }
            $n = $using:PassCount
            ($using:barrier).SignalAndWait()
            $start = [Diagnostics.Stopwatch]::GetTimestamp()
            for ($k = 0; $k -lt $n; $k++) { $null = & $scan $rows }
            [pscustomobject]@{ Start = $start; End = [Diagnostics.Stopwatch]::GetTimestamp(); Rows = $rows.Count * $n }
        }
    }
    finally { $barrier.Dispose() }
    $seconds = (($spans.End | Measure-Object -Maximum).Maximum - ($spans.Start | Measure-Object -Minimum).Minimum) / [Diagnostics.Stopwatch]::Frequency
    ($spans.Rows | Measure-Object -Sum).Sum / $seconds
}

if ($Passes -le 0) {
    # Calibrate on one runspace: how many passes make about 0.3 s.
    $rate = Invoke-Trial 1 2
    $rows = if ($InMemory) { $InMemory.Count } else { (Get-AncientObject -Heap $Heap -Key $Key -NoEnumerate).Count }
    $Passes = [Math]::Max(2, [int][Math]::Ceiling(0.3 * $rate / [Math]::Max(1, $rows)))
}

for ($t = 1; $t -le $Trials; $t++) {
    foreach ($count in $Runspaces) {
        [pscustomobject]@{ Runspaces = $count; Trial = $t; Passes = $Passes; RowsPerSecond = Invoke-Trial $count $Passes }
    }
}
