# Rewrites tests/fidelity/known-differences.txt from a fresh run of the differential suite: every case that differs,
# grouped by operation, under the cause written for that operation below (or the common causes). Run it after a Build,
# from the repository root: dotnet pwsh -NoProfile -File tests/fidelity/Update-KnownDifferences.ps1
# Review the diff before committing: a case that starts to differ is a regression unless its cause is understood.
# -KeepCases <path> keeps every case's two texts in a Clixml file there, to read what differs.
param([string] $KeepCases)
$ErrorActionPreference = 'Stop'

$causes = [ordered]@{
    'ConvertTo-Csv'                 = 'generic lists: a stored List''s Capacity is its Count (the original''s grew by doubling, which is not stored)'
    'ConvertTo-Csv -InputObject'    = 'as ConvertTo-Csv'
    'ConvertTo-Html -Fragment'      = 'as ConvertTo-Csv; XML elements: as Format-List *'
    'ConvertTo-Xml'                 = 'ConvertTo-Xml names a list by its .NET type and writes a dictionary''s view members'
    'Clixml text'                   = 'a small number in an original is a box PowerShell shares between all scripts of the process, and once any of them pipes it (the Piped producer itself, or an earlier operation) it carries a note of PowerShell''s, which Clixml writes as an object (<Obj RefId=...><I32>); a stored number read is a box of its own, written as a plain <I32>'
    '-f'                            = 'the -f operator spreads only a real object[] over its arguments, and a stored list is not one'
    'Select-Object type names'      = 'Select-Object names its output after the .NET type of an unenumerated input (BaseObject.GetType()), the view class for a stored list or dictionary'
    '.ContainsKey'                  = 'a generic Dictionary''s Contains takes a KeyValuePair (PowerShell finds no overload for a key); a stored one''s takes a key, as IDictionary.Contains does'
    'slice [0..1]'                  = 'a Dictionary[string,int] takes no int key (PowerShell gives nothing); a stored dictionary looks any key up, finds none and gives $null for each'
    '-join'                         = 'XML documents: the reference is the deserializer''s PSObject-wrapped document, whose text is its type name; XML elements piped: see the common causes above'
    'Get-Member'                    = 'the view classes'' methods differ from an array''s or List''s; a generic dictionary''s typed members (the stored one is one class for every key and value type)'
    'Get-Member -InputObject'       = 'as Get-Member'
    'PSObject.Properties'           = 'generic dictionaries: the stored one is one class for every key and value type, so Keys and Values are declared ICollection and there is no Comparer or Capacity'
    'GetType()'                     = 'a stored list is a lazy read-only view (AncientArray/AncientList), a stored dictionary a dictionary class of the module''s over one (StoredHashtable, StoredOrderedDictionary, StoredDictionary); .GetType() is a .NET call the projection cannot answer'
    'Format-List'                   = 'jagged arrays: the SyncRoot of a stored list shows a list inside it by its type name (System.Object[]), where the original''s shows its items (4 5)'
    'Format-Table'                  = 'as Format-List'
    'Format-Wide'                   = 'as Format-List'
    'Format-Custom'                 = 'as Format-List'
    'Out-String'                    = 'as Format-List'
    'ConvertTo-Csv -UseQuotes Never' = 'as ConvertTo-Csv'
    'Export-Csv roundtrip'          = 'as ConvertTo-Csv'
    'Select-Object *'               = 'generic lists: Capacity (as in ConvertTo-Csv); generic dictionaries: no Comparer or Capacity (as in PSObject.Properties); XML elements: as Format-List *'
    'Select-Object -ExcludeProperty' = 'as Select-Object *'
    'Properties.Name'               = 'generic dictionaries: no Comparer or Capacity (as in PSObject.Properties)'
    'Format-List *'                 = 'as Format-List; XML elements: an element read back is the root element of a document of its own, so it has no NextSibling or PreviousSibling'
    'Format-Table -AutoSize'        = 'as Format-List'
    'Format-Table -GroupBy'         = 'as Format-List'
    'Format-Table -InputObject'     = 'as Format-List'
    'Out-String -Stream'            = 'as Format-List'
    'Out-String -InputObject'       = 'as Format-List'
    '-replace'                      = 'as -join'
    '-split'                        = 'as -join'
    '[string]::Join'                = 'as -join'
    'Get-Member NoteProperty'       = 'as Clixml text: the original''s Boolean is a box PowerShell shares between scripts, which an earlier operation wrapped, so its definition names System.Boolean where a stored one read anew says bool'
    '-is [pscustomobject]'          = 'a binary cmdlet''s output is wrapped in a PSObject, a script''s array elements are not; a stored list or dictionary read as a property or element is a PSObject named after the original type (OriginalTypeNames), and -is [psobject] is true of any PSObject'
    # Crossings (Mode is the crossing): the views taken on the other side.
    'crossed Clixml text'           = 'as Clixml text: the original''s Booleans (flat rows'' Up, a file''s PSIsContainer) are boxes PowerShell shares between scripts, which an earlier operation marked, so Clixml writes them as objects (<Obj><B>); a stored Boolean read is a plain <B>; likewise $PSVersionTable''s Version objects, one per process, which earlier operations wrapped (<Obj><Version>)'
    'crossed Format-List'           = 'jagged arrays in another runspace: as Format-List'
}

# In a pwsh of its own, as tests/Fidelity.Tests.ps1 runs it (Invoke-FidelitySuite.ps1 says why).
$out = Join-Path ([System.IO.Path]::GetTempPath()) "fidelity-cases-$PID.xml"
$pwshPath = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
$pwshArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Invoke-FidelitySuite.ps1'), '-OutPath', $out)
if (-not (Test-Path -LiteralPath $pwshPath)) { $pwshArgs = @(Join-Path $PSHOME 'pwsh.dll') + $pwshArgs; $pwshPath = 'dotnet' }
& $pwshPath @pwshArgs
if ($LASTEXITCODE -ne 0) { throw "The fidelity suite's process failed ($LASTEXITCODE)." }
$run = Import-Clixml -LiteralPath $out
# -KeepCases: leave the cases (shape, mode, operation, both texts) in a Clixml file to read the differences from.
if ($KeepCases) { Move-Item -LiteralPath $out -Destination $KeepCases -Force; Write-Host "Cases kept in $KeepCases" }
else { Remove-Item -LiteralPath $out }
$cases = @($run.InProcess) + @($run.Crossings)

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('# Cases of the differential fidelity suite (tests/Fidelity.Tests.ps1) where the stored copy is known to differ from')
$lines.Add('# the original: shape|mode|operation, grouped by operation with the cause. Every case not listed here must match.')
$lines.Add('# Written by tests/fidelity/Update-KnownDifferences.ps1 (the causes live there); fix a cause, run it again.')
$lines.Add('# Common causes:')
$lines.Add('# - Lists are lazy read-only engine views and dictionaries classes of the module''s over one, not arrays or the')
$lines.Add('#   original dictionary classes: .GetType(), their methods, and what PowerShell takes from the .NET type differ.')
$lines.Add('# - .NET objects (Get-ChildItem, Get-Process, Get-Command): the reference is what Import-Clixml gives back; the stored')
$lines.Add('#   copy has the reference''s adapted and extended properties (format 1.3) and its lists and dictionaries the original''s')
$lines.Add('#   type names (format 1.4), but they are the module''s classes (.GetType(), ConvertTo-Xml), and a call site PowerShell')
$lines.Add('#   bound to .NET''s GetType before gives the module''s class.')
$lines.Add('# - .NET objects stored deeper than their first level (Get-Command -Depth 2, an error''s InvocationInfo): Import-Clixml''s copy has each enum in')
$lines.Add('#   them as a Deserialized.* property bag around its number; the stored copy has the enum itself, as the original')
$lines.Add('#   (so $x.CommandType -eq ''Cmdlet'' holds, which fails on the copy), and JSON, Clixml and Get-Member show that.')
$lines.Add('# - XML documents: the reference is the deserializer''s PSObject-wrapped document, whose text is its type name.')
$lines.Add('# - XML elements: the reference is the original (Import-Clixml''s copy is a list of child nodes); a stored element comes')
$lines.Add('#   out of Get-AncientObject wrapped in a PSObject, whose text is the element''s name where a bare element''s is its type name.')
$lines.Add('# - Members a script added to a PSCustomObject besides notes (rows with added members): a script or alias property is')
$lines.Add('#   stored as its value, a note property (data, not code: a heap file never runs code when read; Export-Clixml keeps')
$lines.Add('#   them so too), and a script method is not stored. Get-Member and PSObject.Properties show note properties, and the')
$lines.Add('#   "@{...}" text shows the value where PowerShell shows a script property''s member object. Crossing into a job,')
$lines.Add('#   PowerShell''s serializer cannot run the original''s script property there and leaves it out; the copy keeps its value.')
$lines.Add('# - Instances of a PowerShell class (class instances): as .NET objects; their enums stay typed (as above), and')
$lines.Add('#   Format-Table sizes their columns as for the original.')
foreach ($group in $cases | Where-Object { -not $_.Same } | Group-Object Operation) {
    $cause = if ($causes.Contains($group.Name)) { $causes[$group.Name] } else { 'see the common causes above' }
    $lines.Add('')
    $lines.Add("# $($group.Name) ($($group.Count)): $cause")
    foreach ($case in $group.Group) { $lines.Add("$($case.Shape)|$($case.Mode)|$($case.Operation)") }
}
Set-Content -LiteralPath (Join-Path $PSScriptRoot 'known-differences.txt') -Value $lines
"$(@($cases | Where-Object { -not $_.Same }).Count) of $($cases.Count) cases differ; known-differences.txt rewritten"
