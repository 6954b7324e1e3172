<#
.SYNOPSIS
The AncientPS demo: 100,000 records stored once in a heap file, read back lazily from a second pwsh process and from
four ForEach-Object -Parallel runspaces, timed next to Export-Clixml/Import-Clixml on the same data.
build.ps1 Demo runs it in a fresh pwsh after building.
#>
[CmdletBinding()]
param([int] $Count = 100000)

$ErrorActionPreference = 'Stop'
$manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
Import-Module $manifest

$work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-demo-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null
$heapPath = Join-Path $work 'demo.heap'
$xmlPath = Join-Path $work 'demo.clixml'

function Measure-Step([scriptblock] $Step) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $result = & $Step
    $clock.Stop()
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Result = $result }
}

# Bytes as a person reads them: 512 bytes, 79.3 KB, 35.8 MB.
function Format-Size([double] $Bytes) {
    if ($Bytes -ge 1MB) { '{0:N1} MB' -f ($Bytes / 1MB) }
    elseif ($Bytes -ge 1KB) { '{0:N1} KB' -f ($Bytes / 1KB) }
    else { '{0:N0} bytes' -f $Bytes }
}

function Get-ChildPwsh {
    $apphost = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if (Test-Path -LiteralPath $apphost) { return @{ FilePath = $apphost; Prefix = @() } }
    @{ FilePath = 'dotnet'; Prefix = @(Join-Path $PSHOME 'pwsh.dll') }
}

try {
    Write-Host "1. Building $($Count.ToString('N0')) records shaped [pscustomobject]@{ Id; Name; Cpu; Up; Tags }"
    $build = Measure-Step {
        , @(foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } })
    }
    $data = $build.Result
    Write-Host ("   built in {0:N2} s" -f $build.Seconds)

    Write-Host "2. Storing them under the key 'rows' in $heapPath"
    $heap = Mount-AncientHeap -Path $heapPath
    $store = Measure-Step { $data | Set-AncientObject -Heap $heap -Key rows }
    Write-Host ("   stored in {0:N2} s" -f $store.Seconds)
    Get-AncientObject -Heap $heap -ListAvailable |
        Format-Table Key, Type, @{ Label = 'Size'; Expression = { Format-Size $_.Size }; Align = 'Right' },
        @{ Label = 'Written'; Expression = { $_.Written.ToString('yyyy-MM-dd HH:mm:ss') + ' UTC' } } |
        Out-String | Write-Host
    $stats = $heap.GetStatistics()
    Write-Host ("   the heap file is {0}, of which {1} in use, for {2} key(s)" -f (Format-Size $stats.Size), (Format-Size $stats.Used), $stats.Count)

    Write-Host '3. Reading them back in this process: -NoEnumerate is O(1), then a full pass over every record'
    $open = Measure-Step { Get-AncientObject -Heap $heap -Key rows -NoEnumerate }
    $rows = $open.Result
    $scan = Measure-Step { ($rows | Where-Object Up | Measure-Object -Property Cpu -Sum).Sum }
    Write-Host ("   {0:N0} records, the last named $($rows[-1].Name); the records whose Up is True have a total Cpu of {1:N1}" -f $rows.Count, $scan.Result)

    Write-Host '4. Reading them from a second pwsh process'
    $pwsh = Get-ChildPwsh
    $childScript = "Import-Module '$manifest'; `$c = [Diagnostics.Stopwatch]::StartNew(); `$h = Mount-AncientHeap -LiteralPath '$heapPath' -ReadOnly; `$r = Get-AncientObject -Heap `$h -Key rows -NoEnumerate; `$s = (`$r | Where-Object Up | Measure-Object -Property Cpu -Sum).Sum; `$c.Stop(); '{0}|{1}|{2}|{3}' -f `$PID, `$r.Count, `$s, `$c.Elapsed.TotalSeconds"
    $child = Measure-Step { & $pwsh.FilePath @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-Command', $childScript)) }
    $childPid, $childCount, $childSum, $childSeconds = ($child.Result | Select-Object -Last 1) -split '\|'
    Write-Host ("   process {0} saw {1:N0} records, and the same total Cpu where Up is True, {2:N1}; its mount and scan took {3:N2} s ({4:N2} s with pwsh start-up)" -f $childPid, [int]$childCount, [double]$childSum, [double]$childSeconds, $child.Seconds)

    Write-Host '5. Reading them from four ForEach-Object -Parallel runspaces at once, each summing the Cpu of a quarter of all the records'
    $parallel = Measure-Step {
        1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:manifest
            $r = Get-AncientObject -Heap $using:heap -Key rows -NoEnumerate
            # Each runspace reads its own quarter.
            $quarter = $r.Count / 4
            $sum = 0.0
            for ($i = ($_ - 1) * $quarter; $i -lt $_ * $quarter; $i++) { $sum += $r[$i].Cpu }
            $sum
        }
    }
    # Every record this time, Up or not: a larger total than in steps 3 and 4.
    Write-Host ("   the four quarters add up to a total Cpu of {0:N1} over all the records, Up or not (the in-memory records give {1:N1})" -f ($parallel.Result | Measure-Object -Sum).Sum, ($data | Measure-Object -Property Cpu -Sum).Sum)

    Write-Host '6. The same data through Export-Clixml / Import-Clixml'
    $export = Measure-Step { $data | Export-Clixml -LiteralPath $xmlPath }
    $import = Measure-Step { Import-Clixml -LiteralPath $xmlPath }
    $importScan = Measure-Step { ($import.Result | Where-Object Up | Measure-Object -Property Cpu -Sum).Sum }

    $table = @(
        [pscustomobject]@{ Step = "write $($Count.ToString('N0')) records"; AncientPS = $store.Seconds; Clixml = $export.Seconds }
        [pscustomobject]@{ Step = 'open for reading'; AncientPS = $open.Seconds; Clixml = $import.Seconds }
        [pscustomobject]@{ Step = 'scan (Where-Object | Measure-Object)'; AncientPS = $scan.Seconds; Clixml = $importScan.Seconds }
        [pscustomobject]@{ Step = 'file size (MB)'; AncientPS = (Get-Item $heapPath).Length / 1MB; Clixml = (Get-Item $xmlPath).Length / 1MB }
    )
    Write-Host ''
    Write-Host 'Timings in seconds, file sizes in MB:'
    $table | Format-Table Step, @{ Label = 'AncientPS'; Expression = { '{0:N3}' -f $_.AncientPS }; Align = 'Right' }, @{ Label = 'Export/Import-Clixml'; Expression = { '{0:N3}' -f $_.Clixml }; Align = 'Right' } | Out-String | Write-Host
    Write-Host ("Also: a second process mounted and scanned the heap in {0:N2} s; four runspaces read it in parallel in {1:N2} s." -f [double]$childSeconds, $parallel.Seconds)

    Dismount-AncientHeap $heap
    Write-Host "Done: stored $($Count.ToString('N0')) records once, read them from this process, process $childPid and four runspaces, without deserialising them."
}
finally {
    Get-AncientHeap | Dismount-AncientHeap
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
