<#
.SYNOPSIS
Issue 14's table: Set-AncientObject against Export-Clixml and ConvertTo-Json + Set-Content on the same objects, in the
same run, for each source real input comes from (rows a script built, rows other cmdlets read or wrote, live objects).

.DESCRIPTION
Expects the module laid out (build.ps1 Build). For each source the objects are made once, untimed; then Set (a new heap
file mounted, the objects piped in; the dismount after it, which flushes the file, is left out), Export-Clixml and
ConvertTo-Json + Set-Content run on those same objects, in that order, each -Repeat times (Set after one untimed pass,
the other two after one only for the first source), and the best sample of each is kept. Set runs first, so 'fresh' rows are still untouched when Set reads them; the other
sides then read every row, as a script that writes Clixml and JSON as well would.

Two more rows put numbers on the limits:
  'fresh, public way'   Set with the note-property shortcut switched off (every row read through PSObject.Properties,
                        as on a PowerShell whose internals the shortcut does not know).
  'read properties'     for live objects, reading each object's PowerShell properties once and nothing else: a floor
                        under both Set and Export-Clixml, which both read them (script properties included).

Goals (issue 14): PSCustomObject rows >= 10x Export-Clixml and >= 3x ConvertTo-Json + Set-Content; live .NET objects at
the default depth >= 5x Export-Clixml. A MISS is a finding, not an error.

.EXAMPLE
dotnet pwsh ./tests/benchmarks/SourcesBench.ps1 -Count 20000 -Repeat 3
#>
[CmdletBinding()]
param(
    # PSCustomObject rows per source.
    [int] $Count = 50000,
    [ValidateRange(1, 50)]
    [int] $Repeat = 3,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../AncientPS.psd1'),
    # Also write the rows as JSON here, for build/Bench.ps1's report.
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$manifest = (Resolve-Path -LiteralPath $ModulePath).Path
Import-Module $manifest
$work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-sources-bench-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null
$heapPath = Join-Path $work 'set.heap'
$xmlPath = Join-Path $work 'objects.clixml'
$jsonPath = Join-Path $work 'objects.json'
$csvPath = Join-Path $work 'objects.csv'

# The switch the Pester tests use too: PropertyBagReader.UseInternalMembers (internal).
$reader = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.PropertyBagReader', $true)
$useInternal = $reader.GetProperty('UseInternalMembers', [Reflection.BindingFlags]'NonPublic,Static')

function New-Rows([int] $N) {
    , @(foreach ($i in 1..$N) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } })
}

function Get-SourceObjects([string] $Source) {
    switch ($Source) {
        'fresh' { return New-Rows $Count }
        'fresh, public way' { return New-Rows $Count }
        'after ConvertTo-Json' { $rows = New-Rows $Count; $null = $rows | ConvertTo-Json -Compress; return , $rows }
        'after Export-Clixml' { $rows = New-Rows $Count; $rows | Export-Clixml -LiteralPath $xmlPath; return , $rows }
        'Import-Clixml' { (New-Rows $Count) | Export-Clixml -LiteralPath $xmlPath; return , @(Import-Clixml -LiteralPath $xmlPath) }
        'Import-Csv' { (New-Rows $Count) | Export-Csv -LiteralPath $csvPath; return , @(Import-Csv -LiteralPath $csvPath) }
        'ConvertFrom-Json' { return , @((New-Rows $Count) | ConvertTo-Json -Compress | ConvertFrom-Json) }
        'Select-Object' { return , @((New-Rows $Count) | Select-Object Id, Name, Cpu, Up, Tags) }
        'Get-Process' { return , @(Get-Process) }
        'Get-ChildItem' { return , @(Get-ChildItem -Recurse -LiteralPath $PSHOME) }
        'Get-Command' { return , @(Get-Command) }
    }
    throw "No source '$Source'."
}

function Measure-Samples([int] $Times, [scriptblock] $Body, [scriptblock] $Setup, [int] $Warmup = 1) {
    $__samples = [Collections.Generic.List[double]]::new()
    for ($__i = 0; $__i -lt $Warmup + $Times; $__i++) {
        if ($Setup) { $null = & $Setup }
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        [GC]::Collect()
        $__clock = [Diagnostics.Stopwatch]::StartNew()
        $null = & $Body
        $__clock.Stop()
        if ($__i -ge $Warmup) { $__samples.Add($__clock.Elapsed.TotalSeconds) }
    }
    , $__samples.ToArray()
}

function Format-Seconds([double] $s) {
    if ($s -lt 1) { '{0:N0} ms' -f ($s * 1e3) } else { '{0:N2} s' -f $s }
}

$script:SetHeap = $null
$clearHeap = {
    if ($script:SetHeap) { Dismount-AncientHeap -Heap $script:SetHeap; $script:SetHeap = $null }
    if (Test-Path -LiteralPath $heapPath) { Remove-Item -LiteralPath $heapPath -Force }
}

$rows = [Collections.Generic.List[object]]::new()
try {
    $sources = 'fresh', 'after ConvertTo-Json', 'after Export-Clixml', 'Import-Clixml', 'Import-Csv', 'ConvertFrom-Json', 'Select-Object',
    'fresh, public way', 'Get-Process', 'Get-ChildItem', 'Get-Command'
    Write-Host "Set by source: $($Count.ToString('N0')) rows per PSCustomObject source, best of $Repeat"
    foreach ($source in $sources) {
        $objects = Get-SourceObjects $source
        $live = $source -like 'Get-*'
        $useInternal.SetValue($null, $source -ne 'fresh, public way')
        try {
            $set = Measure-Samples $Repeat -Setup $clearHeap -Body {
                $script:SetHeap = Mount-AncientHeap -LiteralPath $heapPath
                $objects | Set-AncientObject -Heap $script:SetHeap -Key objects -WarningAction SilentlyContinue
            }
        }
        finally { $useInternal.SetValue($null, $true) }
        & $clearHeap
        # Export-Clixml and JSON take seconds a sample: only their first run gets an untimed pass.
        $warm = [int]($source -eq $sources[0])
        $clixml = Measure-Samples $Repeat -Warmup $warm -Body { $objects | Export-Clixml -LiteralPath $xmlPath }
        $json = Measure-Samples $Repeat -Warmup $warm -Body { $objects | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue | Set-Content -LiteralPath $jsonPath }
        $read = if ($live) {
            Measure-Samples $Repeat -Body { foreach ($o in $objects) { foreach ($p in $o.psobject.Properties) { try { $null = $p.Value } catch { } } } }
        }
        $setBest = ($set | Measure-Object -Minimum).Minimum
        $clixmlBest = ($clixml | Measure-Object -Minimum).Minimum
        $jsonBest = ($json | Measure-Object -Minimum).Minimum
        $readBest = if ($read) { ($read | Measure-Object -Minimum).Minimum } else { $null }
        $vsClixml = $clixmlBest / $setBest
        $vsJson = $jsonBest / $setBest
        $goal = if ($live) { '>= 5x Export-Clixml' } elseif ($source -eq 'fresh, public way') { '(reference)' } else { '>= 10x Export-Clixml, >= 3x JSON' }
        $result = if ($live) { if ($vsClixml -ge 5) { 'PASS' } else { 'MISS' } }
        elseif ($source -eq 'fresh, public way') { '-' }
        elseif ($vsClixml -ge 10 -and $vsJson -ge 3) { 'PASS' } else { 'MISS' }
        $row = [pscustomobject]@{
            Source        = $source
            Objects       = $objects.Count
            Set           = $setBest
            ExportClixml  = $clixmlBest
            Json          = $jsonBest
            ReadOnly      = $readBest
            VsClixml      = [math]::Round($vsClixml, 2)
            VsJson        = [math]::Round($vsJson, 2)
            Goal          = $goal
            Result        = $result
            SetSamples    = $set
            ClixmlSamples = $clixml
            JsonSamples   = $json
        }
        $rows.Add($row)
        $floor = if ($null -ne $readBest) { '; reading the properties alone {0} (Export-Clixml / that = {1:N1}x)' -f (Format-Seconds $readBest), ($clixmlBest / $readBest) } else { '' }
        Write-Host ('  {0,-4} {1,-22} {2,7:N0} objects: Set {3}, Export-Clixml {4} ({5:N1}x), JSON {6} ({7:N1}x){8}' -f $result, $source, $objects.Count,
            (Format-Seconds $setBest), (Format-Seconds $clixmlBest), $vsClixml, (Format-Seconds $jsonBest), $vsJson, $floor)
        $objects = $null
    }
    if ($ResultPath) {
        $folder = Split-Path -Parent $ResultPath
        if ($folder) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
        [ordered]@{ Count = $Count; Repeat = $Repeat; Sources = $rows } | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $ResultPath -Encoding utf8
    }
}
finally {
    & $clearHeap
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
