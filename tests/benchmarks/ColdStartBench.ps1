<#
.SYNOPSIS
Issue 18's cold start: a new pwsh that imports AncientPS, mounts a heap and reads one value, against a bare
`pwsh -c 1` started the same way in the same run; and the first Set of a session against the steady state.

.DESCRIPTION
Every child is started with the pwsh that runs this script (its apphost, or dotnet + pwsh.dll), -NoProfile
-NonInteractive, and reports its own CPU time (TotalProcessorTime) and the methods the JIT compiled
(System.Runtime.JitInfo) as it ends; the wall time is measured here, from start to exit.

  bare        pwsh -c 1 (what it reports costs nothing measurable)
  import      Import-Module AncientPS
  open        Import-Module, Mount-AncientHeap -ReadOnly, Get-AncientObject -NoEnumerate, one indexed read, Dismount-AncientHeap
  get-path    Import-Module, Get-AncientObject -LiteralPath -NoEnumerate, one indexed read
  import-mgmt Import-Module Microsoft.PowerShell.Management (an in-box binary module), for scale: what importing any
              module costs this PowerShell

  open-installed the open child on the module as build.ps1 Install and Package lay it out (build/New-ModulePackage.ps1,
              into a temporary folder): what users import. A clone's AncientPS.psd1 also imports the preflight script
              module (AncientPS.Preflight.psm1, which says to build first when the binaries are missing); the package
              has none.

With -BaselineModulePath (another build's AncientPS.psd1, for example main's), its import, open, get-path and
open-installed children run in the same rounds, named base:<child>, for a before/after in one run.

Each kind of child has a cache folder of its own (XDG_CACHE_HOME, not on Windows), warmed by one run of that child
before the rounds. PowerShell keeps two things there that change what the next start costs: its module analysis cache,
and the startup profile (StartupProfileData-NonInteractive) from which the next pwsh JIT-compiles in the background
the methods the previous one used. With the user's shared folder, a child's CPU time depended on which pwsh, of any
program, had started last (1,300 methods more or less in one child).

Rounds run every child once, in a rotated order; the table shows each child's median and its median paired
difference from bare. The goal: open costs at most 150 ms more than bare.

The first Set: one child imports the module, builds -SetCount rows (untimed), then stores them -SetRepeat times, each
time Mount-AncientHeap of a new file, Set-AncientObject, Dismount-AncientHeap; the first against the median of the
others (goal: at most 1.5x).

.EXAMPLE
dotnet pwsh ./tests/benchmarks/ColdStartBench.ps1 -Repeat 5
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../AncientPS.psd1'),
    [string] $BaselineModulePath,
    [string] $ResultPath = (Join-Path $PSScriptRoot '../../out/bench/coldstart-results.json'),
    [ValidateRange(1, 50)]
    [int] $Repeat = 9,
    [int] $Count = 100000,
    [int] $SetCount = 100000,
    [int] $SetRepeat = 5,
    # Leaves out the first-Set part (the start-up rows only).
    [switch] $NoFirstSet
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
if ($BaselineModulePath) { $BaselineModulePath = (Resolve-Path -LiteralPath $BaselineModulePath).Path }
Import-Module $ModulePath

function Get-ChildPwsh {
    $apphost = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if ((Test-Path -LiteralPath $apphost) -and ($IsWindows -or ((Get-Item -LiteralPath $apphost).UnixFileMode -band [IO.UnixFileMode]::UserExecute))) {
        return @{ FilePath = $apphost; Prefix = @() }
    }
    @{ FilePath = 'dotnet'; Prefix = @(Join-Path $PSHOME 'pwsh.dll') }
}

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

$pwsh = Get-ChildPwsh
# Runs one child; returns its wall time, and the CPU time and JIT count it reported.
# -CacheFolder: the child's XDG_CACHE_HOME (see the description), not on Windows.
function Invoke-Child([string] $Script, [string] $CacheFolder) {
    $report = '; $p = [Diagnostics.Process]::GetCurrentProcess(); "{0}|{1}" -f $p.TotalProcessorTime.TotalMilliseconds, [System.Runtime.JitInfo]::GetCompiledMethodCount($false)'
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', ($Script + $report))
    $saved = $env:XDG_CACHE_HOME
    if ($CacheFolder -and -not $IsWindows) { $env:XDG_CACHE_HOME = $CacheFolder }
    try {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = & $pwsh.FilePath @arguments 2>&1
        $clock.Stop()
    }
    finally { $env:XDG_CACHE_HOME = $saved }
    if ($LASTEXITCODE -ne 0) { throw "The child failed ($LASTEXITCODE): $output" }
    $last = "$(@($output)[-1])" -split '\|'
    if ($last.Count -ne 2) { throw "The child reported '$output'." }
    [pscustomobject]@{ WallMs = $clock.Elapsed.TotalMilliseconds; CpuMs = [double]$last[0]; Jitted = [int]$last[1]; Output = @($output) }
}

$work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-coldstart-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $heapPath = Join-Path $work 'rows.heap'
    $heap = Mount-AncientHeap -LiteralPath $heapPath
    Set-AncientObject -Heap $heap -Key rows -InputObject @(foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } })
    Dismount-AncientHeap -Heap $heap
    $m = $ModulePath -replace "'", "''"
    $h = $heapPath -replace "'", "''"
    # The module as a package lays it out (no preflight script module), from the clone the module path is in.
    function Get-InstalledManifest([string] $Manifest, [string] $Folder) {
        $package = & (Join-Path $PSScriptRoot '../../build/New-ModulePackage.ps1') -Root (Split-Path -Parent $Manifest) -OutputPath $Folder -NoNupkg
        Join-Path $package.ModuleFolder 'AncientPS.psd1'
    }
    function Get-ModuleChildren([string] $Manifest, [string] $Prefix, [string] $Installed) {
        $q = $Manifest -replace "'", "''"
        $i = $Installed -replace "'", "''"
        $open = "`$h = Mount-AncientHeap -LiteralPath '$h' -ReadOnly; `$n = (Get-AncientObject -Heap `$h -Key rows -NoEnumerate)[$($Count - 1)].Name; Dismount-AncientHeap -Heap `$h; if (`$n -ne 'host$Count') { throw `$n }"
        [ordered]@{
            "${Prefix}import"         = "Import-Module '$q'"
            "${Prefix}open"           = "Import-Module '$q'; $open"
            "${Prefix}get-path"       = "Import-Module '$q'; `$n = (Get-AncientObject -LiteralPath '$h' -Key rows -NoEnumerate)[$($Count - 1)].Name; if (`$n -ne 'host$Count') { throw `$n }"
            "${Prefix}open-installed" = "Import-Module '$i'; $open"
        }
    }
    $children = [ordered]@{ 'bare' = '1' }
    $modules = @(@{ Manifest = $ModulePath; Prefix = ''; Folder = 'installed' })
    if ($BaselineModulePath) { $modules += @{ Manifest = $BaselineModulePath; Prefix = 'base:'; Folder = 'installed-base' } }
    foreach ($module in $modules) {
        $installed = Get-InstalledManifest $module.Manifest (Join-Path $work $module.Folder)
        $set = Get-ModuleChildren $module.Manifest $module.Prefix $installed
        foreach ($k in $set.Keys) { $children[$k] = $set[$k] }
    }
    $children['import-mgmt'] = 'Import-Module Microsoft.PowerShell.Management'
    $names = @($children.Keys)
    $runs = @{}
    $caches = @{}
    foreach ($n in $names) {
        $runs[$n] = [Collections.Generic.List[object]]::new()
        $caches[$n] = Join-Path $work "cache/$($n -replace '[^\w-]', '_')"
    }
    Write-Host "Cold start: $Repeat rounds of $($names.Count) children ($($pwsh.FilePath))"
    # The first start of each child warms the file cache and that child's own PowerShell cache folder.
    foreach ($n in $names) { $null = Invoke-Child $children[$n] $caches[$n] }
    for ($round = 0; $round -lt $Repeat; $round++) {
        $order = @(for ($i = 0; $i -lt $names.Count; $i++) { $names[($i + $round) % $names.Count] })
        foreach ($n in $order) { $runs[$n].Add((Invoke-Child $children[$n] $caches[$n])) }
    }
    $table = foreach ($n in $names) {
        $cpuDelta = @(for ($i = 0; $i -lt $Repeat; $i++) { $runs[$n][$i].CpuMs - $runs['bare'][$i].CpuMs })
        $wallDelta = @(for ($i = 0; $i -lt $Repeat; $i++) { $runs[$n][$i].WallMs - $runs['bare'][$i].WallMs })
        [pscustomobject]@{
            Child          = $n
            WallMs         = [Math]::Round((Get-Median @($runs[$n].WallMs)), 0)
            CpuMs          = [Math]::Round((Get-Median @($runs[$n].CpuMs)), 0)
            Jitted         = [Math]::Round((Get-Median @($runs[$n].Jitted)), 0)
            WallOverBareMs = [Math]::Round((Get-Median $wallDelta), 0)
            CpuOverBareMs  = [Math]::Round((Get-Median $cpuDelta), 0)
        }
    }
    $table | Format-Table -AutoSize | Out-Host
    foreach ($row in 'open', 'open-installed') {
        $open = $table | Where-Object Child -EQ $row
        Write-Host ("Goal (issue 18): a new pwsh that imports, mounts, gets and reads <= 150 ms more than a bare one ({0}): {1} (wall +{2} ms, CPU +{3} ms)" -f
            $row, $(if ($open.WallOverBareMs -le 150 -and $open.CpuOverBareMs -le 150) { 'MET' } else { 'MISS' }), $open.WallOverBareMs, $open.CpuOverBareMs)
    }
    Write-Host "Load average: $(if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg) -replace '^((\S+ ){3}).*', '$1' })"

    # ------------------------------------------------------------------ the first Set of a session
    if ($NoFirstSet) { $first = $null; $sets = @() }
    else {
        $setScript = @"
Import-Module '$m'
`$rows = @(foreach (`$i in 1..$SetCount) { [pscustomobject]@{ Id = `$i; Name = "host`$i"; Cpu = `$i * 0.5; Up = (`$i % 2 -eq 0); Tags = @('a', 'b') } })
`$times = foreach (`$k in 1..$SetRepeat) {
    `$path = Join-Path '$($work -replace "'", "''")' "set`$k.heap"
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    `$clock = [Diagnostics.Stopwatch]::StartNew()
    `$heap = Mount-AncientHeap -LiteralPath `$path
    Set-AncientObject -Heap `$heap -Key rows -InputObject `$rows
    Dismount-AncientHeap -Heap `$heap
    `$clock.Elapsed.TotalMilliseconds
    Remove-Item -LiteralPath `$path
}
"set=" + (`$times -join ',')
"@
        $sets = foreach ($i in 1..[Math]::Max(1, [Math]::Min(3, $Repeat))) {
            $run = Invoke-Child $setScript (Join-Path $work 'cache/first-set')
            $line = @($run.Output | ForEach-Object { "$_" } | Where-Object { $_ -like 'set=*' })[0]
            , [double[]](($line -replace '^set=') -split ',')
        }
        $firstRatios = @(foreach ($t in $sets) { $t[0] / (Get-Median @($t | Select-Object -Skip 1)) })
        $first = [pscustomobject]@{
            Rows         = $SetCount
            FirstMs      = [Math]::Round((Get-Median @(foreach ($t in $sets) { $t[0] })), 0)
            SteadyMs     = [Math]::Round((Get-Median @(foreach ($t in $sets) { Get-Median @($t | Select-Object -Skip 1) })), 0)
            FirstOverSteady = [Math]::Round((Get-Median $firstRatios), 2)
        }
        $first | Format-Table -AutoSize | Out-Host
        Write-Host ("Goal (issue 18): the first Set of {0:N0} rows in a session <= 1.5x the steady state: {1} ({2}x)" -f
            $SetCount, $(if ($first.FirstOverSteady -le 1.5) { 'MET' } else { 'MISS' }), $first.FirstOverSteady)
    }

    if ($ResultPath) {
        New-Item -ItemType Directory -Path (Split-Path -Parent $ResultPath) -Force | Out-Null
        [pscustomobject]@{ Repeat = $Repeat; Children = @($table); FirstSet = $first; FirstSetSamples = @($sets) } |
            ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultPath
    }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
