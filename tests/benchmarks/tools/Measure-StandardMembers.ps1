<#
.SYNOPSIS
What a PSCustomObject's own PSStandardMembers (format 1.6) costs a first pass over freshly read rows: rows with the set
against the same rows without it, each way a record can get its set.

.DESCRIPTION
Not part of build.ps1 Bench (SourcesBench.ps1 has the Set rows 'default columns'); run it by hand after a Build:
  dotnet pwsh ./tests/benchmarks/tools/Measure-StandardMembers.ps1
Stores -Count rows {Id, Name, Cpu, Up, Tags} twice, plain and each with a PSStandardMembers set (default display and
key properties), then, alternating, reads each list afresh and sums Cpu (a compiled foreach), -Rounds times: the
wall time and the bytes this thread allocated per row, medians. 'public way' is the same with MemberTable switched off:
each record's member table made the public way and its set added through PSObject.Members (the fallback where
PowerShell's internal members are missing).
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../../AncientPS.psd1'),
    [int] $Count = 50000,
    [int] $Rounds = 5
)
$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path -LiteralPath $ModulePath).Path
$tableSwitch = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.MemberTable', $true).GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')

$standard = [System.Management.Automation.PSMemberInfo[]]@(
    [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('Id', 'Name')),
    [System.Management.Automation.PSPropertySet]::new('DefaultKeyPropertySet', [string[]]('Id')))
$heap = Mount-AncientHeap -Anonymous
Set-AncientObject -Heap $heap -Key plain -InputObject @(foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } })
Set-AncientObject -Heap $heap -Key chosen -InputObject @(foreach ($i in 1..$Count) {
    $row = [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') }
    $row.PSObject.Members.Add([System.Management.Automation.PSMemberSet]::new('PSStandardMembers', $standard))
    $row
})

function Measure-FirstPass([string] $Key) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $before = [GC]::GetAllocatedBytesForCurrentThread()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $rows = Get-AncientObject -Heap $heap -Key $Key -NoEnumerate
    $sum = 0
    foreach ($r in $rows) { $sum += $r.Cpu }
    $clock.Stop()
    [pscustomobject]@{ Ms = $clock.Elapsed.TotalMilliseconds; Bytes = ([GC]::GetAllocatedBytesForCurrentThread() - $before) / $Count }
}

$samples = @{}
foreach ($way in 'internal', 'public way') {
    foreach ($key in 'plain', 'chosen') { $samples["$way|$key"] = [Collections.Generic.List[object]]::new() }
}
try {
    for ($round = 0; $round -le $Rounds; $round++) {
        foreach ($way in 'internal', 'public way') {
            $tableSwitch.SetValue($null, $way -eq 'internal')
            foreach ($key in 'plain', 'chosen') {
                $sample = Measure-FirstPass $key
                if ($round -gt 0) { $samples["$way|$key"].Add($sample) } # the first round is a warm-up
            }
        }
    }
}
finally { $tableSwitch.SetValue($null, $true); Dismount-AncientHeap -Heap $heap }

function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
Write-Host ("First pass over {0:N0} freshly read rows, medians of {1} rounds" -f $Count, $Rounds)
foreach ($way in 'internal', 'public way') {
    $plain = $samples["$way|plain"]; $chosen = $samples["$way|chosen"]
    $plainMs = Get-Median @($plain.Ms); $chosenMs = Get-Median @($chosen.Ms)
    Write-Host ("  {0,-10} plain {1,6:N0} ms {2,6:N0} B/row   with PSStandardMembers {3,6:N0} ms {4,6:N0} B/row   ({5:N2}x the time)" -f $way, $plainMs, (Get-Median @($plain.Bytes)), $chosenMs, (Get-Median @($chosen.Bytes)), ($chosenMs / $plainMs))
}
