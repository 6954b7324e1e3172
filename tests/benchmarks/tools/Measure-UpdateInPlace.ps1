<#
.SYNOPSIS
Issue 18's update in place, step by step: what one Set-AncientObject -Index / -Entry costs at 100,000 rows and a
200,000-entry map, through the engine and through the cmdlets, beside Set of the whole list in the same run.

.DESCRIPTION
Not part of build.ps1 Bench (PeersBench.ps1 has the row against SQLite, LiteDB and LMDB); run it by hand after a Build:
  dotnet pwsh ./tests/benchmarks/tools/Measure-UpdateInPlace.ps1
Medians of -Samples updates after -Warm warm ones. The first update of a list Set wrote also cuts its extent list into
64 KiB extents and checksums them (once); it is shown on its own.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../../AncientPS.psd1'),
    [int] $Count = 100000,
    [int] $MapCount = 200000,
    [int] $Samples = 200,
    [int] $Warm = 20
)
$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path -LiteralPath $ModulePath).Path
$folder = Join-Path ([IO.Path]::GetTempPath()) "ancientps-update-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $folder | Out-Null
function Get-Median([double[]] $v) { $s = [double[]]($v | Sort-Object); if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
function New-Row([int] $i, [double] $cpu) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $cpu; Up = $true; Tags = @('a', 'b') } }
try {
    $rows = foreach ($i in 1..$Count) { New-Row $i ($i * 0.5) }
    $heap = Mount-AncientHeap -Path (Join-Path $folder 'u.heap')
    $whole = (Measure-Command { Set-AncientObject -Heap $heap -Key rows -InputObject $rows }).TotalMilliseconds
    $first = (Measure-Command { Set-AncientObject -Heap $heap -Key rows -Index 1 -InputObject (New-Row 2 0.25) }).TotalMilliseconds
    $random = [Random]::new(18)
    # The engine's own handle on the same file (one mapping per process is shared).
    $engine = [AncientPS.Engine.MappedHeap]::Open((Join-Path $folder 'u.heap'))
    $sw = [Diagnostics.Stopwatch]::new()
    $engineTimes = foreach ($k in 1..($Samples + $Warm)) {
        $row = New-Row $k 1.5
        $index = $random.Next($Count)
        $sw.Restart(); $null = $engine.SetElement('rows', $index, $row); $sw.Stop()
        if ($k -gt $Warm) { $sw.Elapsed.TotalMilliseconds }
    }
    $cmdletTimes = foreach ($k in 1..($Samples + $Warm)) {
        $row = New-Row $k 2.5
        $index = $random.Next($Count)
        $t = (Measure-Command { Set-AncientObject -Heap $heap -Key rows -Index $index -InputObject $row }).TotalMilliseconds
        if ($k -gt $Warm) { $t }
    }
    $readModifyTimes = foreach ($k in 1..($Samples + $Warm)) {
        $index = $random.Next($Count)
        $t = (Measure-Command {
                $old = (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[$index]
                $row = [pscustomobject]@{ Id = $old.Id; Name = $old.Name; Cpu = 3.5; Up = $old.Up; Tags = $old.Tags }
                Set-AncientObject -Heap $heap -Key rows -Index $index -InputObject $row
            }).TotalMilliseconds
        if ($k -gt $Warm) { $t }
    }
    $map = @{}; for ($i = 0; $i -lt $MapCount; $i++) { $map["key$i"] = $i }
    Set-AncientObject -Heap $heap -Key map -InputObject $map
    $null = $engine.SetEntry('map', 'key0', -1)
    $entryTimes = foreach ($k in 1..($Samples + $Warm)) {
        $key = "key$($random.Next($MapCount))"
        $t = (Measure-Command { Set-AncientObject -Heap $heap -Key map -Entry $key -InputObject $k }).TotalMilliseconds
        if ($k -gt $Warm) { $t }
    }
    $problems = @(Test-AncientHeap -LiteralPath (Join-Path $folder 'u.heap'))
    [pscustomobject]@{
        Rows                             = $Count
        'Set whole list (ms)'            = [Math]::Round($whole, 1)
        'first -Index update (ms)'       = [Math]::Round($first, 2)
        'engine SetElement median (ms)'  = [Math]::Round((Get-Median $engineTimes), 3)
        'Set -Index median (ms)'         = [Math]::Round((Get-Median $cmdletTimes), 3)
        'Get + copy + Set -Index (ms)'   = [Math]::Round((Get-Median $readModifyTimes), 3)
        "Set -Entry, $MapCount map (ms)" = [Math]::Round((Get-Median $entryTimes), 3)
        'file (MB)'                      = [Math]::Round($heap.Size / 1MB, 1)
        'verifier problems'              = $problems.Count
    } | Format-List
    $engine.Dispose()
    Dismount-AncientHeap -Heap $heap
}
finally {
    Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction Ignore
}
