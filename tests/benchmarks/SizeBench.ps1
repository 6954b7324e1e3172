<#
.SYNOPSIS
Issue 18, file size: the heap file of the Bench task's rows against their compact JSON text, and the scan and lookup
figures the change must keep, for one or more builds of the module measured in the same run.

.DESCRIPTION
Each build (-ModulePath, one or more manifests, such as main's and a branch's) is measured in a child pwsh of its own,
the builds interleaved round by round (-Rounds), since two builds of one assembly cannot load into one process. Each
child writes 100,000 [pscustomobject]@{ Id; Name; Cpu; Up; Tags = @('a','b') } rows to a new heap and reports:

  set        the one Set-AncientObject of the rows (Mount to Dismount excluded; a first Set in a new process)
  bytes      the heap file's length after Dismount, and per row
  json       the compact JSON text of the same rows (System.Text.Json, as PeersBench.ps1 counts it)
  scan       foreach ($o in $rows) { $s += $o.Cpu } in a script block, over the stored rows and over the in-memory rows
             (best of -Repeat); the figure is their ratio
  lookup     100,000 $d[$key] in a stored 200,000-entry hashtable and in the in-memory one (best of -Repeat); their ratio

The table gives, per build, the medians over the rounds. Benchmarks are not tests: nothing here fails.

.EXAMPLE
pwsh -NoProfile -File tests/benchmarks/SizeBench.ps1 -ModulePath ../main/AncientPS.psd1, ./AncientPS.psd1
#>
[CmdletBinding()]
param(
    [string[]] $ModulePath = @((Join-Path $PSScriptRoot '../../AncientPS.psd1')),
    [int] $Count = 100000,
    [int] $Rounds = 3,
    [int] $Repeat = 5,
    # Internal: measure one build in this process and print one JSON line.
    [switch] $Child
)

$ErrorActionPreference = 'Stop'

if ($Child) {
    Import-Module (Resolve-Path -LiteralPath $ModulePath[0]).Path
    $work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-sizebench-$PID"
    New-Item -ItemType Directory -Path $work -Force | Out-Null
    try {
        $data = @(foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } })
        $path = Join-Path $work 'rows.heap'
        $h = Mount-AncientHeap -LiteralPath $path
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Set-AncientObject -Heap $h -Key rows -InputObject $data
        $set = $sw.Elapsed.TotalSeconds
        Dismount-AncientHeap -Heap $h
        $bytes = (Get-Item -LiteralPath $path).Length
        $options = [Text.Json.JsonSerializerOptions]::Default
        $json = 0
        foreach ($r in $data) {
            $v = [ordered]@{ Id = $r.Id; Name = $r.Name; Cpu = $r.Cpu; Up = $r.Up; Tags = $r.Tags }
            $json += [Text.Json.JsonSerializer]::SerializeToUtf8Bytes($v, $v.GetType(), $options).Length
        }

        function Get-BestSeconds([scriptblock] $Body, [int] $Times) {
            $best = [double]::MaxValue
            & $Body | Out-Null # warm-up
            for ($i = 0; $i -lt $Times; $i++) {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                & $Body | Out-Null
                $sw.Stop()
                $best = [Math]::Min($best, $sw.Elapsed.TotalSeconds)
            }
            $best
        }

        $h = Mount-AncientHeap -LiteralPath $path
        $rows = Get-AncientObject -Heap $h -Key rows -NoEnumerate
        $scanStored = Get-BestSeconds { $s = 0; foreach ($o in $rows) { $s += $o.Cpu }; $s } $Repeat
        $scanMemory = Get-BestSeconds { $s = 0; foreach ($o in $data) { $s += $o.Cpu }; $s } $Repeat

        $table = @{}
        for ($i = 0; $i -lt 200000; $i++) { $table["key$i"] = $i }
        $random = [Random]::new(42)
        $probes = @(for ($i = 0; $i -lt 100000; $i++) { "key$($random.Next(200000))" })
        Set-AncientObject -Heap $h -Key table -InputObject $table
        $stored = Get-AncientObject -Heap $h -Key table -NoEnumerate
        $lookupStored = Get-BestSeconds { $x = $null; foreach ($k in $probes) { $x = $stored[$k] }; $x } $Repeat
        $lookupMemory = Get-BestSeconds { $x = $null; foreach ($k in $probes) { $x = $table[$k] }; $x } $Repeat
        Dismount-AncientHeap -Heap $h

        [pscustomobject]@{
            Set = $set; Bytes = $bytes; Json = $json; ScanStored = $scanStored; ScanMemory = $scanMemory
            LookupStored = $lookupStored; LookupMemory = $lookupMemory
        } | ConvertTo-Json -Compress
    }
    finally { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }
    return
}

$pwsh = Join-Path $PSHOME 'pwsh'
$results = @{}
foreach ($m in $ModulePath) { $results[$m] = [Collections.Generic.List[object]]::new() }
for ($round = 1; $round -le $Rounds; $round++) {
    foreach ($m in $ModulePath) {
        Write-Host "round $round, $m"
        $line = & $pwsh -NoProfile -File $PSCommandPath -Child -ModulePath $m -Count $Count -Repeat $Repeat | Select-Object -Last 1
        $results[$m].Add(($line | ConvertFrom-Json))
    }
}

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

foreach ($m in $ModulePath) {
    $r = $results[$m]
    $bytes = Get-Median ($r | ForEach-Object Bytes)
    $json = Get-Median ($r | ForEach-Object Json)
    [pscustomobject]@{
        Module         = $m
        FileBytes      = $bytes
        BytesPerRow    = [Math]::Round($bytes / $Count, 2)
        JsonBytes      = $json
        FileOverJson   = [Math]::Round($bytes / $json, 3)
        SetMs          = [Math]::Round((Get-Median ($r | ForEach-Object Set)) * 1000, 0)
        ScanStoredMs   = [Math]::Round((Get-Median ($r | ForEach-Object ScanStored)) * 1000, 1)
        ScanRatio      = [Math]::Round((Get-Median ($r | ForEach-Object { $_.ScanStored / $_.ScanMemory })), 2)
        LookupStoredMs = [Math]::Round((Get-Median ($r | ForEach-Object LookupStored)) * 1000, 1)
        LookupRatio    = [Math]::Round((Get-Median ($r | ForEach-Object { $_.LookupStored / $_.LookupMemory })), 2)
    }
}
