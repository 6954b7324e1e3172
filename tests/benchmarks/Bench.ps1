<#
.SYNOPSIS
The PowerShell harness of issue 6: every goal measured against its alternative in the same run, then the scaling runs.

.DESCRIPTION
Each measure and its alternative run in this one process, one after the other, each repeated; the table uses the best
(fastest) sample of each side, since the only disturbance on a shared machine is other work slowing a sample down. The
results file keeps every sample and the medians as well.

The data is issue 6's: [pscustomobject]@{ Id; Name; Cpu; Up; Tags = @('a','b') }.

Prints a table of ratios with the goal beside each and PASS or MISS, then the scaling table (Set, mount+get, scan at
1k, 10k, 100k and, without -Quick, 1M records), and writes everything to a JSON file (-OutputPath).

No assertion fails the run: a MISS is a finding, not an error. Benchmarks are not tests.

.EXAMPLE
pwsh -NoProfile -File tests/benchmarks/Bench.ps1 -Quick
#>
[CmdletBinding()]
param(
    # The module manifest to measure; by default the repository's, as build.ps1 Build lays it out.
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../AncientPS.psd1'),

    # Where the machine-readable results go.
    [string] $OutputPath = (Join-Path $PSScriptRoot '../../out/bench/bench-results.json'),

    # The records of the goal table (issue 6 says 100,000).
    [int] $Count = 100000,

    # Samples of each slow measure (seconds each); fast ones take 5 times as many.
    [ValidateRange(1, 50)]
    [int] $Repeat = 3,

    # Skip the 1,000,000-record runs: the flat-cost row is then measured at 100,000 records, and the scaling stops there.
    [switch] $Quick,

    # Skip the scaling runs altogether.
    [switch] $NoScaling
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Resolve-Path -LiteralPath $ModulePath).Path -Force
$manifest = (Resolve-Path -LiteralPath $ModulePath).Path

$work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-bench-$PID"
New-Item -ItemType Directory -Path $work -Force | Out-Null

# ------------------------------------------------------------------ measuring

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

# Runs $Setup (untimed) then $Body (timed) $Times times; returns the samples in seconds.
# -DotSource runs the body in the caller's variable scope, unoptimised, as code typed at the prompt runs.
function Measure-Samples([int] $Times, [scriptblock] $Body, [scriptblock] $Setup, [int] $Warmup = 0, [switch] $DotSource) {
    # The scriptblocks see this function's variables (dynamic scope): keep their names out of the way.
    $__samples = [Collections.Generic.List[double]]::new()
    # Untimed passes first, for code that PowerShell compiles only after a loop has run a while.
    for ($__i = 0; $__i -lt $Warmup; $__i++) { if ($Setup) { $null = & $Setup }; if ($DotSource) { $null = . $Body } else { $null = & $Body } }
    for ($__i = 0; $__i -lt $Times; $__i++) {
        if ($Setup) { $null = & $Setup }
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        [GC]::Collect()
        $__clock = [Diagnostics.Stopwatch]::StartNew()
        if ($DotSource) { $null = . $Body } else { $null = & $Body }
        $__clock.Stop()
        $__samples.Add($__clock.Elapsed.TotalSeconds)
    }
    , $__samples.ToArray()
}

function Get-Best([double[]] $Values) { ($Values | Measure-Object -Minimum).Minimum }

$script:GoalRows = [Collections.Generic.List[object]]::new()

# One row of the goal table. Kind 'max': ratio = measure / alternative must be <= goal. 'min': ratio = alternative / measure
# (a speed-up) must be >= goal. 'abs': the measure itself must be <= goal (in Unit). 'speedup': ratio = measure / alternative >= goal.
function Add-GoalRow {
    param(
        [string] $Measure, [string] $Against, [string] $Kind, [double] $Goal, [string] $GoalText,
        [double[]] $Samples, [double[]] $AlternativeSamples, [string] $Unit = 's', [string] $Note = ''
    )
    $best = Get-Best $Samples
    $altBest = if ($AlternativeSamples) { Get-Best $AlternativeSamples } else { $null }
    switch ($Kind) {
        'min' { $ratio = $altBest / $best; $pass = $ratio -ge $Goal; $ratioText = '{0:N1}x faster' -f $ratio }
        'max' { $ratio = $best / $altBest; $pass = $ratio -le $Goal; $ratioText = '{0:N2}x' -f $ratio }
        'size' { $ratio = $best / $altBest; $pass = $ratio -le $Goal; $ratioText = '{0:N2}x the size' -f $ratio }
        'speedup' { $ratio = $best; $pass = $ratio -ge $Goal; $ratioText = '{0:N2}x' -f $ratio }
        'abs' { $ratio = $best; $pass = $ratio -le $Goal; $ratioText = '{0:N3} {1}' -f $ratio, $Unit }
        # A measure without a goal (what a fallback costs): ratio = measure / alternative.
        'info' { $ratio = $best / $altBest; $pass = $null; $ratioText = '{0:N2}x' -f $ratio }
    }
    $row = [pscustomobject]@{
        Measure            = $Measure
        Against            = $Against
        Goal               = $GoalText
        Kind               = $Kind
        GoalValue          = $Goal
        Ratio              = [math]::Round($ratio, 4)
        RatioText          = $ratioText
        Result             = if ($Kind -eq 'info') { '-' } elseif ($pass) { 'PASS' } else { 'MISS' }
        Unit               = $Unit
        Best               = $best
        Median             = Get-Median $Samples
        AlternativeBest    = $altBest
        AlternativeMedian  = if ($AlternativeSamples) { Get-Median $AlternativeSamples } else { $null }
        Samples            = $Samples
        AlternativeSamples = $AlternativeSamples
        Note               = $Note
    }
    $script:GoalRows.Add($row)
    Write-Host ('  {0,-4} {1} vs {2}: {3} (goal {4}) {5}' -f $row.Result, $Measure, $Against, $ratioText, $GoalText, $Note)
}

function Format-Seconds([double] $s) {
    if ($s -lt 0.001) { '{0:N1} us' -f ($s * 1e6) } elseif ($s -lt 1) { '{0:N1} ms' -f ($s * 1e3) } else { '{0:N2} s' -f $s }
}

# What a first pass over a freshly read list allocates: bytes per record and collections (untimed, one pass).
function Measure-FirstScanCost($Heap) {
    $fresh = Get-AncientObject -Heap $Heap -Key rows -NoEnumerate
    [GC]::Collect()
    $bytes = [GC]::GetAllocatedBytesForCurrentThread(); $gen0 = [GC]::CollectionCount(0)
    $s = 0; foreach ($o in $fresh) { $s += $o.Cpu }
    $bytes = [GC]::GetAllocatedBytesForCurrentThread() - $bytes; $gen0 = [GC]::CollectionCount(0) - $gen0
    '{0:N0} B and {1:N2} first-generation collections per 1,000 records' -f ($bytes / $fresh.Count), (1000 * $gen0 / $fresh.Count)
}

# Writes the rows to a heap file of their own (fresh) and dismounts it; returns the path.
function New-RowsHeap([object[]] $Data, [string] $Name) {
    $path = Join-Path $work "$Name.heap"
    if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Force }
    $heap = Mount-AncientHeap -LiteralPath $path
    Set-AncientObject -Heap $heap -Key rows -InputObject $Data
    Dismount-AncientHeap -Heap $heap
    $path
}

# Mount, get the list without enumerating it, read the last record's Name: what a user does to look at one record.
function Measure-MountRead([string] $Path, [int] $Times) {
    $last = $null
    $samples = Measure-Samples $Times -Setup { if ($script:mounted) { Dismount-AncientHeap -Heap $script:mounted; $script:mounted = $null } } -Body {
        $script:mounted = Mount-AncientHeap -LiteralPath $Path -ReadOnly
        $rows = Get-AncientObject -Heap $script:mounted -Key rows -NoEnumerate
        $last = $rows[$rows.Count - 1].Name
    }
    if ($script:mounted) { Dismount-AncientHeap -Heap $script:mounted; $script:mounted = $null }
    , $samples
}
$script:mounted = $null

try {
    $psv = $PSVersionTable.PSVersion.ToString()
    $cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', '') } else { $env:PROCESSOR_IDENTIFIER }
    $memGiB = if (Test-Path /proc/meminfo) { [math]::Round(([double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '')) / 1MB, 1) } else { $null }
    $machine = [ordered]@{
        Processors = [Environment]::ProcessorCount
        Cpu        = $cpu
        MemoryGiB  = $memGiB
        OS         = [Runtime.InteropServices.RuntimeInformation]::OSDescription
        Dotnet     = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        PowerShell = $psv
        Module     = (Get-Module AncientPS).Version.ToString()
        Date       = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm') + ' UTC'
    }
    Write-Host "AncientPS bench: $($machine.Processors) cores, $cpu, PowerShell $psv, $($machine.Dotnet); $Count records, best of $Repeat"
    $fast = 5 * $Repeat

    $data = New-Rows $Count
    $last = $Count - 1
    $heapPath = Join-Path $work 'rows.heap'
    $xmlPath = Join-Path $work 'rows.clixml'
    $jsonPath = Join-Path $work 'rows.json'

    # ---------------------------------------------------------------- writing
    Write-Host "Writing $($Count.ToString('N0')) records"
    # Each sample mounts a new, empty heap file and pipes the records into it, as Export-Clixml writes a new file. The
    # dismount after it is timed apart (in the setup of the next sample): it flushes the file to disk (fsync), which
    # Export-Clixml and Set-Content never do, and a heap usually stays mounted. Two untimed passes of each side first:
    # the first calls of a command run code .NET has not yet recompiled optimised.
    $dismounts = [Collections.Generic.List[double]]::new()
    $script:SetHeap = $null
    $dismountSetHeap = {
        if ($script:SetHeap) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Dismount-AncientHeap -Heap $script:SetHeap
            $dismounts.Add($clock.Elapsed.TotalSeconds)
            $script:SetHeap = $null
        }
    }
    $set = Measure-Samples $Repeat -Warmup 2 -Setup {
        & $dismountSetHeap
        if (Test-Path -LiteralPath $heapPath) { Remove-Item -LiteralPath $heapPath -Force }
    } -Body {
        $script:SetHeap = Mount-AncientHeap -LiteralPath $heapPath
        $data | Set-AncientObject -Heap $script:SetHeap -Key rows
    }
    & $dismountSetHeap
    $clixml = Measure-Samples $Repeat -Warmup 2 -Body { $data | Export-Clixml -LiteralPath $xmlPath }
    $json = Measure-Samples $Repeat -Warmup 2 -Body { $data | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $jsonPath }
    $setNote = 'mount of a new file + piped Set; the dismount after it (fsync) is timed apart: best {0:N0} ms' -f (1000 * (Get-Best $dismounts.ToArray()))
    Add-GoalRow -Measure 'Set-AncientObject (piped)' -Against 'Export-Clixml' -Kind min -Goal 10 -GoalText '>= 10x faster' -Samples $set -AlternativeSamples $clixml -Note $setNote
    Add-GoalRow -Measure 'Set-AncientObject (piped)' -Against 'ConvertTo-Json + Set-Content' -Kind min -Goal 3 -GoalText '>= 3x faster' -Samples $set -AlternativeSamples $json -Note $setNote

    $heapBytes = (Get-Item -LiteralPath $heapPath).Length
    $xmlBytes = (Get-Item -LiteralPath $xmlPath).Length
    Add-GoalRow -Measure 'Heap file size' -Against 'Clixml file' -Kind size -Goal 0.35 -GoalText '<= 0.35x' -Samples @($heapBytes) -AlternativeSamples @($xmlBytes) -Unit 'bytes' `
        -Note ('{0:N1} MB vs {1:N1} MB' -f ($heapBytes / 1MB), ($xmlBytes / 1MB))

    # ---------------------------------------------------------------- opening
    Write-Host 'Opening and reading one record'
    $mountRead = Measure-MountRead $heapPath $fast
    $import = Measure-Samples $Repeat -Body { $x = Import-Clixml -LiteralPath $xmlPath; $x[$last].Name }
    Add-GoalRow -Measure 'Mount + Get -NoEnumerate + $rows[-1].Name' -Against 'Import-Clixml + the same read' -Kind min -Goal 50 -GoalText '>= 50x faster' -Samples $mountRead -AlternativeSamples $import

    # The flat-cost row: the same mount-and-read at 1,000 records and at 1,000,000 (100,000 with -Quick).
    $bigCount = if ($Quick) { $Count } else { 1000000 }
    $smallPath = New-RowsHeap (New-Rows 1000) 'small'
    $bigPath = if ($bigCount -eq $Count) { $heapPath } else { $bigData = New-Rows $bigCount; $p = New-RowsHeap $bigData 'big'; $bigData = $null; $p }
    $small = Measure-MountRead $smallPath $fast
    $big = Measure-MountRead $bigPath $fast
    Add-GoalRow -Measure "Mount-and-read at $($bigCount.ToString('N0')) records" -Against 'the same at 1,000' -Kind max -Goal 1.5 -GoalText '<= 1.5x' -Samples $big -AlternativeSamples $small `
        -Note $(if ($Quick) { '-Quick: measured at 100,000, not 1,000,000' } else { '' })

    # Managed heap growth: what stays allocated after mount + get + one read, against Import-Clixml's.
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $before = [GC]::GetTotalMemory($true)
    $h = Mount-AncientHeap -LiteralPath $heapPath -ReadOnly
    $rows = Get-AncientObject -Heap $h -Key rows -NoEnumerate
    $null = $rows[$last].Name
    $growth = [GC]::GetTotalMemory($true) - $before
    [GC]::KeepAlive($rows)
    $rows = $null
    Dismount-AncientHeap -Heap $h
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $before = [GC]::GetTotalMemory($true)
    $imported = Import-Clixml -LiteralPath $xmlPath
    $null = $imported[$last].Name
    $importGrowth = [GC]::GetTotalMemory($true) - $before
    [GC]::KeepAlive($imported)
    $imported = $null
    Add-GoalRow -Measure 'Managed heap growth, mount + get + one read' -Against "Import-Clixml's growth" -Kind abs -Goal 1MB -GoalText '<= 1 MB' -Samples @($growth) -AlternativeSamples @($importGrowth) -Unit 'bytes' `
        -Note ('{0:N0} KB vs {1:N1} MB' -f ($growth / 1KB), ($importGrowth / 1MB))
    $script:GoalRows[-1].RatioText = '{0:N0} KB' -f ($growth / 1KB)

    # ---------------------------------------------------------------- scanning
    Write-Host 'Scanning'
    $h = Mount-AncientHeap -LiteralPath $heapPath -ReadOnly
    $rows = Get-AncientObject -Heap $h -Key rows -NoEnumerate
    # Two warm-up passes: a list's first pass holds no record, its second holds the records it meets (docs/architecture.md).
    $scanStored = Measure-Samples $Repeat -Warmup 2 -Body { $s = 0; foreach ($o in $rows) { $s += $o.Cpu }; $s }
    $scanMemory = Measure-Samples $Repeat -Warmup 1 -Body { $s = 0; foreach ($o in $data) { $s += $o.Cpu }; $s }
    Add-GoalRow -Measure 'foreach ($o in $rows) { $s += $o.Cpu } in a script block' -Against 'the same over in-memory objects' -Kind max -Goal 1.25 -GoalText '<= 1.25x' -Samples $scanStored -AlternativeSamples $scanMemory `
        -Note 'compiled: PowerShell optimises the loop variables of a script block or function'
    # The same loop as typed at the prompt (issue 6's baseline of ~0.29 s for the in-memory loop is of this kind).
    $scanStoredTop = Measure-Samples $Repeat -Warmup 1 -DotSource -Body { $s = 0; foreach ($o in $rows) { $s += $o.Cpu }; $s }
    $scanMemoryTop = Measure-Samples $Repeat -Warmup 1 -DotSource -Body { $s = 0; foreach ($o in $data) { $s += $o.Cpu }; $s }
    Add-GoalRow -Measure 'foreach ($o in $rows) { $s += $o.Cpu } at the prompt' -Against 'the same over in-memory objects' -Kind max -Goal 1.25 -GoalText '<= 1.25x' -Samples $scanStoredTop -AlternativeSamples $scanMemoryTop `
        -Note 'dot-sourced: unoptimised variables, as at the prompt'
    # The rows above are read once and reused (from its second pass on, a list view holds the records it projected);
    # these are the first pass over a freshly read list, which makes one PSCustomObject per row and holds none: the
    # cost of fidelity (docs/performance.md).
    $scanFirst = Measure-Samples $Repeat -Warmup 1 -Setup { $script:fresh = Get-AncientObject -Heap $h -Key rows -NoEnumerate } -Body { $s = 0; foreach ($o in $script:fresh) { $s += $o.Cpu }; $s }
    Add-GoalRow -Measure 'first foreach over a freshly read list' -Against 'the same over in-memory objects' -Kind max -Goal 1.25 -GoalText '<= 1.25x' -Samples $scanFirst -AlternativeSamples $scanMemory `
        -Note ('one PSCustomObject made per row on the first pass: {0}' -f (Measure-FirstScanCost $h))
    # The records' own member table and shared type names (src/AncientPS/Projection/MemberTable.cs) are internal
    # members of PowerShell, guarded; where they are missing, or switched off here, records are made the public way.
    $memberTable = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.MemberTable', $false)
    if ($memberTable) {
        $memberTableSwitch = $memberTable.GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')
        $memberTableSwitch.SetValue($null, $false)
        try {
            $scanPublic = Measure-Samples $Repeat -Warmup 1 -Setup { $script:fresh = Get-AncientObject -Heap $h -Key rows -NoEnumerate } -Body { $s = 0; foreach ($o in $script:fresh) { $s += $o.Cpu }; $s }
            $publicCost = Measure-FirstScanCost $h
        }
        finally { $memberTableSwitch.SetValue($null, $true) }
        Add-GoalRow -Measure 'first foreach over a freshly read list, records made the public way' -Against 'the same with their own member table (the default)' -Kind info -GoalText '-' -Samples $scanPublic -AlternativeSamples $scanFirst `
            -Note ('the fallback where PowerShell lacks the internal members: {0}' -f $publicCost)
    }
    $jsonRows = 50000
    $jsonStored = Measure-Samples $Repeat -Warmup 1 -Setup { $script:fresh = Get-AncientObject -Heap $h -Key rows -NoEnumerate } -Body { $script:fresh[0..($jsonRows - 1)] | ConvertTo-Json -Compress }
    $jsonMemory = Measure-Samples $Repeat -Warmup 1 -Body { $data[0..($jsonRows - 1)] | ConvertTo-Json -Compress }
    Add-GoalRow -Measure "ConvertTo-Json of $jsonRows freshly read rows" -Against 'the same over in-memory objects' -Kind max -Goal 1.5 -GoalText '<= 1.5x' -Samples $jsonStored -AlternativeSamples $jsonMemory
    # What the row above holds against: PowerShell pays on the first conversion of any new PSObject (its reserved member
    # sets, lock inflation), which in-memory rows already converted have behind them. The same first conversion of rows
    # just made in memory is the like-for-like reference (docs/performance.md, "What fidelity costs").
    $jsonNew = Measure-Samples $Repeat -Warmup 1 -Setup { $script:newRows = @(foreach ($i in 1..$jsonRows) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2) -eq 0; Tags = @('a', 'b') } }) } -Body { $script:newRows | ConvertTo-Json -Compress }
    Add-GoalRow -Measure "ConvertTo-Json of $jsonRows freshly read rows" -Against 'the first ConvertTo-Json of as many rows just made in memory' -Kind max -Goal 1.5 -GoalText '<= 1.5x' -Samples $jsonStored -AlternativeSamples $jsonNew
    $whereStored = Measure-Samples $Repeat -Warmup 1 -Body { ($rows | Where-Object Up | Measure-Object).Count }
    $whereMemory = Measure-Samples $Repeat -Warmup 1 -Body { ($data | Where-Object Up | Measure-Object).Count }
    Add-GoalRow -Measure '$rows | Where-Object Up | Measure-Object' -Against 'the same over in-memory objects' -Kind max -Goal 1.25 -GoalText '<= 1.25x' -Samples $whereStored -AlternativeSamples $whereMemory

    # Two runspaces scanning one heap, against one: tools/Measure-RunspaceScan.ps1 (warm runspaces kept across trials,
    # each scanning in a compiled function; trials interleave the runspace counts). The ratio is the median of the
    # paired ratios (each two-runspace trial over the one-runspace trial of the same round, seconds apart: this
    # machine's speed drifts in phases, see that script); the best rate of each count is in the note.
    # The reference first: how two runspaces scale over the in-memory objects on this machine.
    $measureScan = Join-Path $PSScriptRoot 'tools/Measure-RunspaceScan.ps1'
    $runspaceTrials = [Math]::Max($Repeat, 7)
    $memoryTrials = @(& $measureScan -Manifest $manifest -InMemory $data -Runspaces 1, 2 -Trials $runspaceTrials)
    $oneMemory = ($memoryTrials | Where-Object Runspaces -EQ 1 | Measure-Object RowsPerSecond -Maximum).Maximum
    $twoMemory = ($memoryTrials | Where-Object Runspaces -EQ 2 | Measure-Object RowsPerSecond -Maximum).Maximum
    $pairedMemory = Get-Median @($memoryTrials | Where-Object Runspaces -EQ 2 | ForEach-Object RatioToOne)
    # Then the heap, with the in-memory copy let go: a process sharing a heap between runspaces does not also hold the
    # data as 186 MB of objects, and every garbage collection (which stops both runspaces) costs more while it does.
    $data = $null
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $trials = @(& $measureScan -Manifest $manifest -Heap $h -Key rows -Runspaces 1, 2 -Trials $runspaceTrials)
    $one = @($trials | Where-Object Runspaces -EQ 1 | ForEach-Object RowsPerSecond)
    $two = @($trials | Where-Object Runspaces -EQ 2 | ForEach-Object RowsPerSecond)
    $oneBest = ($one | Measure-Object -Maximum).Maximum
    $twoBest = ($two | Measure-Object -Maximum).Maximum
    $paired = Get-Median @($trials | Where-Object Runspaces -EQ 2 | ForEach-Object RatioToOne)
    $data = New-Rows $Count
    # Issue 18: the goal is relative, measured in this same run: the heap scales at least as well as in-memory objects
    # (the old absolute 1.6x is beyond what allocating .NET code reaches on 2 cores under workstation GC: 1.4-1.5x).
    Add-GoalRow -Measure 'Two runspaces scanning one heap (throughput)' -Against 'one runspace' -Kind speedup -Goal $pairedMemory -GoalText ('>= in-memory ({0:N2}x)' -f $pairedMemory) -Samples @($paired) -AlternativeSamples @(1.0) -Unit 'x' `
        -Note ('median of {0} paired trials; best rates {1:N0} vs {2:N0} rows/s ({3:N2}x); in-memory objects: median {4:N2}x, best {5:N0} vs {6:N0} rows/s' -f $two.Count, $twoBest, $oneBest, ($twoBest / $oneBest), $pairedMemory, $twoMemory, $oneMemory)
    $script:GoalRows[-1].Samples = $two
    $script:GoalRows[-1].AlternativeSamples = $one

    # ---------------------------------------------------------------- dictionary lookup
    Write-Host 'Dictionary lookups'
    $entries = 200000
    $table = @{}
    for ($i = 0; $i -lt $entries; $i++) { $table["key$i"] = $i }
    $random = [Random]::new(42)
    $probes = @(for ($i = 0; $i -lt 100000; $i++) { "key$($random.Next($entries))" })
    Set-AncientObject -Heap ($hw = Mount-AncientHeap -LiteralPath (Join-Path $work 'table.heap')) -Key table -InputObject $table
    $storedTable = Get-AncientObject -Heap $hw -Key table -NoEnumerate
    $lookupStored = Measure-Samples $Repeat -Warmup 1 -Body { $x = $null; foreach ($k in $probes) { $x = $storedTable[$k] }; $x }
    $lookupMemory = Measure-Samples $Repeat -Warmup 1 -Body { $x = $null; foreach ($k in $probes) { $x = $table[$k] }; $x }
    Add-GoalRow -Measure '$d[$key] in a stored 200,000-entry hashtable' -Against 'the in-memory hashtable' -Kind max -Goal 2 -GoalText '<= 2x' -Samples $lookupStored -AlternativeSamples $lookupMemory `
        -Note ('{0:N0} ns vs {1:N0} ns per lookup, loop included' -f ((Get-Best $lookupStored) / $probes.Count * 1e9), ((Get-Best $lookupMemory) / $probes.Count * 1e9))
    Dismount-AncientHeap -Heap $hw
    Dismount-AncientHeap -Heap $h
    $rows = $null; $storedTable = $null; $table = $null

    Write-Host ''
    $script:GoalRows | Format-Table -AutoSize -Property Result, Measure, Against,
        @{ Label = 'Ours'; Expression = { if ($_.Unit -eq 's') { Format-Seconds $_.Best } elseif ($_.Unit -eq 'bytes') { '{0:N1} MB' -f ($_.Best / 1MB) } else { '' } } },
        @{ Label = 'Theirs'; Expression = { if ($_.Unit -eq 's') { Format-Seconds $_.AlternativeBest } elseif ($_.Unit -eq 'bytes') { '{0:N1} MB' -f ($_.AlternativeBest / 1MB) } else { '' } } },
        @{ Label = 'Ratio'; Expression = { $_.RatioText } }, Goal | Out-String -Width 200 | Write-Host

    # ---------------------------------------------------------------- scaling
    $scaling = [Collections.Generic.List[object]]::new()
    if (-not $NoScaling) {
        $sizes = @(1000, 10000, 100000) + $(if ($Quick) { @() } else { @(1000000) })
        Write-Host "Scaling: $($sizes -join ', ') records"
        foreach ($n in $sizes) {
            $d = if ($n -eq $Count) { $data } else { New-Rows $n }
            $times = if ($n -ge 1000000) { 1 } else { $Repeat }
            $p = Join-Path $work "scale-$n.heap"
            $setN = Measure-Samples $times -Setup { if (Test-Path -LiteralPath $p) { Remove-Item -LiteralPath $p -Force } } -Body {
                $hs = Mount-AncientHeap -LiteralPath $p
                $d | Set-AncientObject -Heap $hs -Key rows
                Dismount-AncientHeap -Heap $hs
            }
            $getN = Measure-MountRead $p $fast
            $hs = Mount-AncientHeap -LiteralPath $p -ReadOnly
            $r = Get-AncientObject -Heap $hs -Key rows -NoEnumerate
            $scanN = Measure-Samples $times -Warmup 1 -Body { $s = 0; foreach ($o in $r) { $s += $o.Cpu }; $s }
            $scanMemN = Measure-Samples $times -Warmup 1 -Body { $s = 0; foreach ($o in $d) { $s += $o.Cpu }; $s }
            $r = $null
            Dismount-AncientHeap -Heap $hs
            $point = [pscustomobject]@{
                Records      = $n
                Set          = Get-Best $setN
                MountGet     = Get-Best $getN
                Scan         = Get-Best $scanN
                ScanInMemory = Get-Best $scanMemN
                FileBytes    = (Get-Item -LiteralPath $p).Length
            }
            $scaling.Add($point)
            Remove-Item -LiteralPath $p -Force
            $d = $null
            Write-Host ('  {0,9:N0} records: Set {1}, mount+get {2}, scan {3} (in memory {4})' -f $n, (Format-Seconds $point.Set), (Format-Seconds $point.MountGet), (Format-Seconds $point.Scan), (Format-Seconds $point.ScanInMemory))
        }
    }

    $result = [ordered]@{
        Machine = $machine
        Count   = $Count
        Repeat  = $Repeat
        Quick   = [bool] $Quick
        Method  = 'Each side repeated in the same process; Best is the fastest sample, Median the median; ratios use Best.'
        Goals   = $script:GoalRows
        Scaling = $scaling
    }
    $folder = Split-Path -Parent $OutputPath
    if ($folder) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
    $result | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $OutputPath -Encoding utf8
    $passed = @($script:GoalRows | Where-Object Result -EQ 'PASS').Count
    Write-Host "goals: $passed of $(@($script:GoalRows | Where-Object Kind -NE 'info').Count) met; results in $((Resolve-Path -LiteralPath $OutputPath).Path)"
}
finally {
    if ($script:mounted) { Dismount-AncientHeap -Heap $script:mounted }
    Get-AncientHeap -ErrorAction SilentlyContinue | Dismount-AncientHeap -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
