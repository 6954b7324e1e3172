<#
.SYNOPSIS
Issue 18's open row, step by step: a fresh handle on a 100,000-row store and one indexed read, through the cmdlets,
against SQLite's open and one query, in one process, interleaved, with paired ratios.

.DESCRIPTION
SQLite comes from the benchmark-only peers project (tests/benchmarks/Peers, published by build/Bench.ps1 to
out/bench/peers). Each sample reads row -Count's Name.

  sqlite            Microsoft.Data.Sqlite, Pooling=False, Mode=ReadOnly: open, one parameterised SELECT, close (the peer).
  sqlite-gc         sqlite after a full collection, the peer of the -first rows.
  sqlite-pooled     the same with SQLite's default connection pool, which keeps the file open between samples.
  mount-get         Mount-AncientHeap -ReadOnly, Get-AncientObject -NoEnumerate, index, Dismount-AncientHeap: the
                    file was mounted moments ago, so the engine takes up its idle mapping (Linux).
  get-path          Get-AncientObject -LiteralPath -Key -NoEnumerate, index: one cmdlet call.
  mount-get-first   mount-get on a file this process has no mapping of: samples rotate over more copies of the
                    heap than the engine keeps idle, so each opens, maps and claims a reader slot anew.
  get-path-first    get-path, likewise.

The steps of mount-get, each alone, with the heap already open elsewhere in the process where a step needs it:
  cmdlet            Get-AncientHeap with no heap mounted: what any cmdlet call costs (binding, pipeline).
  mount, get, index, dismount   the four parts of mount-get.
  engine-open       [AncientPS.Engine.MappedHeap]::Open and Dispose, the mapping idle before (what mount adds to a cmdlet).
  engine-open-first the same on a file without a mapping: open, header read, map, reader slot claim, close.

Each round takes -Samples samples of every row, the rows in a rotated order, and keeps each row's median; a ratio is
SQLite's median over the row's in the same round (>1: AncientPS is faster), and the table shows the median over rounds.
The -first rows run after a full collection (untimed; it lets values read with -Path go), which leaves caches cold:
their peer is sqlite-gc, SQLite after a collection too.
Benchmarks are not tests: a missed goal is a finding, never a failure.

.EXAMPLE
dotnet pwsh ./tests/benchmarks/OpenBench.ps1 -PeersPath out/bench/peers -Repeat 3
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../AncientPS.psd1'),
    [string] $PeersPath = (Join-Path $PSScriptRoot '../../out/bench/peers'),
    [string] $ResultPath = (Join-Path $PSScriptRoot '../../out/bench/open-results.json'),
    [int] $Count = 100000,
    [ValidateRange(1, 20)]
    [int] $Repeat = 3,
    [int] $Samples = 60
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Resolve-Path -LiteralPath $ModulePath).Path
$PeersPath = (Resolve-Path -LiteralPath $PeersPath).Path
foreach ($name in 'SQLitePCLRaw.core', 'SQLitePCLRaw.provider.e_sqlite3', 'SQLitePCLRaw.batteries_v2', 'Microsoft.Data.Sqlite') {
    Add-Type -LiteralPath (Join-Path $PeersPath "$name.dll")
}
[SQLitePCL.Batteries_V2]::Init()

$work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-open-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

try {
    # ------------------------------------------------------------------ the stores (untimed)
    $rows = @(foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } })
    $heapPath = Join-Path $work 'rows.heap'
    $heap = Mount-AncientHeap -LiteralPath $heapPath
    Set-AncientObject -Heap $heap -Key rows -InputObject $rows
    Dismount-AncientHeap -Heap $heap
    # More copies than the engine keeps idle (HeapRegistry.MaxIdle = 4), for the -first rows.
    $copies = @(foreach ($i in 0..6) { $p = Join-Path $work "copy$i.heap"; Copy-Item -LiteralPath $heapPath -Destination $p; $p })
    $dbPath = Join-Path $work 'rows.db'
    Write-SqliteRows -Path $dbPath -Rows $rows
    $rows = $null

    $Id = $Count
    $expected = "host$Id"
    $script:copyIndex = 0
    function Get-NextCopy { $script:copyIndex = ($script:copyIndex + 1) % $copies.Count; $copies[$script:copyIndex] }
    $readOnly = [AncientPS.Engine.HeapOptions]::new()
    $readOnly.ReadOnly = $true
    $readOnly.CreateIfMissing = $false

    # A heap held mounted for the steps that need an open heap (get, index), and its view for index.
    $rowsView = $null

    # Each body returns the Name it read (checked), or $null for the steps that read nothing.
    $bodies = [ordered]@{
        'sqlite'            = {
            $c = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$dbPath;Mode=ReadOnly;Pooling=False")
            $c.Open()
            $q = $c.CreateCommand()
            $q.CommandText = 'SELECT Name FROM rows WHERE Id = $id'
            $null = $q.Parameters.AddWithValue('$id', $Id)
            $name = $q.ExecuteScalar()
            $c.Dispose()
            $name
        }
        'sqlite-gc'         = {
            $c = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$dbPath;Mode=ReadOnly;Pooling=False")
            $c.Open()
            $q = $c.CreateCommand()
            $q.CommandText = 'SELECT Name FROM rows WHERE Id = $id'
            $null = $q.Parameters.AddWithValue('$id', $Id)
            $name = $q.ExecuteScalar()
            $c.Dispose()
            $name
        }
        'sqlite-pooled'     = {
            $c = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$dbPath;Mode=ReadOnly")
            $c.Open()
            $q = $c.CreateCommand()
            $q.CommandText = 'SELECT Name FROM rows WHERE Id = $id'
            $null = $q.Parameters.AddWithValue('$id', $Id)
            $name = $q.ExecuteScalar()
            $c.Dispose()
            $name
        }
        'mount-get'         = {
            $h = Mount-AncientHeap -LiteralPath $heapPath -ReadOnly
            $r = Get-AncientObject -Heap $h -Key rows -NoEnumerate
            $name = $r[$Id - 1].Name
            Dismount-AncientHeap -Heap $h
            $name
        }
        'get-path'          = {
            $r = Get-AncientObject -LiteralPath $heapPath -Key rows -NoEnumerate
            $r[$Id - 1].Name
        }
        'mount-get-first'   = {
            $h = Mount-AncientHeap -LiteralPath (Get-NextCopy) -ReadOnly
            $r = Get-AncientObject -Heap $h -Key rows -NoEnumerate
            $name = $r[$Id - 1].Name
            Dismount-AncientHeap -Heap $h
            $name
        }
        'get-path-first'    = {
            $r = Get-AncientObject -LiteralPath (Get-NextCopy) -Key rows -NoEnumerate
            $r[$Id - 1].Name
        }
        'cmdlet'            = { $null = Get-AncientHeap; $null }
        'mount'             = { $script:stepHeap = Mount-AncientHeap -LiteralPath $heapPath -ReadOnly; $null }
        'get'               = { $null = Get-AncientObject -Heap $held -Key rows -NoEnumerate; $null }
        'index'             = { $rowsView[$Id - 1].Name }
        'dismount'          = { Dismount-AncientHeap -Heap $script:stepHeap; $null }
        'engine-open'       = { [AncientPS.Engine.MappedHeap]::Open($heapPath, $readOnly).Dispose(); $null }
        'engine-open-first' = { [AncientPS.Engine.MappedHeap]::Open((Get-NextCopy), $readOnly).Dispose(); $null }
    }
    # The steps run in pairs so that each has the state it needs: mount then dismount.
    $steps = 'cmdlet', 'get', 'index', 'engine-open', 'engine-open-first'
    $rowNames = @('sqlite', 'sqlite-pooled', 'mount-get', 'get-path', 'sqlite-gc', 'mount-get-first', 'get-path-first') + $steps + 'mount', 'dismount'

    function Measure-Row([string] $Row) {
        $body = $bodies[$Row]
        # The -first rows, and their peer: a full collection first (untimed), so that what earlier samples read with
        # -Path lets go of its file. A collection leaves caches cold, so their peer is SQLite after one too.
        if ($Row -like '*-gc' -or $Row -like '*-first') { [GC]::Collect(); [GC]::WaitForPendingFinalizers() }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $name = & $body
        $clock.Stop()
        if ($null -ne $name -and $name -ne $expected) { throw "$Row read '$name', not '$expected'." }
        $clock.Elapsed.TotalSeconds
    }

    $medians = @{}
    foreach ($r in $rowNames) { $medians[$r] = [Collections.Generic.List[double]]::new() }
    $held = $null
    $runOrder = @('sqlite', 'sqlite-pooled', 'mount-get', 'get-path', 'sqlite-gc', 'mount-get-first', 'get-path-first', 'steps')

    Write-Host "Open: $Count rows, $Repeat rounds of $Samples samples"
    for ($round = -1; $round -lt $Repeat; $round++) {
        # Round -1 is the warm-up: every path compiled, its results thrown away.
        $n = if ($round -lt 0) { 10 } else { $Samples }
        $order = @(for ($i = 0; $i -lt $runOrder.Count; $i++) { $runOrder[($i + [Math]::Max($round, 0)) % $runOrder.Count] })
        if ($round -ge 0) { Write-Host "  round $($round + 1) of ${Repeat}: $($order -join ', ')" }
        foreach ($what in $order) {
            if ($what -ne 'steps') {
                $times = @(for ($i = 0; $i -lt $n; $i++) { Measure-Row $what })
                if ($round -ge 0) { $medians[$what].Add((Get-Median $times)) }
                continue
            }
            $held = Mount-AncientHeap -LiteralPath $heapPath -ReadOnly
            $rowsView = Get-AncientObject -Heap $held -Key rows -NoEnumerate
            $stepTimes = @{}
            foreach ($s in $steps + 'mount', 'dismount') { $stepTimes[$s] = [Collections.Generic.List[double]]::new() }
            for ($i = 0; $i -lt $n; $i++) {
                foreach ($s in $steps) { $stepTimes[$s].Add((Measure-Row $s)) }
                $stepTimes['mount'].Add((Measure-Row 'mount'))
                $stepTimes['dismount'].Add((Measure-Row 'dismount'))
            }
            $rowsView = $null
            Dismount-AncientHeap -Heap $held
            if ($round -ge 0) { foreach ($s in $stepTimes.Keys) { $medians[$s].Add((Get-Median $stepTimes[$s])) } }
        }
    }

    # ------------------------------------------------------------------ the table
    $table = foreach ($r in $rowNames) {
        $peer = if ($r -like '*-first' -or $r -eq 'sqlite-gc' -or $r -like 'engine-open-first') { 'sqlite-gc' } else { 'sqlite' }
        $ratios = @(for ($i = 0; $i -lt $Repeat; $i++) { $medians[$peer][$i] / $medians[$r][$i] })
        [pscustomobject]@{
            Row            = $r
            MedianMs       = [Math]::Round((Get-Median $medians[$r]) * 1e3, 4)
            Peer           = $peer
            PeerOverThis   = [Math]::Round((Get-Median $ratios), 2)
        }
    }
    $table | Format-Table -AutoSize | Out-Host
    $goal = ($table | Where-Object Row -EQ 'mount-get').PeerOverThis
    Write-Host ("Goal (issue 18): Mount + Get + one indexed read <= SQLite's open + one query: {0} (SQLite/AncientPS = {1}x; Get-AncientObject -Path: {2}x)" -f
        $(if ($goal -ge 1) { 'MET' } else { 'MISS' }), $goal, ($table | Where-Object Row -EQ 'get-path').PeerOverThis)

    if ($ResultPath) {
        New-Item -ItemType Directory -Path (Split-Path -Parent $ResultPath) -Force | Out-Null
        [pscustomobject]@{ Count = $Count; Repeat = $Repeat; Samples = $Samples; Rows = @($table); Medians = $medians } |
            ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultPath
    }
}
finally {
    Get-AncientHeap | Dismount-AncientHeap
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
