# A stored .NET object is its serializer's copy: at the same depth it must behave as what Import-Clixml gives back.
# Every expectation here is the reference object's own output in this process, never text written by hand.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    function Get-SerializedCopy($Value, [int] $Depth) {
        , [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Value, $Depth))
    }

    function Get-Stored($Value, [int] $Depth) {
        $key = "k$([guid]::NewGuid().ToString('N'))"
        Set-AncientObject -Heap $script:heap -Key $key -InputObject $Value -Depth $Depth -WarningAction SilentlyContinue
        , (Get-AncientObject -Heap $script:heap -Key $key -NoEnumerate)
    }
}

Describe 'Stored .NET objects against Import-Clixml''s copy' {
    BeforeAll { $script:heap = Mount-AncientHeap -Anonymous }
    AfterAll { Dismount-AncientHeap -Heap $script:heap }

    It 'shows files in Format-Table and Format-List as the copy does (the type''s hidden NameString, LengthString, LastWriteTimeString)' {
        $files = @(Get-ChildItem -LiteralPath $PSHOME -File | Sort-Object Name | Select-Object -First 3)
        $reference = Get-SerializedCopy $files 1
        $stored = Get-Stored $files 1
        ($stored | Format-Table | Out-String -Width 200) | Should -BeExactly ($reference | Format-Table | Out-String -Width 200)
        ($stored | Format-List | Out-String -Width 200) | Should -BeExactly ($reference | Format-List | Out-String -Width 200)
        $stored[0].NameString | Should -BeExactly $reference[0].NameString
        $stored[0].LengthString | Should -BeExactly $reference[0].LengthString
    }

    It 'keeps a command''s hidden Namespace, in the copy''s property order' {
        $command = Get-Command -Name Get-Item -CommandType Cmdlet
        $reference = Get-SerializedCopy $command 1
        $stored = Get-Stored $command 1
        $stored.Namespace | Should -BeExactly $reference.Namespace
        @($stored.PSObject.Properties.Name)[0..2] | Should -Be @($reference.PSObject.Properties.Name)[0..2]
    }

    It 'stores an enum past the depth as its text, as the serializer does' {
        $process = Get-Process -Id $PID
        $reference = Get-SerializedCopy $process 1
        $stored = Get-Stored $process 1
        $stored.PriorityClass | Should -BeExactly $reference.PriorityClass
        $stored.PriorityClass.GetType() | Should -Be $reference.PriorityClass.GetType()
    }

    It 'stores a list or dictionary inside a .NET object as the ArrayList or Hashtable Import-Clixml gives back' {
        $command = Get-Command -Name Get-Item -CommandType Cmdlet
        $reference = Get-SerializedCopy $command 1
        $stored = Get-Stored $command 1
        $stored.Parameters.ToString() | Should -BeExactly $reference.Parameters.ToString()
        $stored.ParameterSets.ToString() | Should -BeExactly $reference.ParameterSets.ToString()
        @($stored.Parameters.GetEnumerator())[0].GetType() | Should -Be @($reference.Parameters.GetEnumerator())[0].GetType()
        @($stored.Parameters.Keys | Sort-Object) | Should -Be @($reference.Parameters.Keys | Sort-Object)
        # Named with the serializer's prefix, as what Import-Clixml makes is; never after the module's own classes.
        foreach ($inner in $stored.Parameters, $stored.ParameterSets) {
            $inner.PSTypeNames[0] | Should -BeLike 'Deserialized.System.Collections.*'
            [System.Management.Automation.PSSerializer]::Serialize($inner) | Should -Not -BeLike '*AncientPS*'
        }
    }

    It 'names a list or dictionary inside a .NET object after the original collection, as the copy does (format 1.4): <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        $command = Get-Command -Name Get-Item -CommandType Cmdlet
        $value = switch ($Mode) { 'root' { $command } 'property' { [pscustomobject]@{ Item = $command } } 'element' { , @($command) } }
        $depth = if ($Mode -eq 'root') { 1 } else { 2 }
        $reference = Get-SerializedCopy $value $depth
        $stored = Get-Stored $value $depth
        if ($Mode -eq 'property') { $reference = $reference.Item; $stored = $stored.Item }
        if ($Mode -eq 'element') { $reference = $reference[0]; $stored = $stored[0] }
        foreach ($name in 'Parameters', 'ParameterSets', 'OutputType') {
            # Deserialized.System.Collections.ObjectModel.ReadOnlyCollection`1[[...]] and its base types, not the ArrayList it reads as.
            @($stored.$name.PSTypeNames) | Should -Be @($reference.$name.PSTypeNames)
            @($stored.$name.PSTypeNames)[0] | Should -Not -BeLike '*ArrayList*'
            (Get-Member -InputObject $stored.$name)[0].TypeName | Should -BeExactly (Get-Member -InputObject $reference.$name)[0].TypeName
        }
        # So the whole object serializes as the copy does (in Clixml, a job, remoting).
        if ($Mode -eq 'root') {
            [System.Management.Automation.PSSerializer]::Serialize($stored, 1) | Should -BeExactly ([System.Management.Automation.PSSerializer]::Serialize($reference, 1))
        }
    }

    It 'enumerates a dictionary inside a .NET object in the order of Import-Clixml''s Hashtable, not the source''s' {
        # The deserializer rebuilds the dictionary as a Hashtable: its order follows this process's string hashes.
        $command = Get-Command -Name Get-Item -CommandType Cmdlet
        $reference = Get-SerializedCopy $command 1
        $stored = Get-Stored $command 1
        @($stored.Parameters.Keys) | Should -Be @($reference.Parameters.Keys)
        ($stored.Parameters | ConvertTo-Json -Compress) | Should -BeExactly ($reference.Parameters | ConvertTo-Json -Compress)
    }

    It 'writes a list inside a .NET object as Import-Clixml''s wrapped ArrayList does: its items in text, CSV and HTML' {
        $command = Get-Command -Name Get-Item -CommandType Cmdlet
        $reference = Get-SerializedCopy $command 1
        $stored = Get-Stored $command 1
        "$($stored.OutputType)" | Should -BeExactly "$($reference.OutputType)"
        ($stored | ConvertTo-Csv) | Should -Be ($reference | ConvertTo-Csv)
        ($stored | ConvertTo-Html -Fragment) | Should -Be ($reference | ConvertTo-Html -Fragment)
        $stored.OutputType.Count | Should -Be $reference.OutputType.Count
        $stored.OutputType[0] | Should -BeExactly $reference.OutputType[0]
    }

    It 'stores a script block as its text, as Import-Clixml gives it back: <Name>' -TestCases @(
        @{ Name = 'at the root'; Value = { Get-Date -Format o } }
        @{ Name = 'in a record'; Value = [pscustomobject]@{ Action = { 1 + 1 }; Name = 'job' } }
    ) {
        $reference = Get-SerializedCopy $Value 2
        $stored = Get-Stored $Value 2
        ($stored | ConvertTo-Json -Compress) | Should -BeExactly ($reference | ConvertTo-Json -Compress)
        if ($Value -is [scriptblock]) { $stored | Should -BeOfType ([string]) } else { $stored.Action | Should -BeOfType ([string]) }
    }

    It 'gives back the types Import-Clixml makes anew as those types, in a record and in a list: <Name>' -TestCases @(
        @{ Name = 'IPAddress'; Value = [ipaddress]'10.1.2.3' }
        @{ Name = 'IPv6 address'; Value = [ipaddress]'fe80::1%2' }
        @{ Name = 'SwitchParameter'; Value = [switch]$true }
        @{ Name = 'CultureInfo'; Value = [System.Globalization.CultureInfo]::GetCultureInfo('de-DE') }
        @{ Name = 'MailAddress'; Value = [System.Net.Mail.MailAddress]'Ops Team <ops@example.org>' }
        @{ Name = 'X500DistinguishedName'; Value = [System.Security.Cryptography.X509Certificates.X500DistinguishedName]::new('CN=web01, O=Example') }
    ) {
        $original = [pscustomobject]@{ Name = 'host'; Value = $Value; Items = @($Value, 1) }
        $reference = Get-SerializedCopy $original 2
        $stored = Get-Stored $original 2
        foreach ($pair in @(@($reference.Value, $stored.Value), @($reference.Items[0], $stored.Items[0]))) {
            $expected, $actual = $pair
            $actual.GetType() | Should -Be $expected.GetType()
            "$actual" | Should -BeExactly "$expected"
            ConvertTo-Json -InputObject $actual -Compress -Depth 1 -WarningAction Ignore | Should -BeExactly (ConvertTo-Json -InputObject $expected -Compress -Depth 1 -WarningAction Ignore)
        }
        ($stored | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore) | Should -BeExactly ($reference | ConvertTo-Json -Compress -Depth 3 -WarningAction Ignore)
    }

    It 'gives back DBNull and SemanticVersion, which Import-Clixml makes property bags of, as themselves: <Name>' -TestCases @(
        @{ Name = 'DBNull'; Make = { [DBNull]::Value } }
        @{ Name = 'SemanticVersion'; Make = { [semver]'1.2.3-beta.1' } }
    ) {
        param($Name, $Make)
        $original = & $Make
        $record = [pscustomobject]@{ Value = (& $Make); After = 1 }
        foreach ($stored in (Get-Stored $original 2), (Get-Stored $record 2).Value, (Get-Stored @(1, $original) 2)[1]) {
            $stored.GetType() | Should -Be $original.GetType()
            "[$stored]" | Should -BeExactly "[$original]"
            ConvertTo-Json -InputObject $stored -Compress | Should -BeExactly (ConvertTo-Json -InputObject $original -Compress)
            $stored -eq $original | Should -BeTrue
        }
        (Get-Stored $record 2) | ConvertTo-Json -Compress | Should -BeExactly ($record | ConvertTo-Json -Compress)
        # Import-Clixml's bag is neither: the stored copy is better than the reference here, on purpose.
        (Get-SerializedCopy $original 2).GetType() | Should -Not -Be $original.GetType()
    }

    It 'keeps a stored SemanticVersion whose text does not parse the property bag it is' {
        $bag = [pscustomobject]@{ Major = 1 }
        $bag.PSTypeNames.Insert(0, 'System.Management.Automation.SemanticVersion')
        $stored = Get-Stored $bag 2
        $stored | Should -BeOfType ([pscustomobject])
        $stored.Major | Should -Be 1
    }
}

Describe 'A stored .NET object keeps its adapted properties apart, as Import-Clixml''s copy does (format 1.3)' {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Anonymous
        $script:deserialized = [AncientPS.Projection.StoredRecordObject].Assembly.GetType('AncientPS.Projection.DeserializedMembers')
        $script:enabled = $script:deserialized.GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')
        function Get-MemberText($Value) { $Value | Get-Member | ForEach-Object { "$($_.Name) $($_.MemberType) $($_.Definition)" } }
        function Get-PropertyText($Value) { $Value.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType):$($_.TypeNameOfValue)" } }
        $script:file = Get-Item -LiteralPath (Join-Path $PSHOME 'pwsh.dll')
    }
    AfterAll {
        $script:enabled.SetValue($null, $true)
        Dismount-AncientHeap -Heap $script:heap
    }

    It 'lists Property and NoteProperty members, methods and property order as the copy does: <Name>, <Mode>' -TestCases @(
        @{ Name = 'a file'; Mode = 'root' }, @{ Name = 'a file'; Mode = 'property' }, @{ Name = 'a file'; Mode = 'element' },
        @{ Name = 'this process'; Mode = 'root' }, @{ Name = 'a command'; Mode = 'element' }
    ) {
        $original = switch ($Name) { 'a file' { $script:file } 'this process' { Get-Process -Id $PID } 'a command' { Get-Command Get-Item -CommandType Cmdlet } }
        $value = switch ($Mode) { 'root' { $original } 'property' { [pscustomobject]@{ Item = $original } } 'element' { , @($original) } }
        $depth = if ($Mode -eq 'root') { 1 } else { 2 }
        $reference = Get-SerializedCopy $value $depth
        $stored = Get-Stored $value $depth
        if ($Mode -eq 'property') { $reference = $reference.Item; $stored = $stored.Item }
        if ($Mode -eq 'element') { $reference = $reference[0]; $stored = $stored[0] }
        # A live process's counters move between the two copies, and below the top an enum comes back as itself where the
        # copy has a deserialized one (Deserialized.System.IO.FileAttributes): names and member types are compared then.
        if ($Name -eq 'this process' -or $Mode -ne 'root') {
            @($stored.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" }) | Should -Be @($reference.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" })
            @($stored | Get-Member | ForEach-Object { "$($_.Name) $($_.MemberType)" }) | Should -Be @($reference | Get-Member | ForEach-Object { "$($_.Name) $($_.MemberType)" })
            "$stored" | Should -BeExactly "$reference"
            return
        }
        @(Get-MemberText $stored) | Should -Be @(Get-MemberText $reference)
        @(Get-PropertyText $stored) | Should -Be @(Get-PropertyText $reference)
        ($stored | Select-Object * | ConvertTo-Json -Depth 1 -Compress -WarningAction Ignore) | Should -BeExactly ($reference | Select-Object * | ConvertTo-Json -Depth 1 -Compress -WarningAction Ignore)
        $stored.ToString() | Should -BeExactly $reference.ToString()
        "$stored" | Should -BeExactly "$reference"
    }

    It 'writes the adapted properties as <Props> again: Clixml, Export-Clixml and Import-Clixml, a thread job' {
        $reference = Get-SerializedCopy $script:file 1
        $stored = Get-Stored $script:file 1
        # The names in <Props> and <MS> (the whole text differs where the file's drive, a live object, was read at another moment).
        foreach ($element in 'Props', 'MS') {
            $names = foreach ($value in $stored, $reference) {
                $xml = [xml][System.Management.Automation.PSSerializer]::Serialize($value, 1)
                (@($xml.Objs.Obj.$element.ChildNodes | ForEach-Object { $_.GetAttribute('N') }) -join ',')
            }
            $names[0] | Should -Not -BeNullOrEmpty
            $names[0] | Should -BeExactly $names[1]
        }
        $path = Join-Path $TestDrive 'file.xml'
        $stored | Export-Clixml -LiteralPath $path -Depth 1
        $back = Import-Clixml -LiteralPath $path
        @(Get-PropertyText $back) | Should -Be @(Get-PropertyText $reference)
        $back.Length | Should -Be $script:file.Length
        if (Get-Command Start-ThreadJob -ErrorAction Ignore) {
            $crossed = Start-ThreadJob -ArgumentList $stored { param($x) "$($x.Length) $($x.PSObject.Properties['Length'].MemberType) $x" } | Receive-Job -Wait -AutoRemoveJob
            $crossed | Should -BeExactly "$($script:file.Length) Property $($script:file.FullName)"
        }
    }

    It 'stays read-only, and a copy holds every property as a note property that can be changed' {
        $stored = Get-Stored $script:file 1
        { $stored.Length = 5 } | Should -Throw -ExpectedMessage '*read-only*Get-AncientObject -Materialize*'
        $stored.Length | Should -Be $script:file.Length
        $copy = $stored.PSObject.Copy()
        @($copy.PSObject.Properties.Name) | Should -Be @($stored.PSObject.Properties.Name)
        $copy.Length = 5
        $copy.Length | Should -Be 5
    }

    It 'is stored again, in another heap too, with its properties still apart' {
        $stored = Get-Stored $script:file 1
        $again = Get-Stored $stored 1
        @(Get-PropertyText $again) | Should -Be @(Get-PropertyText $stored)
        $other = Mount-AncientHeap -Anonymous
        try {
            Set-AncientObject -Heap $other -Key f -InputObject $stored
            $copied = Get-AncientObject -Heap $other -Key f
            @(Get-PropertyText $copied) | Should -Be @(Get-PropertyText $stored)
            @($copied.PSObject.Properties | Where-Object MemberType -EQ Property).Count | Should -BeGreaterThan 5
        }
        finally { Dismount-AncientHeap -Heap $other }
    }

    It 'falls back to note properties, with the same values and text, where PowerShell''s internal members are not used' {
        $script:enabled.SetValue($null, $false)
        try {
            $stored = Get-Stored $script:file 1
            $reference = Get-SerializedCopy $script:file 1
            @($stored.PSObject.Properties | Where-Object MemberType -NE NoteProperty).Count | Should -Be 0
            @($stored.PSObject.Properties.Name) | Should -Be @($reference.PSObject.Properties.Name)
            foreach ($name in 'Name', 'Length', 'FullName', 'Mode', 'PSPath') { $stored.$name | Should -Be $reference.$name }
            "$stored" | Should -BeExactly "$reference"
            ([System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($stored, 1))).Length | Should -Be $script:file.Length
        }
        finally { $script:enabled.SetValue($null, $true) }
    }
}

Describe 'Stored dictionaries show what the original dictionary shows' {
    BeforeAll { $script:heap = Mount-AncientHeap -Anonymous }
    AfterAll { Dismount-AncientHeap -Heap $script:heap }

    It 'lists the original type''s properties, in its order, with its property types: <Name>' -TestCases @(
        @{ Name = 'hashtable'; Value = @{ a = 1; b = 'two' } }
        @{ Name = 'ordered'; Value = [ordered]@{ z = 1; a = 'two' } }
        @{ Name = 'generic'; Value = & { $d = [System.Collections.Generic.Dictionary[string, int]]::new(); $d['one'] = 1; $d }; Untyped = 'Keys', 'Values' }
        # PowerShell 7.3 and later: an OrderedHashtable lists its properties in an order of its own (Count first).
        @{ Name = 'ConvertFrom-Json -AsHashtable'; Value = if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('AsHashtable')) { '{"z":1,"a":{"b":2}}' | ConvertFrom-Json -AsHashtable } }
    ) {
        if ($null -eq $Value) { Set-ItResult -Skipped -Because 'this PowerShell has no ConvertFrom-Json -AsHashtable'; return }
        $stored = Get-Stored $Value 2
        # A generic dictionary's Keys and Values are collections of its own generic types; a stored one declares them
        # ICollection (the stored dictionary is one class for every key and value type). Comparer and Capacity it has not.
        $shown = { param($d) @($d.PSObject.Properties | Where-Object Name -NotIn 'Comparer', 'Capacity' | ForEach-Object { if ($_.Name -in $Untyped) { $_.Name } else { "$($_.Name):$($_.TypeNameOfValue)" } }) }
        (& $shown $stored) | Should -Be (& $shown $Value)
        @(Get-Member -InputObject $stored -MemberType Property | Where-Object Name -In 'Heap', 'Key', 'Offset', 'IgnoresCase', 'DictionaryTypeName', 'IsOrdered') | Should -BeNullOrEmpty
        $stored.Keys.ToString() | Should -BeExactly $Value.Keys.ToString()
        $stored.Values.ToString() | Should -BeExactly $Value.Values.ToString()
    }

    It 'still answers a key as a member and reports where it lives through Describe' {
        $stored = Get-Stored ([ordered]@{ web01 = 1 }) 2
        $stored.web01 | Should -Be 1
        $info = [AncientPS.Engine.AncientValue]::Describe($stored)
        $info.TypeName | Should -BeExactly 'System.Collections.Specialized.OrderedDictionary'
        $info.IgnoresCase | Should -BeTrue
    }
}

Describe 'Stored XML documents' {
    BeforeAll { $script:heap = Mount-AncientHeap -Anonymous }
    AfterAll { Dismount-AncientHeap -Heap $script:heap }

    It 'reads an [xml] document back as the document Import-Clixml gives, at the root and inside a record' {
        $xml = [xml]'<servers><server name="web01" up="true"><ip>10.0.0.1</ip></server><server name="web02"/></servers>'
        $reference = Get-SerializedCopy $xml 2
        $stored = Get-Stored $xml 2
        $stored | Should -BeOfType ([System.Xml.XmlDocument])
        $stored.OuterXml | Should -BeExactly $reference.OuterXml
        @($stored.servers.server.name) | Should -Be @($reference.servers.server.name)
        $parent = Get-Stored ([pscustomobject]@{ Config = $xml; Name = 'x' }) 2
        $parent.Config.servers.server[0].ip | Should -BeExactly $reference.servers.server[0].ip
    }

    It 'reads a record that only looks like a stored document, but holds no XML, as the record it is' {
        $record = [pscustomobject]@{ PSTypeName = 'System.Xml.XmlDocument'; OuterXml = 'not <xml' }
        $stored = Get-Stored $record 2
        $stored.OuterXml | Should -BeExactly 'not <xml'
        $stored | Should -Not -BeOfType ([System.Xml.XmlDocument])
    }
}

Describe 'Set follows a type''s serialization settings from its type data, as Export-Clixml does' {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Anonymous
        if (-not ('AncientFidelity.Settled' -as [type])) {
            Add-Type -TypeDefinition @'
namespace AncientFidelity {
    public class Settled { public string Name = "settled"; public string Secret = "kept out"; public Settled Next; public override string ToString() { return "Settled " + Name; } }
    public class Shallow { public string Name = "shallow"; public Shallow Inner; }
    public class Holder { public object Item; }
}
'@
        }
        function Get-Chain([int] $Length) {
            $first = [AncientFidelity.Shallow]::new(); $at = $first
            for ($i = 1; $i -lt $Length; $i++) { $at.Inner = [AncientFidelity.Shallow]::new(); $at = $at.Inner }
            $first
        }
        function Get-Shape($Value) {
            # Each level's type and property names, as far as the value goes.
            $lines = @()
            while ($null -ne $Value) {
                $lines += "$($Value.GetType().Name):$(@($Value.PSObject.Properties.Name) -join ',')"
                $Value = if ($Value -is [string]) { $null } else { $Value.Inner }
            }
            $lines
        }
    }
    AfterAll {
        Remove-TypeData -TypeName AncientFidelity.Settled, AncientFidelity.Shallow -ErrorAction Ignore
        Dismount-AncientHeap -Heap $script:heap
    }

    It 'stores a command''s parameters with their PropertySerializationSet, its OutputType as text and its ImplementingType as an object: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        $command = Get-Command -Name Get-Item -CommandType Cmdlet
        $value = switch ($Mode) { 'root' { $command } 'property' { [pscustomobject]@{ Item = $command } } 'element' { , @($command) } }
        $reference = Get-SerializedCopy $value 3
        $stored = Get-Stored $value 3
        if ($Mode -eq 'property') { $reference = $reference.Item; $stored = $stored.Item }
        if ($Mode -eq 'element') { $reference = $reference[0]; $stored = $stored[0] }
        @($stored.Parameters['Path'].PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" }) | Should -Be @($reference.Parameters['Path'].PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" })
        @($stored.OutputType | ForEach-Object { $_.GetType().FullName + ' ' + $_ }) | Should -Be @($reference.OutputType | ForEach-Object { $_.GetType().FullName + ' ' + $_ })
        $stored.ImplementingType.FullName | Should -BeExactly $reference.ImplementingType.FullName
        @($stored.ImplementingType.PSTypeNames) | Should -Be @($reference.ImplementingType.PSTypeNames)
    }

    It 'stores an exception one level deep whatever depth is left, as its type data says' {
        $failure = [System.IO.IOException]::new('boom', [System.ArgumentException]::new('inner', [System.FormatException]::new('innermost')))
        foreach ($depth in 1, 4) {
            $value = [pscustomobject]@{ Name = 'job'; Failure = $failure }
            $reference = (Get-SerializedCopy $value $depth).Failure
            $stored = (Get-Stored $value $depth).Failure
            @($stored.PSObject.Properties.Name) | Should -Be @($reference.PSObject.Properties.Name)
            $stored.InnerException.GetType() | Should -Be $reference.InnerException.GetType()
            "$($stored.InnerException)" | Should -BeExactly "$($reference.InnerException)"
            @($stored.InnerException.PSObject.Properties.Name) | Should -Be @($reference.InnerException.PSObject.Properties.Name)
            @($stored.Data.PSTypeNames) | Should -Be @($reference.Data.PSTypeNames)
            $stored.Data -is [hashtable] | Should -BeTrue
        }
    }

    It 'follows a SerializationDepth, SerializationMethod String and SpecificProperties set with Update-TypeData' {
        Update-TypeData -TypeName AncientFidelity.Shallow -SerializationDepth 1 -Force
        Update-TypeData -TypeName AncientFidelity.Settled -SerializationMethod SpecificProperties -PropertySerializationSet Name, Next -Force
        try {
            # A chain of five is cut one level below each object, at any depth asked for: deeper than 1 and shallower.
            foreach ($depth in 1, 3) {
                $holder = [AncientFidelity.Holder]::new(); $holder.Item = Get-Chain 5
                $reference = Get-SerializedCopy $holder $depth
                $stored = Get-Stored $holder $depth
                @(Get-Shape $stored.Item) | Should -Be @(Get-Shape $reference.Item)
            }
            $settled = [AncientFidelity.Settled]::new(); $settled.Next = [AncientFidelity.Settled]::new()
            $reference = Get-SerializedCopy $settled 2
            $stored = Get-Stored $settled 2
            @($stored.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" }) | Should -Be @($reference.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" })
            $stored.Secret | Should -BeNullOrEmpty
            @($stored.Next.PSObject.Properties.Name) | Should -Be @($reference.Next.PSObject.Properties.Name)
            "$stored" | Should -BeExactly "$reference"

            # Read anew by the next Set.
            Remove-TypeData -TypeName AncientFidelity.Settled
            Update-TypeData -TypeName AncientFidelity.Settled -SerializationMethod String -StringSerializationSource Name -Force
            $reference = Get-SerializedCopy ([pscustomobject]@{ S = $settled }) 2
            $stored = Get-Stored ([pscustomobject]@{ S = $settled }) 2
            $stored.S | Should -BeOfType [string]
            $stored.S | Should -BeExactly $reference.S
        }
        finally { Remove-TypeData -TypeName AncientFidelity.Settled, AncientFidelity.Shallow -ErrorAction Ignore }
    }

    It 'keeps the note and script properties a script added to such an object, read through PowerShell''s internals or the public way: <Way>' -TestCases @(
        @{ Way = 'internals'; Internal = $true }, @{ Way = 'public'; Internal = $false }
    ) {
        $reader = [AncientPS.Projection.StoredRecordObject].Assembly.GetType('AncientPS.Projection.PropertyBagReader')
        $switch = $reader.GetProperty('UseInternalMembers', [Reflection.BindingFlags]'NonPublic,Static')
        Update-TypeData -TypeName AncientFidelity.Settled -SerializationMethod SpecificProperties -PropertySerializationSet Name, Next -Force
        $switch.SetValue($null, $Internal)
        try {
            $noted = [AncientFidelity.Settled]::new() | Add-Member -NotePropertyName Owner -NotePropertyValue 'ops' -PassThru |
                Add-Member -NotePropertyName Rank -NotePropertyValue 3 -PassThru
            $scripted = [AncientFidelity.Settled]::new() | Add-Member -NotePropertyName Owner -NotePropertyValue 'dev' -PassThru |
                Add-Member -MemberType ScriptProperty -Name Loud -Value { $this.Name.ToUpper() } -PassThru
            $value = [pscustomobject]@{ Noted = $noted; Scripted = $scripted }
            $reference = Get-SerializedCopy $value 3
            $stored = Get-Stored $value 3
            foreach ($name in 'Noted', 'Scripted') {
                @($stored.$name.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)=$($_.Value)" }) |
                    Should -Be @($reference.$name.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)=$($_.Value)" })
            }
        }
        finally {
            $switch.SetValue($null, $true)
            Remove-TypeData -TypeName AncientFidelity.Settled -ErrorAction Ignore
        }
    }
}

Describe 'Error and informational records are stored as the serializer writes them' {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Anonymous
        $script:remoting = [AncientPS.Projection.StoredRecordObject].Assembly.GetType('AncientPS.Projection.RemotingRecords')
        $script:useInternal = $script:remoting.GetProperty('UseInternal', [Reflection.BindingFlags]'NonPublic,Static')
        function Get-PropertyText($Value) { $Value.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" } }
        function New-Failure {
            try { Get-Item -LiteralPath (Join-Path $TestDrive 'missing') -ErrorAction Stop } catch { $_ }
        }
    }
    AfterAll {
        $script:useInternal.SetValue($null, $true)
        Dismount-AncientHeap -Heap $script:heap
    }

    It 'keeps an error''s remoting notes and extended members and none of its .NET properties, as the copy: <Mode>, internal form <Internal>' -TestCases @(
        @{ Mode = 'root'; Internal = $true }, @{ Mode = 'property'; Internal = $true }, @{ Mode = 'element'; Internal = $true },
        @{ Mode = 'root'; Internal = $false }, @{ Mode = 'property'; Internal = $false }
    ) {
        $script:useInternal.SetValue($null, $Internal)
        $failure = New-Failure
        $value = switch ($Mode) { 'root' { $failure } 'property' { [pscustomobject]@{ Item = $failure } } 'element' { , @($failure) } }
        $stored = Get-Stored $value 2
        # Set does not add the notes to the caller's object (Export-Clixml does, so the reference is made after).
        @($failure.PSObject.Properties.Name) | Should -Not -Contain 'ErrorCategory_Reason'
        $reference = Get-SerializedCopy $value 2
        if ($Mode -eq 'property') { $reference = $reference.Item; $stored = $stored.Item }
        if ($Mode -eq 'element') { $reference = $reference[0]; $stored = $stored[0] }
        @(Get-PropertyText $stored) | Should -Be @(Get-PropertyText $reference)
        @($stored.PSTypeNames) | Should -Be @($reference.PSTypeNames)
        $stored.ErrorCategory_Message | Should -BeExactly $reference.ErrorCategory_Message
        $stored.Exception.Message | Should -BeExactly $reference.Exception.Message
        "$stored" | Should -BeExactly "$reference"
        ($stored | Format-List * -Force | Out-String) | Should -BeExactly ($reference | Format-List * -Force | Out-String)
        ($stored | Out-String) | Should -BeExactly ($reference | Out-String)
    }

    It 'keeps a warning''s and a verbose record''s remoting notes: internal form <Internal>' -TestCases @(@{ Internal = $true }, @{ Internal = $false }) {
        $script:useInternal.SetValue($null, $Internal)
        foreach ($record in [System.Management.Automation.WarningRecord]::new('careful'), [System.Management.Automation.VerboseRecord]::new('said')) {
            $stored = Get-Stored $record 2
            $reference = Get-SerializedCopy $record 2
            @(Get-PropertyText $stored) | Should -Be @(Get-PropertyText $reference)
            [System.Management.Automation.PSSerializer]::Serialize($stored, 2) | Should -BeExactly ([System.Management.Automation.PSSerializer]::Serialize($reference, 2))
        }
    }
}

Describe 'Objects other cmdlets give, stored as they are' {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Anonymous
        $script:textFile = Join-Path $TestDrive 'lines.txt'
        Set-Content -LiteralPath $script:textFile -Value 'alpha', 'beta', 'gamma'
        function Get-InMode($Value, [string] $Mode, [int] $Depth) {
            # The value as each access mode reaches it, from the copy and from the store at the same depth.
            $holder = switch ($Mode) { 'root' { $Value } 'property' { [pscustomobject]@{ Item = $Value } } 'element' { , @($Value) } }
            $reference = Get-SerializedCopy $holder $Depth
            $stored = Get-Stored $holder $Depth
            switch ($Mode) {
                'property' { $reference = $reference.Item; $stored = $stored.Item }
                'element' { $reference = $reference[0]; $stored = $stored[0] }
            }
            $reference, $stored
        }
    }
    AfterAll { Dismount-AncientHeap -Heap $script:heap }

    It 'stores Select-String''s matches, whose Groups are a list that is also a dictionary, as Import-Clixml''s copy: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        $found = @(Select-String -LiteralPath $script:textFile -Pattern '(?<vowel>a)(?<rest>.)')
        $reference, $stored = Get-InMode $found $Mode 3
        ($stored | Out-String -Width 200) | Should -BeExactly ($reference | Out-String -Width 200)
        ($stored | Format-List * | Out-String -Width 300) | Should -BeExactly ($reference | Format-List * | Out-String -Width 300)
        ($stored | ConvertTo-Json -Depth 5 -Compress -WarningAction Ignore) | Should -BeExactly ($reference | ConvertTo-Json -Depth 5 -Compress -WarningAction Ignore)
        @($stored[0].Matches[0].Groups | ForEach-Object { "$($_.Name)=$($_.Value)" }) | Should -Be @($reference[0].Matches[0].Groups | ForEach-Object { "$($_.Name)=$($_.Value)" })
    }

    It 'stores a type''s script property that gives nothing as Import-Clixml''s copy has it, and an empty pipeline''s value as $null: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        Update-TypeData -TypeName System.Text.StringBuilder -MemberType ScriptProperty -MemberName AncientNothing -Value { } -Force
        try {
            $original = [System.Text.StringBuilder]::new('text')
            $null -eq $original.AncientNothing | Should -BeTrue
            $reference, $stored = Get-InMode $original $Mode 2
            $storedValue = $stored.PSObject.Properties['AncientNothing'].Value
            $referenceValue = $reference.PSObject.Properties['AncientNothing'].Value
            # The empty text where no depth is left (element and property), an empty object where it is (root).
            $storedValue.GetType() | Should -Be $referenceValue.GetType()
            "$storedValue" | Should -BeExactly "$referenceValue"
            (@($stored) | ConvertTo-Json -Compress) | Should -BeExactly (@($reference) | ConvertTo-Json -Compress)
            (@($stored) | ConvertTo-Csv) | Should -Be (@($reference) | ConvertTo-Csv)
        }
        finally { Remove-TypeData -TypeName System.Text.StringBuilder -ErrorAction Ignore }
        # A hashtable value written by an empty pipeline: $null, not an empty object.
        $table = @{ Empty = & { }; Full = 1 }
        $storedTable = Get-Stored $table 2
        $null -eq $storedTable.Empty | Should -BeTrue
        ($storedTable | ConvertTo-Json -Compress) | Should -BeExactly ($table | ConvertTo-Json -Compress)
    }

    It 'stores an XML element as an element with the original''s attributes and children, namespaces declared above it included: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        $document = [xml]'<config xmlns="urn:cfg" xmlns:p="urn:p"><server name="web01"><p:zone>eu</p:zone><port>80</port></server></config>'
        $original = $document.config.server
        $holder = switch ($Mode) { 'root' { $original } 'property' { [pscustomobject]@{ Item = $original } } 'element' { , @($original) } }
        $stored = Get-Stored $holder 2
        $stored = switch ($Mode) { 'root' { $stored } 'property' { $stored.Item } 'element' { $stored[0] } }
        $stored | Should -BeOfType [System.Xml.XmlElement]
        ($stored | Format-List | Out-String) | Should -BeExactly ($original | Format-List | Out-String)
        @($stored.PSObject.Properties.Name) | Should -Be @($original.PSObject.Properties.Name)
        $stored.zone | Should -BeExactly $original.zone
        $stored.NamespaceURI | Should -BeExactly $original.NamespaceURI
        $stored.OuterXml | Should -BeExactly $original.OuterXml
        # A copy of its own at each read: changing it changes nothing stored.
        Set-AncientObject -Heap $script:heap -Key xmlElement -InputObject $original
        (Get-AncientObject -Heap $script:heap -Key xmlElement).name = 'changed'
        (Get-AncientObject -Heap $script:heap -Key xmlElement).name | Should -BeExactly 'web01'
        # Select-Xml's nodes, one level down in a .NET object.
        $selected = @(Select-Xml -Xml $document -XPath '//*[local-name()="server"]')
        $storedSelection = Get-Stored $selected 2
        ($storedSelection | Out-String) | Should -BeExactly ($selected | Out-String)
        $storedSelection[0].Node.name | Should -BeExactly 'web01'
    }

    It 'stores data rows by their columns and a DataTable as its rows, as Import-Clixml gives them back: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        $table = [System.Data.DataTable]::new('Servers')
        $null = $table.Columns.Add('Id', [int]); $null = $table.Columns.Add('Name', [string])
        $null = $table.Rows.Add(1, 'web01'); $null = $table.Rows.Add(2, [DBNull]::Value)
        foreach ($original in @(, @($table.Rows)), @(, $table)) {
            $reference, $stored = Get-InMode $original[0] $Mode 1
            ($stored | ConvertTo-Json -Compress) | Should -BeExactly ($reference | ConvertTo-Json -Compress)
            ($stored | Format-Table | Out-String) | Should -BeExactly ($reference | Format-Table | Out-String)
            ($stored | Format-List | Out-String) | Should -BeExactly ($reference | Format-List | Out-String)
            @($stored | ForEach-Object { @($_.PSObject.Properties.Name) -join ',' }) | Should -Be @($reference | ForEach-Object { @($_.PSObject.Properties.Name) -join ',' })
            @($stored)[0].PSTypeNames[0] | Should -BeExactly 'Deserialized.System.Data.DataRow'
        }
    }

    It 'gives with -Materialize the same types Get gives: XML, an empty credential, the types Import-Clixml makes anew: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        $document = [xml]'<config><server name="web01"/></config>'
        $original = [pscustomobject]@{
            Ip = [ipaddress]'10.1.2.3'; Credential = [pscredential]::Empty; Switch = [switch]$true; Culture = [cultureinfo]'de-DE'
            Null = [DBNull]::Value; Version = [semver]'1.2.3-beta'; Document = $document; Element = $document.config.server
        }
        $holder = switch ($Mode) { 'root' { $original } 'property' { [pscustomobject]@{ Item = $original } } 'element' { , @($original) } }
        Set-AncientObject -Heap $script:heap -Key materialized -InputObject $holder
        $read = Get-AncientObject -Heap $script:heap -Key materialized -NoEnumerate
        $copy = Get-AncientObject -Heap $script:heap -Key materialized -NoEnumerate -Materialize
        switch ($Mode) { 'property' { $read = $read.Item; $copy = $copy.Item } 'element' { $read = $read[0]; $copy = $copy[0] } }
        foreach ($name in $original.PSObject.Properties.Name) {
            $copy.$name.GetType() | Should -Be $original.$name.GetType() -Because $name
            "$($copy.$name)" | Should -BeExactly "$($read.$name)" -Because $name
        }
        $copy.Document.OuterXml | Should -BeExactly $document.OuterXml
        $copy.Element.name | Should -BeExactly 'web01'
        # A copy: changing it changes nothing stored.
        $copy.Element.name = 'changed'
        $copy.PSObject.Properties.Remove('Ip')
        $again = Get-AncientObject -Heap $script:heap -Key materialized -NoEnumerate
        switch ($Mode) { 'property' { $again = $again.Item } 'element' { $again = $again[0] } }
        $again.Element.name | Should -BeExactly 'web01'
        "$($again.Ip)" | Should -BeExactly '10.1.2.3'
    }

    It 'stores Select-Object * of live objects, keeping what cannot be stored (a process''s SafeHandle) as its text, where a user''s own is refused' {
        $selected = @(Get-Process -Id $PID | Select-Object *)
        $selected[0].PSTypeNames[0] | Should -BeLike 'Selected.*'
        Set-AncientObject -Heap $script:heap -Key selectedProcess -InputObject $selected -Depth 1
        $stored = Get-AncientObject -Heap $script:heap -Key selectedProcess
        $stored.Id | Should -Be $PID
        $stored.SafeHandle | Should -BeExactly "$($selected[0].SafeHandle)"
        $stored.ProcessName | Should -BeExactly $selected[0].ProcessName
        { Set-AncientObject -Heap $script:heap -Key ownHandle -InputObject ([pscustomobject]@{ Handle = $selected[0].SafeHandle }) -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsupportedType,AncientPS.Commands.SetAncientObjectCommand'
    }

    It 'stores an exited process, whose start info''s environment enumerates pairs' {
        $exited = Start-Process -FilePath (Join-Path $PSHOME 'pwsh') -ArgumentList '-NoProfile', '-Command', 'exit 3' -PassThru
        $exited.WaitForExit()
        $stored = Get-Stored ([pscustomobject]@{ Process = $exited }) 2
        $stored.Process.ExitCode | Should -Be 3
        $stored.Process.Id | Should -Be $exited.Id
    }

    It 'keeps what a failing collection gave before it failed, as Export-Clixml does, and warns with its path' {
        if (-not ('AncientFidelity.BreaksAfterTwo' -as [type])) {
            Add-Type -TypeDefinition @'
namespace AncientFidelity {
    public class BreaksAfterTwo : System.Collections.IEnumerable {
        public System.Collections.IEnumerator GetEnumerator() { yield return 1; yield return 2; throw new System.InvalidOperationException("the source broke"); }
    }
}
'@
        }
        $value = [pscustomobject]@{ Name = 'x'; Inner = [pscustomobject]@{ Items = [AncientFidelity.BreaksAfterTwo]::new() } }
        Set-AncientObject -Heap $script:heap -Key failing -InputObject $value -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "*Inner.Items*AncientFidelity.BreaksAfterTwo*the source broke.*"
        $stored = Get-AncientObject -Heap $script:heap -Key failing
        @($stored.Inner.Items) | Should -Be @(1, 2)
        $reference = Get-SerializedCopy $value 3
        @($stored.Inner.Items) | Should -Be @($reference.Inner.Items)
    }

    It 'keeps a PowerShell class''s hidden properties, as Export-Clixml does: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        # A hidden property is left out of PSObject.Properties (and so of Format-*), but the serializer writes it with the
        # other .NET properties, and ConvertTo-Json of the original writes it.
        $servers = & ([scriptblock]::Create('
            class AncientFidelityServer { [string] $Name; hidden [string] $Token; [int[]] $Ports = 80, 443; hidden [int] $Weight = 2; [ConsoleColor] $Color = "Red" }
            foreach ($i in 1..3) { $s = [AncientFidelityServer]::new(); $s.Name = "web$i"; $s.Token = "t$i"; $s }'))
        $holder = switch ($Mode) { 'root' { , $servers } 'property' { [pscustomobject]@{ Item = $servers } } 'element' { , @(, $servers) } }
        $stored = Get-Stored $holder 2
        $stored = switch ($Mode) { 'root' { $stored } 'property' { $stored.Item } 'element' { $stored[0] } }
        $reference = Get-SerializedCopy $servers 2
        for ($i = 0; $i -lt 3; $i++) {
            @($stored[$i].PSObject.Properties.Name) | Should -Be @($reference[$i].PSObject.Properties.Name)
            $stored[$i].Token | Should -BeExactly "t$($i + 1)"
            $stored[$i].Weight | Should -Be 2
            ($stored[$i] | Format-List | Out-String) | Should -BeExactly ($reference[$i] | Format-List | Out-String)
            ($stored[$i] | ConvertTo-Json -Compress) | Should -BeExactly ($servers[$i] | ConvertTo-Json -Compress)
        }
    }

    It 'stores $PSVersionTable as a hashtable: <Mode>' -TestCases @(
        @{ Mode = 'root' }, @{ Mode = 'property' }, @{ Mode = 'element' }
    ) {
        $holder = switch ($Mode) { 'root' { $PSVersionTable } 'property' { [pscustomobject]@{ Item = $PSVersionTable } } 'element' { , @($PSVersionTable) } }
        $stored = Get-Stored $holder 3
        $stored = switch ($Mode) { 'root' { $stored } 'property' { $stored.Item } 'element' { $stored[0] } }
        $stored -is [hashtable] | Should -BeTrue
        @($stored.PSTypeNames) | Should -Be @($PSVersionTable.PSTypeNames)
        # In the order its dictionary enumerator gives, as ConvertTo-Json and Clixml write it; Keys, Format-Table and
        # Format-List, and what PowerShell enumerates, in PSVersionHashTable's own order (PSVersion, PSEdition, sorted).
        ($stored | ConvertTo-Json -Depth 3 -Compress) | Should -BeExactly ($PSVersionTable | ConvertTo-Json -Depth 3 -Compress)
        @($stored.Keys) | Should -Be @($PSVersionTable.Keys)
        @($stored.GetEnumerator() | ForEach-Object Key) | Should -Be @($PSVersionTable.GetEnumerator() | ForEach-Object Key)
        @($stored | ForEach-Object { $_ } | ForEach-Object Key) | Should -Be @($PSVersionTable | ForEach-Object { $_ } | ForEach-Object Key)
        ($stored | Format-Table | Out-String) | Should -BeExactly ($PSVersionTable | Format-Table | Out-String)
        ($stored | Format-List | Out-String) | Should -BeExactly ($PSVersionTable | Format-List | Out-String)
        @($stored.PSObject.Properties.Name | Sort-Object) | Should -Be @($PSVersionTable.PSObject.Properties.Name | Sort-Object)
        "$($stored.PSVersion)" | Should -BeExactly "$($PSVersionTable.PSVersion)"
    }
}

Describe 'An enum read by a process without its type' {
    It 'comes back as Import-Clixml gives it: the number, named after the deserialized type, showing the original''s text' {
        # A script's own enums (a type only the writing process has), stored with their text (heap format 1.6) and
        # exported with Export-Clixml; a second process, which never defined them, reads both.
        $path = Join-Path $TestDrive 'enums.heap'
        $xml = Join-Path $TestDrive 'enums.xml'
        $rows = & ([scriptblock]::Create('
            enum AncientFidelityTier { Bronze = 1; Gold = 3 }
            [Flags()] enum AncientFidelityPerm { Read = 1; Write = 2 }
            [pscustomobject]@{ Name = "a"; Tier = [AncientFidelityTier]::Gold; Perm = [AncientFidelityPerm]"Read, Write"; Odd = [Enum]::ToObject([AncientFidelityTier], 7) }'))
        $heap = Mount-AncientHeap -Path $path
        Set-AncientObject -Heap $heap -Key rows -InputObject @($rows)
        Dismount-AncientHeap -Heap $heap
        $rows | Export-Clixml -LiteralPath $xml
        $output = Invoke-InChildProcess -Script @"
function Show(`$r) {
    (`$r | Format-Table | Out-String).Trim()
    (`$r | Format-List | Out-String).Trim()
    `$r | ConvertTo-Json -Compress
    `$r.Tier.ToString() + '|' + `$r.Perm.ToString() + '|' + `$r.Odd.ToString()
    [string](`$r.Tier -eq 3) + '|' + (`$r.Tier + 1) + '|' + `$r.Tier.GetType().Name
    `$r.Tier.PSTypeNames -join ','
    [System.Management.Automation.PSSerializer]::Serialize([pscustomobject]@{ Tier = `$r.Tier; Perm = `$r.Perm })
}
`$stored = @(Get-AncientObject -Path '$path' -Key rows)[0]
`$copy = Import-Clixml -LiteralPath '$xml'
`$materialized = @(Get-AncientObject -Path '$path' -Key rows -Materialize)[0]
# Stored again by this process, which lacks the types: the read value, and Import-Clixml's copy, stay those enums.
`$again = Mount-AncientHeap -Anonymous
Set-AncientObject -Heap `$again -Key stored -InputObject `$stored
Set-AncientObject -Heap `$again -Key copy -InputObject `$copy
Set-AncientObject -Heap `$again -Key map -InputObject @{ `$stored.Tier = 'gold'; k = `$stored.Tier }
`$restored = Get-AncientObject -Heap `$again -Key stored
`$recopied = Get-AncientObject -Heap `$again -Key copy
`$map = Get-AncientObject -Heap `$again -Key map
`$a = Show `$copy; `$b = Show `$stored; `$c = Show `$materialized; `$d = Show `$restored; `$e = Show `$recopied
for (`$i = 0; `$i -lt `$a.Count; `$i++) { if (`$a[`$i] -ne `$b[`$i]) { "DIFF `${i}: `$(`$a[`$i]) <> `$(`$b[`$i])" } }
for (`$i = 0; `$i -lt `$a.Count; `$i++) { if (`$a[`$i] -ne `$c[`$i]) { "MATERIALIZED `${i}: `$(`$a[`$i]) <> `$(`$c[`$i])" } }
for (`$i = 0; `$i -lt `$a.Count; `$i++) { if (`$a[`$i] -ne `$d[`$i]) { "STORED AGAIN `${i}: `$(`$a[`$i]) <> `$(`$d[`$i])" } }
for (`$i = 0; `$i -lt `$a.Count; `$i++) { if (`$a[`$i] -ne `$e[`$i]) { "COPY STORED `${i}: `$(`$a[`$i]) <> `$(`$e[`$i])" } }
if (`$map[`$stored.Tier] -ne 'gold' -or `$map.k.ToString() -ne 'Gold' -or `$map.k.PSTypeNames[0] -notlike 'Deserialized.*AncientFidelityTier') { 'MAP: ' + (`$map | Out-String) }
'done ' + `$a.Count
"@
        $output | Should -Be @('done 7')
    }
}
