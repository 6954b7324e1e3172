<#
.SYNOPSIS
Issue 14's table: Set-AncientObject against Export-Clixml and ConvertTo-Json + Set-Content on the same objects, in the
same run, for each source real input comes from (rows a script built, rows other cmdlets read or wrote, live objects).

.DESCRIPTION
Expects the module laid out (build.ps1 Build). Each source is measured in -Repeat rounds after one untimed round. A
round makes the objects anew with the source's history (untimed), then times Set (a new heap file mounted, the objects
piped in; the dismount after it, which flushes the file, is left out), Export-Clixml and ConvertTo-Json + Set-Content of
those same objects, in that order. Set runs first, so 'fresh' rows are untouched when Set reads them. The times shown
are the best of the rounds; the ratios are the median of each round's paired ratio, since this machine's speed drifts
in phases (and other work on a shared machine slows whole rounds).

Live objects cache what they read (a Process its /proc data, a FileInfo its stat), so for a live source each side
gets objects of its own, made anew from the source (untimed): the side that ran second would otherwise read warm caches.

More rows put numbers on the limits:
  'fresh, public way'   Set with the note-property shortcut switched off (every row read through PSObject.Properties,
                        as on a PowerShell whose internals the shortcut does not know).
  'after Export-Clixml, every member looked at'  Set with PropertyBagReader's count of visible members switched off:
                        each row's five hidden reserved members (which Export-Clixml added) are looked at too, the cost
                        of that fallback.
  'Get-ChildItem, public way'  the same for live objects: every object read through PSObject.Properties instead of
                        its layout's plan (AdaptedObjectReader), the cost of that fallback.
  'Get-Content'         lines of a file of -Count lines as Get-Content gives them: strings with six notes each
                        (PSPath, PSParentPath, PSChildName, PSDrive, PSProvider, ReadCount), stored with them (format
                        1.5). 'numbers' is 1..-Count: values without notes, which pay only the question whether they
                        have any. Their ', public way' rows ask PSObject.Properties instead of PowerShell's internal
                        HasInstanceMembers (ValueNotes), the cost of that fallback. No goal: what the notes cost.
  'default columns'     fresh rows that each carry a PSStandardMembers set (a function's default columns and sort key),
                        which Set stores with the rows' shape (format 1.6); ', public way' finds the set through
                        PSObject.Members. The PSCustomObject goals apply.
  'read properties'     for live objects, reading each object's PowerShell properties once and nothing else: a floor
                        under both Set and Export-Clixml, which both read them (script properties included).
  'getters'             for live objects, the time Set spent inside the objects' own code at every level it stored
                        (property getters and ToString, measured by the module's GetterClock during the timed Set).
                        Export-Clixml runs the same getters as often, so Export-Clixml divided by this is the ceiling:
                        no writer that stores what Export-Clixml stores can beat it by more.

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
    [string] $ResultPath,
    # Only these sources (names as in the table, wildcards allowed); all by default.
    [string[]] $Only = '*'
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
$reader = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.PropertyBagReader', $true)
$useInternal = $reader.GetProperty('UseInternalMembers', [Reflection.BindingFlags]'NonPublic,Static')
# And PropertyBagReader.UseVisibleCount: off, the shortcut looks at the hidden reserved members of rows read before too.
$useVisibleCount = $reader.GetProperty('UseVisibleCount', [Reflection.BindingFlags]'NonPublic,Static')
# And ValueNotes.UseInternalMembers: off, whether a wrapped value has notes is asked through PSObject.Properties.
$notes = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.ValueNotes', $true)
$useInternalNotes = $notes.GetProperty('UseInternalMembers', [Reflection.BindingFlags]'NonPublic,Static')
$linesPath = Join-Path $work 'lines.txt'

# GetterClock (internal): the time Set spends in the objects' own getters and ToString, for the live rows' 'getters' column.
$clock = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.GetterClock', $true)
$clockEnabled = $clock.GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')
$clockElapsed = $clock.GetProperty('Elapsed', [Reflection.BindingFlags]'NonPublic,Static')
$clockReset = $clock.GetMethod('Reset', [Reflection.BindingFlags]'NonPublic,Static')

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

function Get-SourceObjects([string] $Source) {
    switch ($Source) {
        'fresh' { return New-Rows $Count }
        'fresh, public way' { return New-Rows $Count }
        'after ConvertTo-Json' { $rows = New-Rows $Count; $null = $rows | ConvertTo-Json -Compress; return , $rows }
        'after Export-Clixml' { $rows = New-Rows $Count; $rows | Export-Clixml -LiteralPath $xmlPath; return , $rows }
        'after Export-Clixml, every member looked at' { $rows = New-Rows $Count; $rows | Export-Clixml -LiteralPath $xmlPath; return , $rows }
        'Import-Clixml' { (New-Rows $Count) | Export-Clixml -LiteralPath $xmlPath; return , @(Import-Clixml -LiteralPath $xmlPath) }
        'Import-Csv' { (New-Rows $Count) | Export-Csv -LiteralPath $csvPath; return , @(Import-Csv -LiteralPath $csvPath) }
        'ConvertFrom-Json' { return , @((New-Rows $Count) | ConvertTo-Json -Compress | ConvertFrom-Json) }
        'Select-Object' { return , @((New-Rows $Count) | Select-Object Id, Name, Cpu, Up, Tags) }
        'Get-Process' { return , @(Get-Process) }
        'Get-ChildItem' { return , @(Get-ChildItem -Recurse -LiteralPath $PSHOME) }
        'Get-ChildItem, public way' { return , @(Get-ChildItem -Recurse -LiteralPath $PSHOME) }
        'Get-Command' { return , @(Get-Command) }
        { $_ -like 'Get-Content*' } {
            if (-not (Test-Path -LiteralPath $linesPath)) { 1..$Count | ForEach-Object { "line $_ of a log, with some text" } | Set-Content -LiteralPath $linesPath }
            return , @(Get-Content -LiteralPath $linesPath)
        }
        { $_ -like 'numbers*' } { return , @(1..$Count) }
        { $_ -like 'default columns*' } {
            # A function's rows with their default columns and sort key (PSStandardMembers, stored with the shape: format 1.6).
            $standard = [System.Management.Automation.PSMemberInfo[]]@(
                [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('Id', 'Name')),
                [System.Management.Automation.PSPropertySet]::new('DefaultKeyPropertySet', [string[]]('Id')))
            $rows = New-Rows $Count
            foreach ($row in $rows) { $row.PSObject.Members.Add([System.Management.Automation.PSMemberSet]::new('PSStandardMembers', $standard)) }
            return , $rows
        }
    }
    throw "No source '$Source'."
}

# One timed run of $Body after $Setup (untimed) and a full collection; seconds.
function Measure-Once([scriptblock] $Body, [scriptblock] $Setup) {
    if ($Setup) { $null = & $Setup }
    [GC]::Collect()
    [GC]::WaitForPendingFinalizers()
    [GC]::Collect()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = & $Body
    $clock.Stop()
    $clock.Elapsed.TotalSeconds
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
    'fresh, public way', 'after Export-Clixml, every member looked at', 'Get-Process', 'Get-ChildItem', 'Get-ChildItem, public way', 'Get-Command',
    'Get-Content', 'Get-Content, public way', 'numbers', 'numbers, public way', 'default columns', 'default columns, public way'
    $sources = @($sources | Where-Object { $name = $_; @($Only | Where-Object { $name -like $_ }).Count -gt 0 })
    Write-Host "Set by source: $($Count.ToString('N0')) rows per PSCustomObject source, best of $Repeat"
    foreach ($source in $sources) {
        $live = $source -like 'Get-*' -and $source -notlike 'Get-Content*'
        $noGoal = $source -like 'Get-Content*' -or $source -like 'numbers*'
        $set = [Collections.Generic.List[double]]::new()
        $clixml = [Collections.Generic.List[double]]::new()
        $json = [Collections.Generic.List[double]]::new()
        $read = [Collections.Generic.List[double]]::new()
        $getters = [Collections.Generic.List[double]]::new()
        # Rounds, each on objects made anew with the source's history (untimed): Set, then Export-Clixml and JSON of the
        # same objects. The machine's speed drifts in phases, so each round's ratios are paired and their median kept.
        # The first round is an untimed pass (code .NET has not yet recompiled optimised).
        for ($round = 0; $round -le $Repeat; $round++) {
            $objects = Get-SourceObjects $source
            $useInternal.SetValue($null, $source -notlike '*public way')
            $useInternalNotes.SetValue($null, $source -notlike '*public way')
            $useVisibleCount.SetValue($null, $source -notlike '*every member looked at')
            $null = $clockReset.Invoke($null, @())
            $clockEnabled.SetValue($null, $live)
            try {
                $setSample = Measure-Once -Setup $clearHeap -Body {
                    $script:SetHeap = Mount-AncientHeap -LiteralPath $heapPath
                    $objects | Set-AncientObject -Heap $script:SetHeap -Key objects -WarningAction SilentlyContinue
                }
            }
            finally { $useInternal.SetValue($null, $true); $useInternalNotes.SetValue($null, $true); $useVisibleCount.SetValue($null, $true); $clockEnabled.SetValue($null, $false) }
            $gettersSample = $clockElapsed.GetValue($null).TotalSeconds
            & $clearHeap
            if ($live) { $objects = Get-SourceObjects $source }
            $clixmlSample = Measure-Once -Body { $objects | Export-Clixml -LiteralPath $xmlPath }
            if ($live) { $objects = Get-SourceObjects $source }
            $jsonSample = Measure-Once -Body { $objects | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue | Set-Content -LiteralPath $jsonPath }
            if ($live) { $objects = Get-SourceObjects $source }
            $readSample = if ($live) { Measure-Once -Body { foreach ($o in $objects) { foreach ($p in $o.psobject.Properties) { try { $null = $p.Value } catch { } } } } }
            if ($round -eq 0) { continue }
            $set.Add($setSample); $clixml.Add($clixmlSample); $json.Add($jsonSample)
            if ($live) { $read.Add($readSample); $getters.Add($gettersSample) }
            $objectCount = $objects.Count # not $count: PowerShell names are case-insensitive, and $Count is the rows per source
            $objects = $null
        }
        $setBest = ($set | Measure-Object -Minimum).Minimum
        $clixmlBest = ($clixml | Measure-Object -Minimum).Minimum
        $jsonBest = ($json | Measure-Object -Minimum).Minimum
        $readBest = if ($live) { ($read | Measure-Object -Minimum).Minimum } else { $null }
        $vsClixml = Get-Median @(for ($i = 0; $i -lt $set.Count; $i++) { $clixml[$i] / $set[$i] })
        $vsJson = Get-Median @(for ($i = 0; $i -lt $set.Count; $i++) { $json[$i] / $set[$i] })
        # The ceiling: Export-Clixml runs the same getters as often, so no writer that stores what it stores beats it by more.
        $gettersMedian = if ($live) { Get-Median $getters.ToArray() } else { $null }
        $ceiling = if ($live) { Get-Median @(for ($i = 0; $i -lt $set.Count; $i++) { if ($getters[$i] -gt 0) { $clixml[$i] / $getters[$i] } }) } else { $null }
        $reference = $source -like '*public way' -or $source -like '*every member looked at'
        $goal = if ($reference) { '(reference)' } elseif ($noGoal) { '(no goal)' } elseif ($live) { '>= 5x Export-Clixml' } else { '>= 10x Export-Clixml, >= 3x JSON' }
        $result = if ($reference -or $noGoal) { '-' }
        elseif ($live) { if ($vsClixml -ge 5) { 'PASS' } else { 'MISS' } }
        elseif ($vsClixml -ge 10 -and $vsJson -ge 3) { 'PASS' } else { 'MISS' }
        $row = [pscustomobject]@{
            Source        = $source
            Objects       = $objectCount
            Set           = $setBest
            ExportClixml  = $clixmlBest
            Json          = $jsonBest
            ReadOnly      = $readBest
            Getters       = $gettersMedian
            GetterShare   = if ($live) { [math]::Round((Get-Median @(for ($i = 0; $i -lt $set.Count; $i++) { $getters[$i] / $set[$i] })), 3) } else { $null }
            Ceiling       = if ($null -ne $ceiling) { [math]::Round($ceiling, 2) } else { $null }
            VsClixml      = [math]::Round($vsClixml, 2)
            VsJson        = [math]::Round($vsJson, 2)
            BestVsClixml  = [math]::Round($clixmlBest / $setBest, 2)
            BestVsJson    = [math]::Round($jsonBest / $setBest, 2)
            Goal          = $goal
            Result        = $result
            SetSamples    = $set.ToArray()
            ClixmlSamples = $clixml.ToArray()
            JsonSamples   = $json.ToArray()
        }
        $rows.Add($row)
        $floor = if ($null -ne $readBest) { '; reading the properties alone {0} (Export-Clixml / that = {1:N1}x)' -f (Format-Seconds $readBest), ($clixmlBest / $readBest) } else { '' }
        if ($live) { $floor += '; the getters and ToString within Set {0} ({1:P0} of Set; Export-Clixml / that = {2:N1}x, the ceiling)' -f (Format-Seconds $gettersMedian), $row.GetterShare, $ceiling }
        Write-Host ('  {0,-4} {1,-22} {2,7:N0} objects: Set {3}, Export-Clixml {4} ({5:N1}x), JSON {6} ({7:N1}x){8}' -f $result, $source, $objectCount,
            (Format-Seconds $setBest), (Format-Seconds $clixmlBest), $vsClixml, (Format-Seconds $jsonBest), $vsJson, $floor)
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
