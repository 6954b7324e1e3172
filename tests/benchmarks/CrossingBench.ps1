<#
.SYNOPSIS
What making stored values cross into other PowerShell costs (issue 13): the first pass over stored rows with each of the
two crossing measures on and off, in the same run.

.DESCRIPTION
Expects the module laid out (build.ps1 Build). Two sources, each stored once in an anonymous heap:
  [ordered] rows     $Count rows, each an [ordered] dictionary of four keys, handed out inside a PSObject named
                     OrderedDictionary (OriginalTypeNames.cs), so that it crosses into Start-Job, remoting and other
                     runspaces as an ordered dictionary.
  .NET objects       $Count objects of a small .NET class with a ToString of its own, stored by their properties with
                     their text. Each is given its text for PowerShell's serializer when it is read (PSObject's internal
                     ToStringFromDeserialization, src/AncientPS/Projection/DeserializedText.cs), so that a copy made by
                     Start-Job or remoting gives the original's text.
  rows with a list   $Count PSCustomObject rows with a Tags array, and $Count hashtables: each stored list and dictionary is
                     handed out inside a PSObject named after the original type (OriginalTypeNames.cs), so that it keeps
                     the names System.Object[] or System.Collections.Hashtable in PSTypeNames, Clixml and every crossing.
Each sample reads the stored list afresh (Get-AncientObject -NoEnumerate) and times one pass that reads one property of
every row: the first pass, where every row is made. 'off' is the same pass with the measure switched off (the internal
switches the tests use). The best of -Repeat samples of each side is shown; the sides alternate.

.EXAMPLE
dotnet pwsh ./tests/benchmarks/CrossingBench.ps1 -Count 100000 -Repeat 5
#>
[CmdletBinding()]
param(
    [int] $Count = 100000,
    [ValidateRange(1, 50)]
    [int] $Repeat = 5,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../AncientPS.psd1'),
    # Also write the rows, with every sample, as JSON here, for build/Bench.ps1.
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path -LiteralPath $ModulePath).Path
$assembly = [AncientPS.Commands.SetAncientObjectCommand].Assembly
$flags = [Reflection.BindingFlags]'NonPublic,Static'
$originalNames = $assembly.GetType('AncientPS.Projection.OriginalTypeNames', $true).GetProperty('Enabled', $flags)
$text = $assembly.GetType('AncientPS.Projection.DeserializedText', $true).GetProperty('UseInternalMember', $flags)

if (-not ('AncientBench.TextRow' -as [type])) {
    Add-Type -TypeDefinition 'namespace AncientBench { public class TextRow { public int Id { get; set; } public string Name { get; set; } public double Cpu { get; set; } public override string ToString() { return "row " + Name; } } }'
}
$heap = Mount-AncientHeap -Anonymous
Set-AncientObject -Heap $heap -Key ordered -InputObject @(foreach ($i in 1..$Count) { [ordered]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0) } })
Set-AncientObject -Heap $heap -Key tagged -InputObject @(foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Tags = @('a', "t$i") } })
Set-AncientObject -Heap $heap -Key hashtables -InputObject @(foreach ($i in 1..$Count) { @{ Id = $i; Name = "host$i" } })
Set-AncientObject -Heap $heap -Key objects -Depth 1 -InputObject @(foreach ($i in 1..$Count) { [AncientBench.TextRow]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5 } })

function Measure-FirstPass([string] $Key, [int] $Pass = 1, [string] $Property = 'Name') {
    $rows = Get-AncientObject -Heap $heap -Key $Key -NoEnumerate
    for ($p = 1; $p -lt $Pass; $p++) { foreach ($row in $rows) { $null = $row.$Property } }
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    foreach ($row in $rows) { $null = $row.$Property }
    $clock.Elapsed.TotalMilliseconds
}

# Each measure's sides: the switches for 'on' and for 'off' (name = value).
function Set-Switches([hashtable] $State) {
    foreach ($name in $State.Keys) {
        switch ($name) {
            'Original' { $originalNames.SetValue($null, $State[$name]) }
            'Text' { $text.SetValue($null, $State[$name]) }
        }
    }
}
$namesOff = @{ Original = $false }

$results = [Collections.Generic.List[object]]::new()
$measures = @(
    @{ Name = '[ordered] rows, first pass'; Key = 'ordered'; On = @{ Original = $true }; Off = $namesOff; Pass = 1 }
    @{ Name = '[ordered] rows, second pass'; Key = 'ordered'; On = @{ Original = $true }; Off = $namesOff; Pass = 2 }
    @{ Name = 'hashtable rows, first pass'; Key = 'hashtables'; On = @{ Original = $true }; Off = $namesOff; Pass = 1 }
    @{ Name = 'hashtable rows, second pass'; Key = 'hashtables'; On = @{ Original = $true }; Off = $namesOff; Pass = 2 }
    @{ Name = 'rows with a Tags list, reading Tags, first pass'; Key = 'tagged'; On = @{ Original = $true }; Off = $namesOff; Pass = 1; Property = 'Tags' }
    @{ Name = '.NET objects with text, first pass'; Key = 'objects'; On = @{ Text = $true }; Off = @{ Text = $false }; Pass = 1 }
)
try {
    foreach ($m in $measures) {
        $property = if ($m.Property) { $m.Property } else { 'Name' }
        $null = Measure-FirstPass $m.Key $m.Pass $property   # untimed: warms the code paths
        $on = [Collections.Generic.List[double]]::new(); $off = [Collections.Generic.List[double]]::new()
        for ($r = 0; $r -lt $Repeat; $r++) {
            Set-Switches $m.On; $on.Add((Measure-FirstPass $m.Key $m.Pass $property))
            Set-Switches $m.Off; $off.Add((Measure-FirstPass $m.Key $m.Pass $property))
        }
        Set-Switches @{ Original = $true; Text = $true }
        $bestOn = ($on | Measure-Object -Minimum).Minimum; $bestOff = ($off | Measure-Object -Minimum).Minimum
        $results.Add([pscustomobject]@{ Name = $m.Name; Count = $Count; OnMs = @($on); OffMs = @($off); BestOnMs = $bestOn; BestOffMs = $bestOff })
        [pscustomobject]@{
            Rows     = "$($m.Name) ($Count)"
            'Off ms' = [math]::Round($bestOff)
            'On ms'  = [math]::Round($bestOn)
            Cost     = '{0:N0} ms ({1:N1} us a row)' -f ($bestOn - $bestOff), (($bestOn - $bestOff) * 1000 / $Count)
        }
    }
    if ($ResultPath) { ConvertTo-Json -InputObject @($results) -Depth 4 | Set-Content -LiteralPath $ResultPath }
}
finally {
    Set-Switches @{ Original = $true; Text = $true }
    Dismount-AncientHeap -Heap $heap
}
