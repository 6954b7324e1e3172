<#
.SYNOPSIS
Issue 4's concurrency benchmarks, printed as ratios (never a failure): read throughput of 1, 2 and 4 runspaces scanning
one heap; the cost of a small Set alone, with another process attached, and with Flushed durability.

.DESCRIPTION
Expects the module laid out (build.ps1 Build). Each measure is repeated and the best sample kept. Run it on an idle
machine: on 2 cores, 4 runspaces cannot beat 2, and anything else running shows in the ratios.

.EXAMPLE
dotnet pwsh ./tests/benchmarks/ConcurrencyBench.ps1 -Rows 100000 -Repeat 5
#>
[CmdletBinding()]
param(
    [int] $Rows = 100000,
    [int] $Repeat = 5,
    [int] $Sets = 2000,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../AncientPS.psd1'),
    # Also write the rows as JSON here, for build/Bench.ps1's report.
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$manifest = (Resolve-Path -LiteralPath $ModulePath).Path
Import-Module $manifest
$work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-concurrency-bench-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null
$results = [Collections.Generic.List[object]]::new()
$other = $null

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

try {
    # ---------------------------------------------------------------- runspaces scanning one heap
    $scanPath = Join-Path $work 'scan.heap'
    $heap = Mount-AncientHeap -LiteralPath $scanPath
    $data = foreach ($i in 1..$Rows) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0) } }
    Set-AncientObject -Heap $heap -Key rows -InputObject $data
    $data = $null

    # Throughput in rows per second: tools/Measure-RunspaceScan.ps1. Value: the best trial of each runspace count.
    # Ratio: the median of the paired ratios (each trial over the one-runspace trial of its round; see that script).
    $runspaceTrials = [Math]::Max($Repeat, 7)
    $trials = @(& (Join-Path $PSScriptRoot 'tools/Measure-RunspaceScan.ps1') -Manifest $manifest -Heap $heap -Key rows -Runspaces 1, 2, 4 -Trials $runspaceTrials)
    $throughput = @{}
    foreach ($n in 1, 2, 4) {
        $throughput[$n] = ($trials | Where-Object Runspaces -EQ $n | Measure-Object RowsPerSecond -Maximum).Maximum
    }
    foreach ($n in 1, 2, 4) {
        $results.Add([pscustomobject]@{
                Measure = "$n runspace(s) scanning one heap"
                Value   = '{0:N0} rows/s' -f $throughput[$n]
                Ratio   = '{0:N2}x of one' -f (Get-Median @($trials | Where-Object Runspaces -EQ $n | ForEach-Object RatioToOne))
                Goal    = if ($n -eq 2) { '>= 1.6x on 2 cores' } else { '' }
            })
    }
    Dismount-AncientHeap -Heap $heap

    # The same scan in a new PowerShell started with the server garbage collector (DOTNET_gcServer=1: one heap and one
    # collecting thread per core), a setting of the user's process that a module cannot make. The process only mounts
    # the file, as a process that reads a shared heap would.
    $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    $serverInfo = if (Test-Path -LiteralPath $pwsh) { [Diagnostics.ProcessStartInfo]::new($pwsh) } else { $i = [Diagnostics.ProcessStartInfo]::new('dotnet'); $i.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')); $i }
    $measureScan = Join-Path $PSScriptRoot 'tools/Measure-RunspaceScan.ps1'
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "& '$measureScan' -Manifest '$manifest' -Heap '$scanPath' -Key rows -Runspaces 1, 2 -Trials $runspaceTrials | ConvertTo-Json -Compress") { $serverInfo.ArgumentList.Add($a) }
    $serverInfo.Environment['DOTNET_gcServer'] = '1'
    $serverInfo.RedirectStandardOutput = $true
    $serverInfo.UseShellExecute = $false
    $serverProcess = [Diagnostics.Process]::Start($serverInfo)
    $serverOutput = $serverProcess.StandardOutput.ReadToEnd()
    $serverProcess.WaitForExit()
    if ($serverProcess.ExitCode -ne 0) { throw "The server-GC scan process failed (exit code $($serverProcess.ExitCode))." }
    $serverTrials = @($serverOutput | ConvertFrom-Json)
    $serverOne = ($serverTrials | Where-Object Runspaces -EQ 1 | Measure-Object RowsPerSecond -Maximum).Maximum
    $serverTwo = ($serverTrials | Where-Object Runspaces -EQ 2 | Measure-Object RowsPerSecond -Maximum).Maximum
    $results.Add([pscustomobject]@{
            Measure = '2 runspaces, pwsh with server GC'
            Value   = '{0:N0} rows/s' -f $serverTwo
            Ratio   = ('{0:N2}x of one ({1:N0} rows/s)' -f (Get-Median @($serverTrials | Where-Object Runspaces -EQ 2 | ForEach-Object RatioToOne)), $serverOne)
            Goal    = ''
        })

    # The machine's own ceiling for that ratio, in the same run: plain C# threads that only allocate small objects (as a
    # PowerShell loop does, one boxed number per step), 2 threads against 1. Every allocation-heavy loop meets the same
    # garbage collector, which stops all threads while it runs; pure arithmetic scales about 2x on 2 cores.
    Add-Type -TypeDefinition @'
public static class AncientBenchAllocationLoop
{
    public static object Sink;
    public static double Total;
    public static void Run(long steps) { object last = null; for (long i = 0; i < steps; i++) last = (double)i; Sink = last; }
    public static void Compute(long steps) { double s = 0; for (long i = 0; i < steps; i++) s += System.Math.Sqrt(i); Total = s; }
    public static double StepsPerSecond(int threads, long steps, bool allocate)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var all = new System.Threading.Thread[threads];
        for (int t = 0; t < threads; t++) { all[t] = allocate ? new System.Threading.Thread(() => Run(steps)) : new System.Threading.Thread(() => Compute(steps)); all[t].Start(); }
        foreach (var t in all) t.Join();
        return threads * steps / clock.Elapsed.TotalSeconds;
    }
}
'@
    [AncientBenchAllocationLoop]::Run(20000000)
    [AncientBenchAllocationLoop]::Compute(20000000)
    foreach ($allocate in $true, $false) {
        $best = 0.0
        $ratios = for ($k = 0; $k -lt $runspaceTrials; $k++) {
            $single = [AncientBenchAllocationLoop]::StepsPerSecond(1, 60000000, $allocate)
            $double = [AncientBenchAllocationLoop]::StepsPerSecond(2, 60000000, $allocate)
            $best = [Math]::Max($best, $double)
            $double / $single
        }
        $results.Add([pscustomobject]@{
                Measure = if ($allocate) { 'reference: C# threads allocating, 2 vs 1' } else { 'reference: C# threads computing, 2 vs 1' }
                Value   = '{0:N0} steps/s' -f $best
                Ratio   = '{0:N2}x of one' -f (Get-Median $ratios)
                Goal    = ''
            })
    }

    # ---------------------------------------------------------------- the cost of a small Set
    # Through the engine's API, so that only the lock, the copy and the publish are timed, not the cmdlet.
    function Measure-Set([AncientPS.Engine.MappedHeap] $Target) {
        $value = [object[]]@(1, 'value')
        for ($i = 0; $i -lt 200; $i++) { $Target.Set('k', $value) }
        $best = [double]::MaxValue
        for ($k = 0; $k -lt $Repeat; $k++) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            for ($i = 0; $i -lt $Sets; $i++) { $Target.Set('k', $value) }
            $best = [Math]::Min($best, $clock.Elapsed.TotalSeconds / $Sets)
        }
        $best
    }
    $fast = [AncientPS.Engine.MappedHeap]::Open((Join-Path $work 'fast.heap'))
    $alone = Measure-Set $fast
    $fast.Dispose()

    # Another process mounts the heap, reads a value (its reader slot now pins a snapshot), and waits until stdin closes.
    $sharedPath = Join-Path $work 'shared.heap'
    $shared = [AncientPS.Engine.MappedHeap]::Open($sharedPath)
    $shared.Set('held', [object[]]@(1, 'value'))
    $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    $info = if (Test-Path -LiteralPath $pwsh) { [Diagnostics.ProcessStartInfo]::new($pwsh) } else { $i = [Diagnostics.ProcessStartInfo]::new('dotnet'); $i.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')); $i }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$manifest'; `$h = Mount-AncientHeap -LiteralPath '$sharedPath'; `$v = Get-AncientObject -Heap `$h -Key held -NoEnumerate; 'held'; [Console]::In.ReadToEnd() | Out-Null") { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $other = [Diagnostics.Process]::Start($info)
    if ($other.StandardOutput.ReadLine() -ne 'held') { throw 'The second process did not mount the heap.' }
    $attached = Measure-Set $shared
    $shared.Dispose()

    $flushedHeap = [AncientPS.Engine.MappedHeap]::Open((Join-Path $work 'flushed.heap'), [AncientPS.Engine.HeapOptions]@{ Durability = 'Flushed' })
    $savedSets = $Sets
    $Sets = [Math]::Max(50, [int]($Sets / 20)) # a flush is slow: fewer of them
    $flushed = Measure-Set $flushedHeap
    $Sets = $savedSets
    $flushedHeap.Dispose()

    $results.Add([pscustomobject]@{ Measure = 'small Set, Fast, no other process'; Value = '{0:N1} us' -f ($alone * 1e6); Ratio = '1.00x'; Goal = '' })
    $results.Add([pscustomobject]@{ Measure = 'small Set, Fast, another process attached'; Value = '{0:N1} us' -f ($attached * 1e6); Ratio = '{0:N2}x' -f ($attached / $alone); Goal = '' })
    $results.Add([pscustomobject]@{ Measure = 'small Set, Flushed'; Value = '{0:N1} us' -f ($flushed * 1e6); Ratio = '{0:N1}x' -f ($flushed / $alone); Goal = '' })
}
finally {
    if ($other) {
        try { $other.StandardInput.Close(); if (-not $other.WaitForExit(10000)) { $other.Kill($true) } } catch { }
        $other.Dispose()
    }
    Get-AncientHeap | Dismount-AncientHeap -Confirm:$false
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

$results | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host ("Machine: {0} cores, {1}, .NET {2}" -f [Environment]::ProcessorCount, [Runtime.InteropServices.RuntimeInformation]::OSDescription, [Environment]::Version)
if ($ResultPath) { $results | ConvertTo-Json | Set-Content -LiteralPath $ResultPath -Encoding utf8 }
