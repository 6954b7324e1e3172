<#
.SYNOPSIS
Measures the throughput of N runspaces scanning one list at once: `foreach ($o in $rows) { $s += $o.Cpu }`, as rows per
second over the span from the first runspace's start to the last one's end. Shared by Bench.ps1 (issue 6) and
ConcurrencyBench.ps1 (issue 4).

.DESCRIPTION
The runspaces are opened once, as a script that shares state between runspaces would keep them. Each imports the
module, gets the rows (Get-AncientObject, or the in-memory array given) and defines the scan as a function, which
PowerShell compiles as it does any function or script. Each then scans until warm (at least 40 scans and 1.5 s:
.NET recompiles code called 30 times, optimised, after a short delay; before that a scan takes up to 5 times as long),
so that the trials measure the steady state. A trial starts the scan in the first N runspaces at once (they wait at a barrier) and times -Passes scans
in each. Trials interleave the runspace counts, so that a slow moment on a shared machine hits every count alike.

The speed of this shared build machine drifts in phases of a fraction of a second to seconds: one thread's scans took
10-11 ms for a while, then 17-19 ms, then 10-11 again, within one trial (memory-heavy code only; arithmetic does not
drift). A ratio of the best trial of each count compares moments that may lie in different phases; each trial
therefore also carries RatioToOne, its rate over the rate of the one-runspace trial of the same round (seconds
apart), and callers report the median of those paired ratios beside the best rates. Trials last about 1.5 seconds of
one runspace's scanning, long enough to span such phases (at 0.5 seconds, two runspaces measured 1.26x of one where
1.5-second trials measured 1.47-1.72x in the same hour).

Returns one object per trial: Runspaces, Trial, Passes, RowsPerSecond, RatioToOne (when 1 is among -Runspaces).

.EXAMPLE
$trials = & ./tests/benchmarks/tools/Measure-RunspaceScan.ps1 -Manifest ./AncientPS.psd1 -Heap $h -Key rows -Runspaces 1, 2 -Trials 5
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Manifest,
    # The heap (a mounted heap, or the path of a heap file each runspace mounts read-only) and key of the stored rows;
    # or -InMemory for the reference over ordinary objects.
    [object] $Heap,
    [string] $Key = 'rows',
    [object[]] $InMemory,
    [int[]] $Runspaces = @(1, 2),
    [int] $Trials = 5,
    # Scans per runspace per trial; by default enough for about 1.5 seconds of scanning in one runspace.
    [int] $Passes = 0
)

$ErrorActionPreference = 'Stop'

$setup = {
    param($Manifest, $Heap, $Key, $InMemory)
    $ErrorActionPreference = 'Stop'
    Import-Module $Manifest
    if ($Heap -is [string]) { $Heap = Mount-AncientHeap -LiteralPath $Heap -ReadOnly }
    $global:BenchRows = if ($InMemory) { $InMemory } else { Get-AncientObject -Heap $Heap -Key $Key -NoEnumerate }
    function global:Invoke-BenchScan($Rows) { $s = 0; foreach ($o in $Rows) { $s += $o.Cpu }; $s }
    # Warm up past .NET's tiered compilation (code called 30 times is recompiled optimised, after a short delay): at
    # least 40 scans and 1.5 seconds. Returns the rate of the last scans.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $scans = 0
    while ($scans -lt 40 -or $clock.Elapsed.TotalSeconds -lt 1.5) { $null = Invoke-BenchScan $global:BenchRows; $scans++ }
    $last = [Diagnostics.Stopwatch]::StartNew()
    for ($k = 0; $k -lt 5; $k++) { $null = Invoke-BenchScan $global:BenchRows }
    5 / $last.Elapsed.TotalSeconds
}

$trial = {
    param($Barrier, [int] $Passes)
    $Barrier.SignalAndWait()
    $start = [Diagnostics.Stopwatch]::GetTimestamp()
    for ($k = 0; $k -lt $Passes; $k++) { $null = Invoke-BenchScan $global:BenchRows }
    [pscustomobject]@{ Start = $start; End = [Diagnostics.Stopwatch]::GetTimestamp(); Rows = $global:BenchRows.Count * $Passes }
}

$max = ($Runspaces | Measure-Object -Maximum).Maximum
$workers = [Collections.Generic.List[object]]::new()
try {
    # Open and warm every runspace, all at once (as they would run).
    for ($i = 0; $i -lt $max; $i++) {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        $null = $shell.AddScript($setup).AddArgument($Manifest).AddArgument($Heap).AddArgument($Key).AddArgument($InMemory)
        $workers.Add([pscustomobject]@{ Runspace = $runspace; Shell = $shell; Pending = $shell.BeginInvoke() })
    }
    $warmRate = 0
    foreach ($w in $workers) {
        $rate = @($w.Shell.EndInvoke($w.Pending))[-1]
        if ($w.Shell.HadErrors) { throw "A scanning runspace failed to start: $($w.Shell.Streams.Error[0])" }
        $warmRate = [Math]::Max($warmRate, [double]$rate)
    }
    if ($Passes -le 0) { $Passes = [Math]::Max(2, [int][Math]::Ceiling(1.5 * $warmRate)) }

    for ($t = 1; $t -le $Trials; $t++) {
        $oneRate = $null
        foreach ($count in $Runspaces) {
            $barrier = [Threading.Barrier]::new($count)
            try {
                $running = for ($i = 0; $i -lt $count; $i++) {
                    $shell = $workers[$i].Shell
                    $shell.Commands.Clear()
                    $null = $shell.AddScript($trial).AddArgument($barrier).AddArgument($Passes)
                    [pscustomobject]@{ Shell = $shell; Pending = $shell.BeginInvoke() }
                }
                $spans = foreach ($r in $running) { $r.Shell.EndInvoke($r.Pending) }
            }
            finally { $barrier.Dispose() }
            $seconds = (($spans.End | Measure-Object -Maximum).Maximum - ($spans.Start | Measure-Object -Minimum).Minimum) / [Diagnostics.Stopwatch]::Frequency
            $rate = ($spans.Rows | Measure-Object -Sum).Sum / $seconds
            if ($count -eq 1) { $oneRate = $rate }
            [pscustomobject]@{ Runspaces = $count; Trial = $t; Passes = $Passes; RowsPerSecond = $rate; RatioToOne = if ($oneRate) { $rate / $oneRate } else { $null } }
        }
    }
}
finally {
    foreach ($w in $workers) {
        $w.Shell.Dispose()
        $w.Runspace.Dispose()
    }
}
