<#
The differential fidelity suite's data and operations (dot-sourced by tests/Fidelity.Tests.ps1).

Every case puts the original value and its stored copy through one operation in the same process and compares the
text the two give. Nothing here states an expected output: the original decides. For .NET objects stored at a depth,
the original is what the serializer gives back at that depth (Import-Clixml's reference).

Access modes:
- Piped      Get-AncientObject -Key k | op              against  $original | op
- NoEnumerate (Get-AncientObject -Key k -NoEnumerate)    against  $original, as one value
- Property   the value read as a stored parent's property against  the original parent's property
- Element    the value read as a stored list's element    against  the original list's element
#>

Set-StrictMode -Off

function New-FidelityShapes {
    # Each shape: Name, Value (what Set-AncientObject gets), Reference (what the stored copy must behave like: the value
    # itself, or its serialized round trip at the same depth for live .NET objects), Depth.
    $shapes = [System.Collections.Generic.List[object]]::new()
    # Mask: a pattern for live values that change between reading the reference and storing the copy (a drive's free
    # space); both texts have its matches blanked before they are compared.
    function Add-Shape($Name, $Value, $Reference = $Value, [int] $Depth = 2, [switch] $NoNesting, [string] $Mask) {
        $shapes.Add([pscustomobject]@{ Name = $Name; Value = $Value; Reference = $Reference; Depth = $Depth; NoNesting = [bool]$NoNesting; Mask = $Mask })
    }
    # Some cmdlets change the objects they are given (Select-Object adds a Selected.* type name to a PSCustomObject),
    # so every operation gets the shapes anew: New-FidelityShapes is called once per operation.

    Add-Shape 'flat rows' @(foreach ($i in 1..4) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', "t$i") } })
    Add-Shape 'differing rows' @([pscustomobject]@{ n = 'A' }, [pscustomobject]@{ n = 'B'; g = 2 }, [pscustomobject]@{ n = 'C'; g = 1 }, [pscustomobject]@{ n = 'D'; g = 2; x = 'extra' })
    Add-Shape 'nested record' ([pscustomobject]@{ Id = 1; C = [pscustomobject]@{ A = [pscustomobject]@{ Z = 1; W = 'deep' }; B = 2 }; After = 'x' })
    Add-Shape 'record holding rows' ([pscustomobject]@{ Name = 'pool'; Items = @([pscustomobject]@{ k = 1; v = 'one' }, [pscustomobject]@{ k = 2; v = 'two' }); Count = 2 })
    Add-Shape 'hashtable' @{ alpha = 1; beta = 'two'; gamma = 3.5 }
    Add-Shape 'ordered' ([ordered]@{ zeta = 1; alpha = 'two'; mid = $true })
    Add-Shape 'dictionary of records' ([ordered]@{ web01 = [pscustomobject]@{ Ip = '10.0.0.1'; Up = $true }; web02 = [pscustomobject]@{ Ip = '10.0.0.2'; Up = $false } })
    $list = [System.Collections.Generic.List[int]]::new(); 3, 1, 2 | ForEach-Object { $list.Add($_) }
    Add-Shape 'generic list' $list
    $dict = [System.Collections.Generic.Dictionary[string, int]]::new(); $dict['one'] = 1; $dict['two'] = 2
    Add-Shape 'generic dictionary' $dict
    # Generic collections over PowerShell's own PSObject (a type of another assembly than the collection's): the lists
    # scripts build most, and a dictionary of them.
    $psobjects = [System.Collections.Generic.List[psobject]]::new()
    foreach ($i in 1..3) { $psobjects.Add([pscustomobject]@{ Id = $i; Name = "item$i" }) }
    Add-Shape 'List[psobject]' $psobjects
    $groups = [System.Collections.Generic.Dictionary[string, psobject]]::new(); $groups['web'] = [pscustomobject]@{ Size = 2 }; $groups['db'] = [pscustomobject]@{ Size = 1 }
    Add-Shape 'Dictionary[string, psobject]' $groups
    Add-Shape 'jagged array' @(@(1, 2), @(3, @(4, 5)), @())
    Add-Shape 'json document' ('{"name":"svc","ports":[80,443],"owner":{"team":"ops","tags":["a","b"]},"rows":[{"k":1},{"k":2,"extra":null}]}' | ConvertFrom-Json)
    # PowerShell 7.3 and later: an OrderedHashtable of OrderedHashtables (a Hashtable that keeps its order).
    if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('AsHashtable')) {
        Add-Shape 'json -AsHashtable' ('{"name":"svc","ports":[80,443],"owner":{"team":"ops","tags":["a","b"]}}' | ConvertFrom-Json -AsHashtable)
    }
    Add-Shape 'csv rows' @("Name,Size,When`nalpha,10,2024-01-02`nbeta,,2024-02-03`ngamma,30," | ConvertFrom-Csv)
    Add-Shape 'scalar edges' ([pscustomobject]@{ Emoji = 'a😀b'; Nan = [double]::NaN; Big = [bigint]::Parse('123456789012345678901234567890'); Utc = [datetime]::new(2024, 5, 6, 7, 8, 9, [DateTimeKind]::Utc); Local = [datetime]::new(2024, 5, 6, 7, 8, 9, [DateTimeKind]::Local); Dec = [decimal]'1.10'; Char = [char]'q'; Guid = [guid]'01234567-89ab-cdef-0123-456789abcdef'; Null = $null; Empty = ''; Neg = -0.0; Enum = [System.DayOfWeek]::Friday })
    Add-Shape 'typed record' ([pscustomobject]@{ PSTypeName = 'Fidelity.Server'; Name = 'web'; Port = 8080 })
    Add-Shape 'empty list' @()
    Add-Shape 'array of hashtables' @(@{ a = 1 }, @{ a = 2; b = 3 })
    Add-Shape 'nested hashtable' @{ top = @{ inner = @(1, 2, @{ deep = 3 }) }; none = $null }
    Add-Shape 'scalar types' ([pscustomobject]@{ Offset = [datetimeoffset]::new(2024, 1, 2, 3, 4, 5, [timespan]::FromHours(2)); Span = [timespan]::FromMinutes(90); Uri = [uri]'https://example.org/a?b=1'; Version = [version]'1.2.3.4'; Bytes = [byte[]](1, 2, 3); Ints = [int[]](4, 5); Long = [long]::MaxValue; ULong = [ulong]::MaxValue; Flags = [System.IO.FileAttributes]'ReadOnly, Hidden'; SByte = [sbyte]-5; Single = [single]1.5 })
    $typed = @([pscustomobject]@{ PSTypeName = 'Fidelity.Row'; A = 1; B = 'x' }, [pscustomobject]@{ PSTypeName = 'Fidelity.Row'; A = 2; B = 'y' })
    Add-Shape 'Import-Clixml rows' (Get-SerializedCopy $typed 2)
    Add-Shape 'hashtable of records' @{ web01 = [pscustomobject]@{ Ip = '10.0.0.1'; Up = $true }; web02 = [pscustomobject]@{ Ip = '10.0.0.2'; Up = $false } }
    Add-Shape 'rows with a hashtable' @(foreach ($i in 1..3) { [pscustomobject]@{ Id = $i; Meta = @{ owner = "team$i"; ports = @(80, 443) } } })
    Add-Shape 'empty record' ([pscustomobject]@{})
    # 42 appears in no other shape: piping a small integer to Get-Member marks its box, which PowerShell and the module
    # share between equal small integers, and a later Clixml of another shape's equal integer would show the mark.
    Add-Shape 'mixed list' @(42, [pscustomobject]@{ a = 1 }, @(2, 3), $null, @{ k = 'v' }, 'str')
    Add-Shape 'list of scalars' @(3, 'two', 1.5, $true, $null, 'z')
    # Import-Clixml gives back an [xml] document and a script block's text: those are the references.
    $xml = [xml]'<servers><server name="web01" up="true"><ip>10.0.0.1</ip></server><server name="web02" up="false"/></servers>'
    Add-Shape 'xml document' $xml (Get-SerializedCopy $xml 2)
    # An element is read back as an element of a document of its own (Import-Clixml's copy is a list of its child nodes):
    # the reference is the original, as for any value in a script's own hands.
    Add-Shape 'xml elements' @(([xml]'<servers xmlns:p="urn:p"><server name="web01" up="true"><ip>10.0.0.1</ip><p:zone>eu</p:zone></server><server name="web02" up="false"/></servers>').servers.server)
    $block = { param($x) $x * 2 }
    Add-Shape 'script block' $block (Get-SerializedCopy $block 2)

    # Live .NET objects: the reference is what PowerShell's serializer gives back at the same depth.
    # Files of the suite's own, with an access time the run's reads leave alone: reading a file (FileInfo's VersionInfo
    # does) gives it a new access time where the old one is more than a day old, which the DLLs in $PSHOME on a fresh
    # machine are, and then the reference's copy and the stored one differ.
    $files = @(Get-ChildItem -LiteralPath (Get-FidelityFolder) -File | Sort-Object Name)
    Add-Shape 'Get-ChildItem' $files (Get-SerializedCopy $files 1) -Depth 1 -NoNesting -Mask '(?<=\b(Used|Free)\W{1,4})\d+' 
    # A sleeping process, so that its values do not change between the reference's copy and the stored one.
    $process = @(Get-Process -Id $script:FidelitySleeper.Id)
    Add-Shape 'Get-Process' $process (Get-SerializedCopy $process 1) -Depth 1 -NoNesting
    $commands = @(Get-Command -Name Get-Item, Set-Item -CommandType Cmdlet)
    Add-Shape 'Get-Command' $commands (Get-SerializedCopy $commands 1) -Depth 1 -NoNesting
    # One level deeper, the type data's serialization settings show: a command's parameters (ParameterMetadata) keep the
    # five properties of their PropertySerializationSet, its OutputType's PSTypeNames are strings (SerializationMethod
    # String), and its ImplementingType (a Type) is an object with properties.
    $command = @(Get-Command -Name Get-Item -CommandType Cmdlet)
    Add-Shape 'Get-Command -Depth 2' $command (Get-SerializedCopy $command 2) -Depth 2 -NoNesting
    # An exception is serialized one level deep whatever depth is left (its type data's SerializationDepth).
    $failure = @([System.IO.IOException]::new('boom', [System.ArgumentException]::new('inner')))
    Add-Shape 'exception -Depth 3' $failure (Get-SerializedCopy $failure 3) -Depth 3 -NoNesting
    # Error and warning records are written in their remoting form: notes, and none of their .NET properties.
    # Rows of a DataTable (what Invoke-Sqlcmd gives): PowerShell's adapter gives a row's columns as its properties, and
    # the serializer writes those alone.
    $table = [System.Data.DataTable]::new('Servers')
    $null = $table.Columns.Add('Id', [int]); $null = $table.Columns.Add('Name', [string]); $null = $table.Columns.Add('Seen', [datetime])
    $null = $table.Rows.Add(1, 'web01', [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc))
    $null = $table.Rows.Add(2, 'web02', [DBNull]::Value)
    $rows = @($table.Rows)
    Add-Shape 'DataTable rows' $rows (Get-SerializedCopy $rows 1) -Depth 1 -NoNesting
    # Select-String's matches: a Match's Groups are a list that is also a dictionary by group name.
    $lines = Join-Path (Get-FidelityFolder) 'file2.txt'
    $matches = @(Select-String -LiteralPath $lines -Pattern '(?<two>x)(x)' -AllMatches)
    Add-Shape 'Select-String' $matches (Get-SerializedCopy $matches 2) -Depth 2 -NoNesting
    # Values with notes of their own: Get-Content's lines (PSPath, ReadCount, the drive and provider: Import-Clixml's copy
    # at the same depth is the reference, as for any live object inside), and a number, a string and a date a script
    # gave notes (the original is the reference).
    $text = @(Get-Content -LiteralPath $lines)
    Add-Shape 'Get-Content lines' $text (Get-SerializedCopy $text 2) -Depth 2 -NoNesting -Mask '(?<=\b(Used|Free)\W{1,4})\d+'
    $noted = @(
        # A box of its own: PowerShell keeps a value type's notes with its box, and a literal's box is shared.
        ([int]::Parse('731') | Add-Member -NotePropertyName Unit -NotePropertyValue 'kg' -PassThru),
        ('tagged' | Add-Member -NotePropertyName Owner -NotePropertyValue 'ops' -PassThru | Add-Member -NotePropertyName Rank -NotePropertyValue 2 -PassThru),
        (Get-Date -Date ([datetime]::new(2024, 3, 4, 5, 6, 7, [DateTimeKind]::Utc)) -DisplayHint Date))
    Add-Shape 'values with notes' $noted
    # Arrays a script gave notes of their own (as Get-Content -ReadCount gives its lines in arrays with the file's notes).
    $tagged = Write-Output -NoEnumerate @('a', 'b', 'c') | Add-Member -NotePropertyName Source -NotePropertyValue 'import' -PassThru |
        Add-Member -NotePropertyName Batch -NotePropertyValue 7 -PassThru
    Add-Shape 'array with notes' $tagged
    # A function's rows that choose their own columns and sort key (PSStandardMembers, format 1.6).
    $standard = [System.Management.Automation.PSMemberInfo[]]@(
        [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('Name', 'Size')),
        [System.Management.Automation.PSPropertySet]::new('DefaultKeyPropertySet', [string[]]('Size')),
        [System.Management.Automation.PSNoteProperty]::new('DefaultDisplayProperty', 'Name'))
    $chosen = @(foreach ($i in 3, 1, 2) {
        [pscustomobject]@{ Name = "item$i"; Size = $i * 10; Owner = 'ops'; Path = "/srv/item$i" } | Add-Member -MemberType MemberSet -Name PSStandardMembers -Value $standard -PassThru
    })
    Add-Shape 'rows with default columns' $chosen
    # A Hashtable class that lists its keys in an order of its own (PSVersion, PSEdition, then sorted).
    Add-Shape '$PSVersionTable' $PSVersionTable
    # Rows a script gave members of its own besides notes: a script property, an alias, a script method (data is stored,
    # code is not), and rows wide enough that PowerShell lists them instead of tabling them.
    $added = @(foreach ($i in 1..3) {
        $row = [pscustomobject]@{ Name = "n$i"; Size = $i }
        $row | Add-Member -MemberType ScriptProperty -Name Double -Value { $this.Size * 2 }
        $row | Add-Member -MemberType AliasProperty -Name Label -Value Name
        $row | Add-Member -MemberType ScriptMethod -Name Describe -Value { "$($this.Name)!" } -PassThru
    })
    Add-Shape 'rows with added members' $added
    Add-Shape 'wide rows' @(foreach ($i in 1..3) { [pscustomobject]@{ A = $i; B = "b$i"; C = $i * 1.5; D = ($i -eq 2); E = @($i, $i); F = $null; G = [datetime]::new(2024, 1, $i, 0, 0, 0, [DateTimeKind]::Utc) } })
    # Instances of a PowerShell class (a .NET type of the session's own): hidden properties, an enum, an array.
    $classed = & ([scriptblock]::Create('
        class FidelityServer { [string] $Name; hidden [string] $Token = "t"; [int[]] $Ports = 80, 443; [System.DayOfWeek] $Day = "Friday" }
        foreach ($i in 1..3) { $s = [FidelityServer]::new(); $s.Name = "srv$i"; $s }'))
    Add-Shape 'class instances' $classed (Get-SerializedCopy $classed 2) -Depth 2 -NoNesting
    $records = @((& { try { Get-Item -LiteralPath '/nonexistent/fidelity' -ErrorAction Stop } catch { $_ } }), [System.Management.Automation.WarningRecord]::new('careful'))
    Add-Shape 'error and warning records' $records (Get-SerializedCopy $records 2) -Depth 2 -NoNesting
    $shapes
}

# A folder of three small files, made once per process, written long ago and read just now (so that the run's reads do
# not change their access time, under Linux's relatime); Remove-FidelityFolder deletes it.
function Get-FidelityFolder {
    if (-not $script:FidelityFolder) {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) "ancientps-fidelity-$PID-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $null = New-Item -ItemType Directory -Path $folder
        $when = [datetime]::new(2024, 3, 4, 5, 6, 7, [DateTimeKind]::Utc)
        foreach ($i in 1..3) {
            $file = Join-Path $folder "file$i.txt"
            Set-Content -LiteralPath $file -Value ('x' * (10 * $i)) -NoNewline
            $item = Get-Item -LiteralPath $file
            $item.LastWriteTimeUtc = $when.AddDays($i)
        }
        # Read each file once, a moment after its times were set (which set its change time): from then on its access
        # time is later than its change time and less than a day old, and relatime leaves it alone.
        Start-Sleep -Milliseconds 50
        foreach ($i in 1..3) { $null = [System.IO.File]::ReadAllBytes((Join-Path $folder "file$i.txt")) }
        $script:FidelityFolder = $folder
    }
    $script:FidelityFolder
}

function Remove-FidelityFolder {
    if ($script:FidelityFolder) { Remove-Item -LiteralPath $script:FidelityFolder -Recurse -Force -ErrorAction SilentlyContinue; $script:FidelityFolder = $null }
}

# What Import-Clixml gives back for $Value written at $Depth: for an array, its elements (Import-Clixml writes a list's
# items down the pipeline, so $copy = Import-Clixml is an object[]), for anything else the object.
function Get-SerializedCopy($Value, [int] $Depth) {
    $text = [System.Management.Automation.PSSerializer]::Serialize($Value, $Depth)
    $copy = [System.Management.Automation.PSSerializer]::Deserialize($text)
    if ($Value -is [array]) { , @($copy) } else { , $copy }
}

# The first property names of a value's first element, from the original: the operations that need a property name use them.
function Get-ShapeProperties($Value) {
    $first = @($Value)[0]
    if ($null -eq $first) { return @('Name', 'Id') }
    # A Hashtable's keys come in hash order, which changes from process to process: sorted, so that every run tests the same names.
    if ($first -is [System.Collections.IDictionary]) {
        $keys = if ($first.GetType() -eq [hashtable]) { $first.Keys | Sort-Object } else { $first.Keys }
        return @($keys | Select-Object -First 2 | ForEach-Object { "$_" }) + @('Count')
    }
    # A value type has no such properties, and its .PSObject is not asked for: that leaves a note of PowerShell's on the
    # original's box (as piping it does), which Clixml of the original would then write as an object.
    if ($first -is [ValueType]) { return @('Length', 'Length') }
    $names = @($first.PSObject.Properties | Where-Object { $_.MemberType -in 'NoteProperty', 'Property' } | Select-Object -First 2 -ExpandProperty Name)
    if ($names.Count -eq 0) { $names = @('Length') }
    if ($names.Count -eq 1) { $names += $names[0] }
    $names
}

# Each operation: a name and a script block that takes a producer (a script block whose output is the value, enumerated
# or not) and the property names, and returns text. An error becomes text too, so that the error is compared as well.
function Get-FidelityOperations {
    [ordered]@{
        'ConvertTo-Json piped'          = { param($p, $n) & $p | ConvertTo-Json -Compress -WarningAction Ignore }
        'ConvertTo-Json -Depth 1'       = { param($p, $n) & $p | ConvertTo-Json -Depth 1 -Compress -WarningAction Ignore }
        'ConvertTo-Json -Depth 6'       = { param($p, $n) & $p | ConvertTo-Json -Depth 6 -Compress -WarningAction Ignore }
        'ConvertTo-Json -InputObject'   = { param($p, $n) ConvertTo-Json -InputObject (& $p) -Depth 4 -Compress -WarningAction Ignore }
        'ConvertTo-Json in a hashtable' = { param($p, $n) ConvertTo-Json -InputObject @{ x = (& $p) } -Depth 4 -Compress -WarningAction Ignore }
        'ConvertTo-Csv'                 = { param($p, $n) & $p | ConvertTo-Csv }
        'ConvertTo-Csv -InputObject'    = { param($p, $n) ConvertTo-Csv -InputObject (& $p) }
        'ConvertTo-Html -Fragment'      = { param($p, $n) & $p | ConvertTo-Html -Fragment }
        'ConvertTo-Xml'                 = { param($p, $n) (& $p | ConvertTo-Xml -As String -Depth 2) }
        'Clixml text'                   = { param($p, $n) [System.Management.Automation.PSSerializer]::Serialize((& $p), 2) }
        'Clixml round trip'             = { param($p, $n) [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((& $p), 3)) | ConvertTo-Json -Depth 4 -Compress -WarningAction Ignore }
        'Format-Table'                  = { param($p, $n) & $p | Format-Table | Out-String -Width 200 }
        'Format-List'                   = { param($p, $n) & $p | Format-List | Out-String -Width 200 }
        'Format-Wide'                   = { param($p, $n) & $p | Format-Wide | Out-String -Width 200 }
        'Format-Custom'                 = { param($p, $n) & $p | Format-Custom -Depth 3 | Out-String -Width 200 }
        'Out-String'                    = { param($p, $n) & $p | Out-String -Width 200 }
        'ToString()'                    = { param($p, $n) foreach ($x in & $p) { if ($null -eq $x) { '<null>' } else { $x.ToString() } } }
        'string interpolation'          = { param($p, $n) $v = & $p; "[$v]" }
        '[string] cast'                 = { param($p, $n) [string](& $p) }
        '-join'                         = { param($p, $n) (& $p) -join '|' }
        'Join-String'                   = { param($p, $n) & $p | Join-String -Separator '|' }
        '-f'                            = { param($p, $n) '{0}' -f (& $p) }
        'Sort-Object one property'      = { param($p, $n) & $p | Sort-Object -Property $n[0] | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Sort-Object two properties'    = { param($p, $n) & $p | Sort-Object -Property $n[1], $n[0] | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Sort-Object -Unique'           = { param($p, $n) @(& $p | Sort-Object -Unique).Count }
        'Group-Object'                  = { param($p, $n) & $p | Group-Object -Property $n[0] | ForEach-Object { "$($_.Name)=$($_.Count)" } }
        'Group-Object -AsHashTable'     = { param($p, $n) $g = & $p | Group-Object -Property $n[0] -AsHashTable -AsString; if ($g) { @($g.Keys | Sort-Object) -join ',' } }
        'Measure-Object'                = { param($p, $n) $m = & $p | Measure-Object -Property $n[0] -ErrorAction SilentlyContinue; "$($m.Count)" }
        'Select-Object -Property'       = { param($p, $n) & $p | Select-Object -Property $n | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Select-Object type names'      = { param($p, $n) & $p | Select-Object -Property $n[0] | ForEach-Object { $_.PSObject.TypeNames -join ',' } }
        'Select-Object -ExpandProperty' = { param($p, $n) & $p | Select-Object -ExpandProperty $n[0] -ErrorAction SilentlyContinue | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore }
        'Select-Object calculated'      = { param($p, $n) & $p | Select-Object @{ Name = 'X'; Expression = { "$($_.($n[0]))!" } } | ConvertTo-Json -Compress -WarningAction Ignore }
        'Select-Object -Unique'         = { param($p, $n) @(& $p | Select-Object -Unique).Count }
        'Where-Object'                  = { param($p, $n) @(& $p | Where-Object { $null -ne $_.($n[0]) }).Count }
        'Compare-Object'                = { param($p, $n) $a = @(& $p); @(Compare-Object $a $a -IncludeEqual | ForEach-Object SideIndicator) -join ',' }
        'ForEach-Object -MemberName'    = { param($p, $n) & $p | ForEach-Object -MemberName $n[0] -ErrorAction SilentlyContinue | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore }
        'member enumeration'            = { param($p, $n) (& $p).($n[0]) | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore }
        '-contains'                     = { param($p, $n) $v = & $p; $first = @($v)[0]; ($v -contains $first), ($v -contains 'nothing-like-it') -join ',' }
        '-in'                           = { param($p, $n) $v = & $p; ('two' -in $v), (3 -in $v) -join ',' }
        '-match'                        = { param($p, $n) @((& $p) -match 'o') | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore }
        '[array] cast'                  = { param($p, $n) ([array](& $p)).Count }
        '.Count'                        = { param($p, $n) (& $p).Count }
        '.Length'                       = { param($p, $n) (& $p).Length | ConvertTo-Json -Compress -WarningAction Ignore }
        'index [0]'                     = { param($p, $n) (& $p)[0] | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'index [-1]'                    = { param($p, $n) (& $p)[-1] | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'slice [0..1]'                  = { param($p, $n) (& $p)[0..1] | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Get-Member'                    = { param($p, $n) & $p | Get-Member | ForEach-Object { "$($_.TypeName) $($_.Name) $($_.MemberType) $($_.Definition)" } }
        'Get-Member -InputObject'       = { param($p, $n) Get-Member -InputObject (& $p) | ForEach-Object { "$($_.TypeName) $($_.Name) $($_.MemberType)" } }
        'PSObject.Properties'           = { param($p, $n) foreach ($x in & $p) { if ($null -ne $x) { $x.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType):$($_.TypeNameOfValue)" } } } }
        'PSTypeNames'                   = { param($p, $n) foreach ($x in & $p) { if ($null -ne $x) { $x.PSTypeNames -join ',' } } }
        'GetType()'                     = { param($p, $n) (& $p).GetType().FullName }
        '-is [pscustomobject]'          = { param($p, $n) foreach ($x in & $p) { $x -is [pscustomobject] } }
        '.Keys and .Values'             = { param($p, $n) $v = & $p; if ($v -is [System.Collections.IDictionary]) { (@($v.Keys) -join ','), (@($v.Values) | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore) } else { 'not a dictionary' } }
        '.ContainsKey'                  = { param($p, $n) $v = & $p; if ($v -is [System.Collections.IDictionary]) { $v.Contains($n[0]), $v.Contains('nothing') -join ',' } else { 'not a dictionary' } }
        'key as property'               = { param($p, $n) (& $p).($n[0]) | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore }
        # More of what scripts do with values (session 13): other parameters of the same cmdlets, .Where()/.ForEach(),
        # the statement forms, casts and operators, the file round trips.
        'Sort-Object -Descending'       = { param($p, $n) & $p | Sort-Object -Property $n[0] -Descending | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Group-Object -NoElement'       = { param($p, $n) & $p | Group-Object -Property $n[0] -NoElement | Out-String -Width 200 }
        'Group-Object two'              = { param($p, $n) & $p | Group-Object -Property $n[0], $n[1] | ForEach-Object { "$($_.Name)=$($_.Count)=$($_.Values -join '/')" } }
        'Measure-Object -Sum'           = { param($p, $n) & $p | Measure-Object -Property $n[0] -Sum -Average -Maximum -Minimum -ErrorAction SilentlyContinue | Out-String }
        'Measure-Object plain'          = { param($p, $n) (& $p | Measure-Object).Count }
        'Select-Object -First 1'        = { param($p, $n) & $p | Select-Object -First 1 | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Select-Object -Last 1 -Skip'   = { param($p, $n) & $p | Select-Object -Last 1 -Skip 0 | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Select-Object *'               = { param($p, $n) & $p | Select-Object * | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Select-Object -ExcludeProperty'= { param($p, $n) & $p | Select-Object * -ExcludeProperty $n[0] | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Select-Object -Index'          = { param($p, $n) & $p | Select-Object -Index 0, 2 | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Where-Object simplified'       = { param($p, $n) @(& $p | Where-Object -Property $n[0] -NE -Value $null).Count }
        '.Where()'                      = { param($p, $n) (& $p).Where({ $null -ne $_ }).Count }
        '.ForEach()'                    = { param($p, $n) (& $p).ForEach({ "$_" }) -join '|' }
        '.ForEach(name)'                = { param($p, $n) (& $p).ForEach($n[0]) | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore }
        'foreach statement'             = { param($p, $n) $v = & $p; $o = foreach ($x in $v) { "$x" }; $o -join '|' }
        'GetEnumerator'                 = { param($p, $n) $v = & $p; @($v.GetEnumerator() | ForEach-Object { "$_" }) -join '|' }
        'Compare-Object -Property'      = { param($p, $n) $a = @(& $p); @(Compare-Object $a $a -Property $n[0] -IncludeEqual | ForEach-Object { "$($_.($n[0]))$($_.SideIndicator)" }) -join ',' }
        'Get-Unique'                    = { param($p, $n) @(& $p | Get-Unique).Count }
        'Format-Table -Property'        = { param($p, $n) & $p | Format-Table -Property $n | Out-String -Width 200 }
        'Format-Table -AutoSize'        = { param($p, $n) & $p | Format-Table -AutoSize | Out-String -Width 200 }
        'Format-List *'                 = { param($p, $n) & $p | Format-List * | Out-String -Width 200 }
        'Format-Table -GroupBy'         = { param($p, $n) & $p | Format-Table -GroupBy $n[0] | Out-String -Width 200 }
        'Format-Table -InputObject'     = { param($p, $n) Format-Table -InputObject (& $p) | Out-String -Width 200 }
        'Out-String -Stream'            = { param($p, $n) (& $p | Out-String -Stream -Width 200) -join '|' }
        'ConvertTo-Json -AsArray'       = { param($p, $n) & $p | ConvertTo-Json -AsArray -Compress -Depth 3 -WarningAction Ignore }
        'ConvertTo-Json -EnumsAsStrings'= { param($p, $n) & $p | ConvertTo-Json -EnumsAsStrings -Compress -Depth 3 -WarningAction Ignore }
        'ConvertTo-Json -Depth 0'       = { param($p, $n) ConvertTo-Json -InputObject (& $p) -Depth 0 -Compress -WarningAction Ignore }
        'ConvertTo-Csv -UseQuotes Never'= { param($p, $n) & $p | ConvertTo-Csv -UseQuotes Never -NoTypeInformation }
        'Export-Csv roundtrip'          = { param($p, $n) $f = Join-Path ([IO.Path]::GetTempPath()) "fid-$PID.csv"; & $p | Export-Csv -LiteralPath $f; (Get-Content -LiteralPath $f) -join "`n"; Remove-Item -LiteralPath $f }
        'Export-Clixml roundtrip'       = { param($p, $n) $f = Join-Path ([IO.Path]::GetTempPath()) "fid-$PID.xml"; & $p | Export-Clixml -LiteralPath $f -Depth 3; Import-Clixml -LiteralPath $f | ConvertTo-Json -Depth 4 -Compress -WarningAction Ignore; Remove-Item -LiteralPath $f }
        'Export-Clixml -InputObject'    = { param($p, $n) $f = Join-Path ([IO.Path]::GetTempPath()) "fid-$PID.xml"; Export-Clixml -LiteralPath $f -Depth 3 -InputObject (& $p); Import-Clixml -LiteralPath $f | ConvertTo-Json -Depth 4 -Compress -WarningAction Ignore; Remove-Item -LiteralPath $f }
        '-notcontains'                  = { param($p, $n) $v = & $p; ($v -notcontains 'two') }
        '-eq filter'                    = { param($p, $n) @((& $p) -eq 'two') -join '|' }
        '-ne filter'                    = { param($p, $n) @((& $p) -ne $null).Count }
        '-like'                         = { param($p, $n) @((& $p) -like '*o*') | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore }
        '-replace'                      = { param($p, $n) ((& $p) -replace 'o', '0') -join '|' }
        '-split'                        = { param($p, $n) ((& $p) -split 'o') -join '|' }
        '[string[]] cast'               = { param($p, $n) try { ([string[]](& $p)) -join '|' } catch { "THROWN: $($_.FullyQualifiedErrorId)" } }
        '[object[]] cast'               = { param($p, $n) ([object[]](& $p)).Count }
        '[pscustomobject] cast'         = { param($p, $n) try { [pscustomobject](& $p) | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore } catch { "THROWN: $($_.FullyQualifiedErrorId)" } }
        '[hashtable] cast'              = { param($p, $n) try { $h = [hashtable](& $p); @($h.Keys | Sort-Object) -join ',' } catch { "THROWN: $($_.FullyQualifiedErrorId)" } }
        '[bool] cast'                   = { param($p, $n) [bool](& $p) }
        '[int] cast'                    = { param($p, $n) try { [int](& $p) } catch { "THROWN: $($_.FullyQualifiedErrorId)" } }
        'Properties.Name'               = { param($p, $n) foreach ($x in & $p) { if ($null -ne $x) { $x.PSObject.Properties.Name -join ',' } } }
        'Properties.Value'              = { param($p, $n) foreach ($x in & $p) { if ($null -ne $x) { @($x.PSObject.Properties | Where-Object MemberType -eq NoteProperty | ForEach-Object Value) | ConvertTo-Json -Compress -Depth 2 -WarningAction Ignore } } }
        'Get-Member NoteProperty'       = { param($p, $n) & $p | Get-Member -MemberType NoteProperty | ForEach-Object { "$($_.Name) $($_.Definition)" } }
        'Get-Member -Force'             = { param($p, $n) & $p | Get-Member -Force -MemberType MemberSet, CodeProperty | ForEach-Object { "$($_.Name) $($_.MemberType)" } }
        'Write-Output'                  = { param($p, $n) & $p | Write-Output | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'ForEach-Object $_'             = { param($p, $n) & $p | ForEach-Object { $_ } | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'ForEach-Object prop'           = { param($p, $n) & $p | ForEach-Object { $_.($n[0]) } | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'ConvertTo-Json nested'         = { param($p, $n) ConvertTo-Json -InputObject ([pscustomobject]@{ a = (& $p); b = @(, (& $p)) }) -Depth 5 -Compress -WarningAction Ignore }
        '[string]::Join'                = { param($p, $n) [string]::Join('|', @(& $p)) }
        'Out-String -InputObject'       = { param($p, $n) Out-String -InputObject (& $p) -Width 200 }
        'Format-Custom default'         = { param($p, $n) & $p | Format-Custom | Out-String -Width 200 }
        'Format-Wide -Property'         = { param($p, $n) & $p | Format-Wide -Property $n[0] | Out-String -Width 200 }
        'Sort-Object -Top'              = { param($p, $n) & $p | Sort-Object -Property $n[0] -Top 2 | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore }
        'Select-Object -Expand two'     = { param($p, $n) & $p | Select-Object -Property $n[1] -ExpandProperty $n[0] -ErrorAction SilentlyContinue | Out-String }
        'Format-Table nested prop'      = { param($p, $n) & $p | Format-Table -Property @{ N = 'X'; E = { $_.($n[0]) } } | Out-String -Width 200 }
    }
}

# Runs one operation over a producer; an error is part of the result.
function Invoke-FidelityOperation($Operation, $Producer, $Names) {
    try {
        $out = & $Operation $Producer $Names 2>&1
        (@($out | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { "ERROR: $($_.FullyQualifiedErrorId)" } else { "$_" } }) -join "`n")
    }
    catch { "THROWN: $($_.FullyQualifiedErrorId)" }
}

# Stores every shape in $Heap and compares every operation in every access mode; returns one row per case. The originals
# are made anew for every operation, and the stored values are read anew for every case.
function Invoke-FidelityComparison($Heap, $Operations, [string[]] $OnlyShape, [string[]] $OnlyOperation) {
    $stored = $false
    foreach ($op in $Operations.Keys) {
        if ($OnlyOperation -and $op -notin $OnlyOperation) { continue }
        $shapes = New-FidelityShapes
        $i = 0
        foreach ($shape in $shapes) {
            $i++
            if ($OnlyShape -and $shape.Name -notin $OnlyShape) { continue }
            $key = "shape$i"
            $ref = $shape.Reference
            $refParent = [pscustomobject]@{ Before = 1; Child = $ref }
            $refList = @(, $ref)
            if (-not $stored) {
                Set-AncientObject -Heap $Heap -Key $key -InputObject $shape.Value -Depth $shape.Depth -WarningAction SilentlyContinue
                if (-not $shape.NoNesting) {
                    Set-AncientObject -Heap $Heap -Key "$key.parent" -InputObject $refParent
                    Set-AncientObject -Heap $Heap -Key "$key.list" -InputObject $refList
                }
            }
            $names = Get-ShapeProperties $ref
            $modes = [ordered]@{
                'Piped'       = @({ Get-AncientObject -Heap $Heap -Key $key }.GetNewClosure(), { $ref }.GetNewClosure())
                'NoEnumerate' = @({ , (Get-AncientObject -Heap $Heap -Key $key -NoEnumerate) }.GetNewClosure(), { , $ref }.GetNewClosure())
            }
            if (-not $shape.NoNesting) {
                $modes['Property'] = @({ , (Get-AncientObject -Heap $Heap -Key "$key.parent").Child }.GetNewClosure(), { , $refParent.Child }.GetNewClosure())
                $modes['Element'] = @({ , (Get-AncientObject -Heap $Heap -Key "$key.list" -NoEnumerate)[0] }.GetNewClosure(), { , $refList[0] }.GetNewClosure())
            }
            foreach ($mode in $modes.Keys) {
                $fromHeap, $original = $modes[$mode]
                $a = Invoke-FidelityOperation $Operations[$op] $original $names
                $b = Invoke-FidelityOperation $Operations[$op] $fromHeap $names
                if ($shape.Mask) { $a = $a -replace $shape.Mask, '(live)'; $b = $b -replace $shape.Mask, '(live)' }
                [pscustomobject]@{ Shape = $shape.Name; Mode = $mode; Operation = $op; Same = ($a -ceq $b); Original = $a; Stored = $b }
            }
        }
        $stored = $true
    }
}

<#
Crossings: the value passed to another PowerShell (a job, a thread job, a -Parallel runspace, remoting's serializer), and
looked at there. Each shape's original (its Reference) and its stored copy (read -NoEnumerate) cross the same way, and
the same views are taken of both on the other side; the two texts are compared as above (Mode is the crossing, Operation
the view). Every crossing is one batch for all shapes: one child process for Start-Job, one thread job per Start-ThreadJob
crossing, one ForEach-Object -Parallel call per -Parallel crossing. The views run in a runspace that has not imported
AncientPS, as a job's or a -Parallel script's usually has not; their code is text, made into a script block there.
#>
$script:CrossingViewsText = @'
$views = [ordered]@{
    'crossed ConvertTo-Json' = { param($v, $n) ConvertTo-Json -InputObject $v -Depth 4 -Compress -WarningAction Ignore }
    'crossed property read'  = { param($v, $n) foreach ($name in $n) { ConvertTo-Json -InputObject $v.$name -Depth 2 -Compress -WarningAction Ignore } }
    'crossed Format-List'    = { param($v, $n) $v | Format-List | Out-String -Width 200 }
    'crossed type names'     = { param($v, $n) $v.PSTypeNames -join ','; foreach ($x in $v) { if ($null -ne $x) { $x.PSTypeNames -join ',' } } }
    'crossed Count'          = { param($v, $n) $v.Count }
    'crossed ToString'       = { param($v, $n) foreach ($x in $v) { if ($null -eq $x) { '<null>' } else { $x.ToString() } } }
    'crossed Clixml text'    = { param($v, $n) [System.Management.Automation.PSSerializer]::Serialize($v, 2) }
}
# One text per view, in the order of $views: an error is part of the text.
function Show-Crossed($v, [string[]] $n) {
    foreach ($view in $views.Values) {
        try {
            $out = & $view $v $n 2>&1
            (@($out | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { "ERROR: $($_.FullyQualifiedErrorId)" } else { "$_" } }) -join "`n")
        }
        catch { "THROWN: $($_.FullyQualifiedErrorId)" }
    }
}
'@

function Get-CrossingViewNames {
    . ([scriptblock]::Create($script:CrossingViewsText))
    @($views.Keys)
}

# The text that takes values through $using: in the receiving script: $values = @($using:crossing0, $using:crossing1...).
function Get-UsingText([int] $Count) {
    '$values = @(' + ((0..($Count - 1) | ForEach-Object { "`$using:crossing$_" }) -join ', ') + ')'
}

<#
The crossings, in batches: each batch a script block that takes the values (originals and stored copies, in one list)
and the property names for each, and returns, for each crossing of the batch in turn and each value in order, its view
texts. The values of a $using: crossing are the variables crossing0, crossing1... of the batch's own scope.
#>
function Get-FidelityCrossings {
    $batches = [System.Collections.Generic.List[object]]::new()
    # The batches are closures: they see these variables, not this file's functions.
    $receive = $script:CrossingViewsText
    $usingText = ${function:Get-UsingText}
    $viewCount = @(Get-CrossingViewNames).Count
    $batches.Add([pscustomobject]@{ Crossings = @('PSSerializer (remoting)'); Run = {
        param($values, $names)
        . ([scriptblock]::Create($receive))
        for ($i = 0; $i -lt $values.Count; $i++) {
            # What remoting does with an argument or an output object: PowerShell's serializer at its default depth.
            $crossed = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($values[$i]))
            Show-Crossed $crossed $names[$i]
        }
    }.GetNewClosure() })
    # One child process for both: each value an argument of its own (each serialized at the depth for an argument), and
    # each a $using: variable of its own.
    $batches.Add([pscustomobject]@{ Crossings = @('Start-Job -ArgumentList', 'Start-Job $using:'); Run = {
        param($values, $names)
        for ($i = 0; $i -lt $values.Count; $i++) { Set-Variable -Name "crossing$i" -Value $values[$i] }
        $job = Start-Job -ScriptBlock ([scriptblock]::Create($receive + "`n" + (& $usingText $values.Count) + "`n" + @'
$names = @($args[0] -split ';' | ForEach-Object { , ($_ -split ',') })
for ($i = 1; $i -lt $args.Count; $i++) { Show-Crossed $args[$i] $names[$i - 1] }
for ($i = 0; $i -lt $values.Count; $i++) { Show-Crossed $values[$i] $names[$i] }
'@)) -ArgumentList (@(, (@($names | ForEach-Object { $_ -join ',' }) -join ';')) + $values)
        $out = @($job | Wait-Job -Timeout 300 | Receive-Job)
        $job | Remove-Job -Force
        $out
    }.GetNewClosure() })
    if (Get-Command Start-ThreadJob -ErrorAction Ignore) {
        $batches.Add([pscustomobject]@{ Crossings = @('Start-ThreadJob -ArgumentList', 'Start-ThreadJob $using:'); Run = {
            param($values, $names)
            for ($i = 0; $i -lt $values.Count; $i++) { Set-Variable -Name "crossing$i" -Value $values[$i] }
            $job = Start-ThreadJob -ScriptBlock ([scriptblock]::Create($receive + "`n" + (& $usingText $values.Count) + "`n" + @'
for ($i = 0; $i -lt $args[0].Count; $i++) { Show-Crossed $args[0][$i] $args[1][$i] }
for ($i = 0; $i -lt $values.Count; $i++) { Show-Crossed $values[$i] $args[1][$i] }
'@)) -ArgumentList $values, $names
            $out = @($job | Wait-Job -Timeout 300 | Receive-Job)
            $job | Remove-Job -Force
            $out
        }.GetNewClosure() })
    }
    if ((Get-Command ForEach-Object).Parameters.ContainsKey('Parallel')) {
        $batches.Add([pscustomobject]@{ Crossings = @('ForEach-Object -Parallel $using:'); Run = {
            param($values, $names)
            for ($i = 0; $i -lt $values.Count; $i++) { Set-Variable -Name "crossing$i" -Value $values[$i] }
            $script = [scriptblock]::Create($receive + "`n" + (& $usingText $values.Count) + "`n" + @'
$names = $using:names
for ($i = 0; $i -lt $values.Count; $i++) { Show-Crossed $values[$i] $names[$i] }
'@)
            1 | ForEach-Object -Parallel $script
        }.GetNewClosure() })
        # Piped: the values' elements, one at a time, in order (one runspace at a time); each element's views are joined
        # per value. A counter shared by reference tells each element whose names to use.
        $batches.Add([pscustomobject]@{ Crossings = @('ForEach-Object -Parallel piped'); Run = {
            param($values, $names)
            $elementNames = [System.Collections.Generic.List[object]]::new()
            $counts = foreach ($i in 0..($values.Count - 1)) {
                $count = @($values[$i] | ForEach-Object { 1 }).Count
                for ($j = 0; $j -lt $count; $j++) { $elementNames.Add($names[$i]) }
                $count
            }
            $counter = [int[]] @(0)
            $script = [scriptblock]::Create($receive + "`n" + @'
$k = [System.Threading.Interlocked]::Increment([ref] ($using:counter)[0]) - 1
, @(Show-Crossed $_ ($using:elementNames)[$k])
'@)
            # Each value enumerated as a pipeline enumerates it, its elements kept whole.
            $perElement = @(foreach ($value in $values) { $value | ForEach-Object { , $_ } }) | ForEach-Object -ThrottleLimit 1 -Parallel $script
            $e = 0
            foreach ($count in $counts) {
                for ($v = 0; $v -lt $viewCount; $v++) { @(for ($j = 0; $j -lt $count; $j++) { $perElement[$e + $j][$v] }) -join "`n--`n" }
                $e += $count
            }
        }.GetNewClosure() })
    }
    $batches
}

# Crosses every shape's original and stored copy in every crossing and compares every view; returns one row per case.
function Invoke-CrossingComparison($Heap, $Batches, [string[]] $OnlyShape) {
    $shapes = @(New-FidelityShapes)
    $values = [System.Collections.Generic.List[object]]::new()
    $names = [System.Collections.Generic.List[object]]::new()
    $rows = [System.Collections.Generic.List[object]]::new()
    $i = 0
    foreach ($shape in $shapes) {
        $i++
        if ($OnlyShape -and $shape.Name -notin $OnlyShape) { continue }
        Set-AncientObject -Heap $Heap -Key "crossing$i" -InputObject $shape.Value -Depth $shape.Depth -WarningAction SilentlyContinue
        $n = [string[]] @(Get-ShapeProperties $shape.Reference)
        $values.Add($shape.Reference); $names.Add($n)
        $values.Add((Get-AncientObject -Heap $Heap -Key "crossing$i" -NoEnumerate)); $names.Add($n)
        $rows.Add($shape)
    }
    $viewNames = Get-CrossingViewNames
    $perCrossing = $values.Count * $viewNames.Count
    foreach ($batch in $Batches) {
        $texts = @(& $batch.Run $values.ToArray() $names.ToArray())
        if ($texts.Count -ne $perCrossing * $batch.Crossings.Count) { throw "The crossings '$($batch.Crossings -join "', '")' gave $($texts.Count) texts for $($values.Count) values and $($viewNames.Count) views: $($texts -join ' | ')" }
        for ($c = 0; $c -lt $batch.Crossings.Count; $c++) {
            for ($s = 0; $s -lt $rows.Count; $s++) {
                $shape = $rows[$s]
                for ($v = 0; $v -lt $viewNames.Count; $v++) {
                    $a = $texts[$c * $perCrossing + (2 * $s) * $viewNames.Count + $v]
                    $b = $texts[$c * $perCrossing + (2 * $s + 1) * $viewNames.Count + $v]
                    if ($shape.Mask) { $a = $a -replace $shape.Mask, '(live)'; $b = $b -replace $shape.Mask, '(live)' }
                    [pscustomobject]@{ Shape = $shape.Name; Mode = $batch.Crossings[$c]; Operation = $viewNames[$v]; Same = ($a -ceq $b); Original = $a; Stored = $b }
                }
            }
        }
    }
}
