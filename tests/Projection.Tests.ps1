BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $original = @(Get-SampleRows 6)
    $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'projection.heap')
    $original | Set-AncientObject -Heap $heap -Key rows
    Set-AncientObject -Heap $heap -Key config -InputObject ([ordered]@{ Name = 'prod'; Port = 443; Nested = @{ Deep = 'yes' } })
    $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
}
AfterAll { Dismount-AllHeaps }

Describe 'The read-only projection' {
    Context 'records' {
        It 'shows the stored properties in their stored order' {
            $rows[0].PSObject.Properties.Name | Should -Be @('Id', 'Name', 'Cpu', 'Up', 'Tags')
            $rows[0].Id | Should -Be 1
            $rows[0].Cpu | Should -Be 0.5
            $rows[0].Up | Should -BeFalse
        }

        It 'has no members of its own in Get-Member' {
            ($rows[0] | Get-Member -MemberType Properties).Name | Should -Be @('Cpu', 'Id', 'Name', 'Tags', 'Up')
        }

        It 'puts the stored type names first' {
            $rows[0].PSTypeNames[0] | Should -Be 'System.Management.Automation.PSCustomObject'
            Set-AncientObject -Heap $heap -Key typed -InputObject ([pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = 'web1' })
            (Get-AncientObject -Heap $heap -Key typed).PSTypeNames[0] | Should -Be 'Contoso.Server'
        }

        It 'turns into a string as a PSCustomObject does' {
            "$($rows[0])" | Should -Be "$($original[0])"
        }

        It 'gives each value read a box of its own, so that a member a script gives one value stays off every equal one' {
            # PowerShell files a value type's added members and type names under its box; boxes shared between equal
            # stored values carried them from one row to every other (and into Export-Clixml).
            Set-AncientObject -Heap $heap -Key boxA -InputObject ([pscustomobject]@{ Id = 1; Up = $true; Count = 7 })
            Set-AncientObject -Heap $heap -Key boxB -InputObject ([pscustomobject]@{ Id = 1; Up = $true; Count = 7 })
            Set-AncientObject -Heap $heap -Key packed -InputObject ([int[]](1, 7))
            # The reference is the stored copy's text before: PowerShell's own $true is one box for the whole process.
            $before = [System.Management.Automation.PSSerializer]::Serialize((Get-AncientObject -Heap $heap -Key boxB))
            $a = Get-AncientObject -Heap $heap -Key boxA
            $a.Id | Add-Member -NotePropertyName Mark -NotePropertyValue 'x'
            $a.Up | Add-Member -NotePropertyName Mark -NotePropertyValue 'x'
            $null = $a.Count.PSTypeNames
            $b = Get-AncientObject -Heap $heap -Key boxB
            $b.Id.Mark | Should -BeNullOrEmpty
            $b.Up.Mark | Should -BeNullOrEmpty
            (Get-AncientObject -Heap $heap -Key boxA).Id.Mark | Should -BeNullOrEmpty
            (Get-AncientObject -Heap $heap -Key packed -NoEnumerate)[0].Mark | Should -BeNullOrEmpty
            [System.Management.Automation.PSSerializer]::Serialize($b) | Should -Be $before
        }

        It 'gives a stored byte[] back as a byte[], as Import-Clixml does: at the root, as a property and as an element' {
            $bytes = [byte[]](0, 1, 2, 254, 255)
            Set-AncientObject -Heap $heap -Key blob -InputObject $bytes
            Set-AncientObject -Heap $heap -Key blobHolder -InputObject ([pscustomobject]@{ Data = $bytes; Items = @(, $bytes) })
            $holder = Get-AncientObject -Heap $heap -Key blobHolder
            foreach ($read in (Get-AncientObject -Heap $heap -Key blob -NoEnumerate), $holder.Data, $holder.Items[0]) {
                , $read | Should -BeOfType [byte[]]
                [Convert]::ToBase64String($read) | Should -Be ([Convert]::ToBase64String($bytes))
            }
            [System.Management.Automation.PSSerializer]::Serialize($holder.Data) | Should -Be ([System.Management.Automation.PSSerializer]::Serialize($bytes))
            @(Get-AncientObject -Heap $heap -Key blob).Count | Should -Be 5
        }

        It 'refuses writes with an error that mentions -Materialize' {
            { $rows[0].Name = 'x' } | Should -Throw '*-Materialize*'
        }

        It 'gives one object for a record the original holds in several places, as the original has one: <Mode>' -TestCases @(
            @{ Mode = 'Piped' }, @{ Mode = 'NoEnumerate' }, @{ Mode = 'Property' }, @{ Mode = 'Element' }
        ) {
            # Strings, not small numbers, whose boxes PowerShell shares between scripts (their Clixml would differ).
            $owner = [pscustomobject]@{ Name = 'ops'; Site = 'north' }
            $tags = @('x', 'y'); $meta = @{ team = 'blue' }; $ordered = [ordered]@{ first = 'one' }
            $original = [pscustomobject]@{
                Rows = @(foreach ($n in 'a', 'b', 'c') { [pscustomobject]@{ Id = $n; Owner = $owner; Tags = $tags; Meta = $meta; Ordered = $ordered } })
                Lead = $owner; Map = @{ k = $owner }; Tags = $tags
            }
            $key = "shared$Mode"
            $value = switch ($Mode) { 'Property' { [pscustomobject]@{ Child = $original } } 'Element' { , @(, $original) } default { $original } }
            Set-AncientObject -Heap $heap -Key $key -InputObject $value
            $stored = switch ($Mode) {
                'Piped' { Get-AncientObject -Heap $heap -Key $key }
                'NoEnumerate' { Get-AncientObject -Heap $heap -Key $key -NoEnumerate }
                'Property' { (Get-AncientObject -Heap $heap -Key $key).Child }
                'Element' { (Get-AncientObject -Heap $heap -Key $key -NoEnumerate)[0] }
            }
            foreach ($v in $original, $stored) {
                [object]::ReferenceEquals($v.Rows[0].Owner, $v.Rows[2].Owner) | Should -BeTrue
                [object]::ReferenceEquals($v.Lead, $v.Rows[1].Owner) | Should -BeTrue
                [object]::ReferenceEquals($v.Map.k, $v.Lead) | Should -BeTrue
                $v.Rows[0].Owner -eq $v.Lead | Should -BeTrue
                @($v.Rows.Owner | Select-Object -Unique).Count | Should -Be 1
                # Lists and dictionaries held in several places too.
                [object]::ReferenceEquals($v.Rows[0].Tags, $v.Rows[2].Tags) | Should -BeTrue
                [object]::ReferenceEquals($v.Tags, $v.Rows[1].Tags) | Should -BeTrue
                [object]::ReferenceEquals($v.Rows[0].Meta, $v.Rows[1].Meta) | Should -BeTrue
                [object]::ReferenceEquals($v.Rows[0].Ordered, $v.Rows[2].Ordered) | Should -BeTrue
            }
            # Clixml writes the shared record once and refers to it (<Ref>), as for the original.
            [System.Management.Automation.PSSerializer]::Serialize($stored, 4) | Should -BeExactly ([System.Management.Automation.PSSerializer]::Serialize($original, 4))
            # Records that are equal but not one object stay apart.
            Set-AncientObject -Heap $heap -Key "$key.apart" -InputObject @([pscustomobject]@{ Name = 'x' }, [pscustomobject]@{ Name = 'x' })
            $apart = Get-AncientObject -Heap $heap -Key "$key.apart" -NoEnumerate
            [object]::ReferenceEquals($apart[0], $apart[1]) | Should -BeFalse
        }

        It 'gives back the same object where a cycle passes through a list or a dictionary, as the original does' {
            # A graph walker that stops at objects it has seen (by reference) must end on the stored copy too.
            $a = [pscustomobject]@{ Name = 'a'; Items = $null; Map = $null }
            $b = [pscustomobject]@{ Name = 'b'; Parent = $a }
            $a.Items = @($b, @($b))
            $a.Map = @{ kid = $b; self = $a }
            Set-AncientObject -Heap $heap -Key ring -InputObject $a
            Set-AncientObject -Heap $heap -Key ringParent -InputObject ([pscustomobject]@{ Child = $a })
            Set-AncientObject -Heap $heap -Key ringList -InputObject @(, $a)
            $checks = @(
                { param($x) [object]::ReferenceEquals($x.Items[0].Parent, $x) }
                { param($x) [object]::ReferenceEquals($x.Items[1][0].Parent, $x) }
                { param($x) [object]::ReferenceEquals($x.Map.kid.Parent, $x) }
                { param($x) [object]::ReferenceEquals($x.Map.self, $x) }
                { param($x) [object]::ReferenceEquals($x.Items[0].Parent.Items[0], $x.Items[0]) }
            )
            $readings = @(
                (Get-AncientObject -Heap $heap -Key ring)
                (Get-AncientObject -Heap $heap -Key ringParent).Child
                (Get-AncientObject -Heap $heap -Key ringList -NoEnumerate)[0]
            )
            foreach ($stored in $readings) {
                foreach ($check in $checks) { (& $check $stored) | Should -Be (& $check $a) -Because "$check" }
            }
        }

        # Strings, not numbers: PowerShell shares the box of a small number literal between scripts, and a note an earlier
        # test leaves on it (by piping it) makes Clixml of the original write it as an object.
        It 'gives back the same list or dictionary where a cycle leads back to it, and Clixml writes the cycle as the original''s: <Name>' -TestCases @(
            @{ Name = 'a hashtable holding itself'; Make = { $h = @{ name = 'root' }; $h.self = $h; $h }; Back = { param($x) , $x.self } }
            @{ Name = 'an [ordered] in its own list'; Make = { $d = [ordered]@{ k = 'one' }; $d.list = @($d, 'x'); $d }; Back = { param($x) , $x.list[0] } }
            @{ Name = 'an ArrayList holding itself'; Make = { $l = [System.Collections.ArrayList]::new(); $null = $l.Add('x'); $null = $l.Add($l); , $l }; Back = { param($x) , $x[1] } }
            @{ Name = 'a list through a record'; Make = { $r = [pscustomobject]@{ n = 'one'; items = $null }; $r.items = [System.Collections.Generic.List[object]]::new(); $r.items.Add($r); $r.items.Add('y'); , $r.items }; Back = { param($x) , $x[0].items } }
        ) {
            $original = & $Make
            $key = "cycle$([guid]::NewGuid().ToString('N'))"
            Set-AncientObject -Heap $heap -Key $key -InputObject $original
            Set-AncientObject -Heap $heap -Key "$key.parent" -InputObject ([pscustomobject]@{ Child = $original })
            Set-AncientObject -Heap $heap -Key "$key.list" -InputObject @(, $original)
            $readings = @(
                , (Get-AncientObject -Heap $heap -Key $key -NoEnumerate)
                , (Get-AncientObject -Heap $heap -Key "$key.parent").Child
                , (Get-AncientObject -Heap $heap -Key "$key.list" -NoEnumerate)[0]
            )
            [object]::ReferenceEquals((& $Back $original), $original) | Should -BeTrue
            $expected = [System.Management.Automation.PSSerializer]::Serialize($original, 3)
            foreach ($stored in $readings) {
                [object]::ReferenceEquals((& $Back $stored), $stored) | Should -BeTrue
                [System.Management.Automation.PSSerializer]::Serialize($stored, 3) | Should -BeExactly $expected
            }
        }
    }

    Context 'member access in scripts ($row.Name)' {
        It 'reads each record''s own value in a loop, whatever the case of the name' {
            $sum = 0; $names = foreach ($r in $rows) { $sum += $r.cpu; $r.NAME }
            $sum | Should -Be (($original | Measure-Object Cpu -Sum).Sum)
            $names | Should -Be $original.Name
        }

        It 'reads records of different shapes through one expression' {
            Set-AncientObject -Heap $heap -Key mixed -InputObject @(
                [pscustomobject]@{ A = 1; B = 'x' }
                [pscustomobject]@{ B = 'y' }
                [pscustomobject]@{ C = 3; A = 2 }
                [pscustomobject]@{ A = 4 })
            $mixed = Get-AncientObject -Heap $heap -Key mixed -NoEnumerate
            $seen = foreach ($m in $mixed) { "$($m.A)|$($m.B)" }
            $seen | Should -Be @('1|x', '|y', '2|', '4|')
        }

        It 'stores each record''s own names when consecutive records share a layout, differ in one name or carry a method' {
            # The writer reuses the previous record's name list while the names match: every change must still show.
            $withMethod = [pscustomobject]@{ Id = 3; Name = 'c' } | Add-Member -MemberType ScriptMethod -Name Hello -Value { 'hi' } -PassThru
            @(
                [pscustomobject]@{ Id = 1; Name = 'a' }
                [pscustomobject]@{ Id = 2; Other = 'b' }
                $withMethod
                [pscustomobject]@{ Id = 4; Name = 'd' }
                [pscustomobject]@{ Id = 5; name = 'e' }
            ) | Set-AncientObject -Heap $heap -Key layouts
            $back = Get-AncientObject -Heap $heap -Key layouts -NoEnumerate
            $shown = foreach ($r in $back) { ($r.PSObject.Properties.Name -join ',') + '=' + ($r.PSObject.Properties.Value -join ',') }
            $shown | Should -Be @('Id,Name=1,a', 'Id,Other=2,b', 'Id,Name=3,c', 'Id,Name=4,d', 'Id,name=5,e')
        }

        It 'gives $null for a missing property, and the strict-mode error under Set-StrictMode' {
            $rows[0].NoSuchProperty | Should -BeNullOrEmpty
            { Set-StrictMode -Version Latest; $rows[0].NoSuchProperty } | Should -Throw -ErrorId 'PropertyNotFoundStrict'
        }

        It 'leaves PowerShell''s own members (PSObject, PSTypeNames) and methods to PowerShell' {
            $rows[1].PSObject.Properties['Name'].Value | Should -Be 'host2'
            $rows[1].PSTypeNames | Should -Be $original[1].PSTypeNames
            $rows[1].ToString() | Should -Be $original[1].ToString()
            "$($rows[1])" | Should -Be "$($original[1])"
        }

        It 'a stored property named like a type-data member reads the stored value, as a note property would' {
            Update-TypeData -TypeName 'Contoso.Shadowed' -MemberType ScriptProperty -MemberName Size -Value { 'from type data' } -Force
            try {
                $original = [pscustomobject]@{ Size = 12 }
                $original.PSTypeNames.Insert(0, 'Contoso.Shadowed')
                Set-AncientObject -Heap $heap -Key shadowed -InputObject $original
                $stored = Get-AncientObject -Heap $heap -Key shadowed
                $stored.PSTypeNames[0] | Should -Be 'Contoso.Shadowed'
                $stored.Size | Should -Be $original.Size
            }
            finally { Remove-TypeData -TypeName 'Contoso.Shadowed' }
        }

        It 'sees members added with Add-Member beside the stored ones' {
            $row = (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[2]
            $added = $row | Add-Member -NotePropertyName Extra -NotePropertyValue 42 -PassThru
            $added.Extra | Should -Be 42
            $added.Name | Should -Be 'host3'
            # Only the object in hand has it; storing that object stores it too (a changed record is written in full).
            (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[2].PSObject.Properties['Extra'] | Should -BeNullOrEmpty
            Set-AncientObject -Heap $heap -Key addedMember -InputObject $added
            (Get-AncientObject -Heap $heap -Key addedMember | ConvertTo-Json -Compress) | Should -BeExactly ($added | ConvertTo-Json -Compress)
            (Get-AncientObject -Heap $heap -Key addedMember).Extra | Should -Be 42
        }

        It 'keeps what was read before a dismount, and reports the dismount where PowerShell reports a failed read' {
            $gone = Mount-AncientHeap -Anonymous
            Set-AncientObject -Heap $gone -Key r -InputObject ([pscustomobject]@{ Name = 'n'; Other = 'o'; List = 1, 2 })
            $record = Get-AncientObject -Heap $gone -Key r
            $record.Name | Should -Be 'n'
            $list = $record.List
            Dismount-AncientHeap -Heap $gone
            # What was read before the dismount is an ordinary value by then.
            $record.Name | Should -Be 'n'
            # What was not cannot be read any more: PowerShell shows a property whose getter fails as $null...
            $record.Other | Should -BeNullOrEmpty
            # ...and enumerating the heap's lists, and Get-AncientObject, report it.
            { foreach ($x in $list) { } } | Should -Throw '*dismounted*'
            { Get-AncientObject -Heap $gone -Key r -ErrorAction Stop } | Should -Throw
        }
    }

    Context 'lists' {
        It 'give the same object for one element read twice, as an array does, also far into a long list' {
            [object]::ReferenceEquals($rows[0], $rows[0]) | Should -BeTrue
            $long = 1..3000 | ForEach-Object { [pscustomobject]@{ N = $_ } }
            Set-AncientObject -Heap $heap -Key long -InputObject $long
            $stored = Get-AncientObject -Heap $heap -Key long -NoEnumerate
            [object]::ReferenceEquals($stored[2500], $stored[2500]) | Should -BeTrue
            $stored[2500].N | Should -Be 2501
            $seen = foreach ($r in $stored) { if ($r.N -eq 2501) { $r } }
            [object]::ReferenceEquals($seen, $stored[2500]) | Should -BeTrue
        }

        It 'support indexing, negative indexing, .Count and foreach' {
            $rows.Count | Should -Be 6
            $rows[1].Name | Should -Be 'host2'
            $rows[-1].Name | Should -Be 'host6'
            $names = foreach ($row in $rows) { $row.Name }
            $names | Should -Be $original.Name
        }

        It 'index and count like arrays: negative, out of range, ranges, [long] and string indexes, strict mode' {
            $list = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
            $list[1].Name | Should -Be $original[1].Name
            $list[-1].Name | Should -Be $original[-1].Name
            $list[[long]2].Name | Should -Be $original[2].Name
            $list['3'].Name | Should -Be $original[3].Name
            @($list[0..2]).Name | Should -Be @($original[0..2]).Name
            @($list[0, 5]).Name | Should -Be @($original[0, 5]).Name
            $list[100] | Should -BeNullOrEmpty
            $list.Count | Should -Be $original.Count
            $list.COUNT | Should -Be $original.Count
            { Set-StrictMode -Version Latest; $list[100] } | Should -Throw
        }

        It 'support member enumeration and pipeline unrolling' {
            $rows.Name | Should -Be $original.Name
            ($rows | Measure-Object).Count | Should -Be 6
            $rows[0].Tags | Should -Be @('a', 'b')
        }

        It 'refuse writes with an error that mentions Materialize' {
            { $rows[0] = 1 } | Should -Throw '*Materialize*'
            { $rows.Add(1) } | Should -Throw '*Materialize*'
        }

        It 'give a copy that can be changed from Clone() where the original was an array, as an array''s Clone() does' {
            $original = @('a', 'b', 3)
            Set-AncientObject -Heap $heap -Key cloned -InputObject $original
            Set-AncientObject -Heap $heap -Key clonedParent -InputObject ([pscustomobject]@{ Items = $original })
            foreach ($stored in (Get-AncientObject -Heap $heap -Key cloned -NoEnumerate), (Get-AncientObject -Heap $heap -Key clonedParent).Items) {
                $copy = $stored.Clone()
                $expected = $original.Clone()
                $copy.GetType() | Should -Be $expected.GetType()
                $copy | Should -Be $expected
                $copy[0] = 'changed'
                $copy[0] | Should -Be 'changed'
                $stored[0] | Should -Be 'a'
            }
            $list = [System.Collections.Generic.List[string]]::new(); $list.Add('x')
            Set-AncientObject -Heap $heap -Key clonedList -InputObject $list
            # A List has no Clone(): PowerShell calls each element's, for the original as for the stored copy.
            (Get-AncientObject -Heap $heap -Key clonedList -NoEnumerate).Clone() | Should -Be $list.Clone()
        }

        It 'give a stored List[T] the reading members of List, as the original answers them: <Mode>' -TestCases @(
            @{ Mode = 'NoEnumerate' }, @{ Mode = 'Property' }, @{ Mode = 'Element' }
        ) {
            $ints = [System.Collections.Generic.List[int]]::new(); foreach ($i in 3, 1, 2, 5) { $ints.Add($i) }
            $records = [System.Collections.Generic.List[object]]::new(); foreach ($n in 'a', 'b', 'c') { $records.Add([pscustomobject]@{ n = $n }) }
            foreach ($original in $ints, $records) {
                $key = "genericList$Mode$($original.Count)"
                switch ($Mode) {
                    'NoEnumerate' { Set-AncientObject -Heap $heap -Key $key -InputObject $original; $stored = Get-AncientObject -Heap $heap -Key $key -NoEnumerate }
                    'Property' { Set-AncientObject -Heap $heap -Key $key -InputObject ([pscustomobject]@{ L = $original }); $stored = (Get-AncientObject -Heap $heap -Key $key).L }
                    'Element' { Set-AncientObject -Heap $heap -Key $key -InputObject @(, $original); $stored = (Get-AncientObject -Heap $heap -Key $key -NoEnumerate)[0] }
                }
                $stored.PSObject.Properties.Name | Should -Be $original.PSObject.Properties.Name
                $stored.Capacity | Should -Be $stored.Count
                $match = if ($original -eq $ints) { { param($x) $x -gt 2 } } else { { param($x) $x.n -ne 'a' } }
                $text = { param($v) $v | ConvertTo-Json -Compress -Depth 3 }
                & $text $stored.Find($match) | Should -BeExactly (& $text $original.Find($match))
                & $text $stored.FindLast($match) | Should -BeExactly (& $text $original.FindLast($match))
                & $text $stored.FindAll($match) | Should -BeExactly (& $text $original.FindAll($match))
                $stored.FindIndex($match) | Should -Be $original.FindIndex($match)
                $stored.FindLastIndex($match) | Should -Be $original.FindLastIndex($match)
                $stored.Exists($match) | Should -Be $original.Exists($match)
                $stored.TrueForAll($match) | Should -Be $original.TrueForAll($match)
                & $text $stored.GetRange(1, 2) | Should -BeExactly (& $text $original.GetRange(1, 2))
                $stored.LastIndexOf($stored[1]) | Should -Be $original.LastIndexOf($original[1])
                # List's own ForEach runs the block for each element and returns nothing, where PowerShell's .ForEach() would.
                $seen = [System.Collections.Generic.List[string]]::new()
                $result = $stored.ForEach({ param($x) $seen.Add("$x") })
                $result | Should -BeNullOrEmpty
                $seen -join ',' | Should -BeExactly ((@($original) | ForEach-Object { "$_" }) -join ',')
                @($stored.ForEach({ $_ })).Count | Should -Be @($original.ForEach({ $_ })).Count
                # The lists it makes are copies that can be changed; the stored list refuses every change.
                $copy = $stored.FindAll($match); $copy.Add(0); $copy.Count | Should -Be (@($original.FindAll($match)).Count + 1)
                { $stored.Sort() } | Should -Throw '*Materialize*'
                { $stored.RemoveAll($match) } | Should -Throw '*Materialize*'
                { $stored.AddRange(@(1)) } | Should -Throw '*Materialize*'
            }
        }
    }

    Context 'dictionaries' {
        BeforeAll { $config = Get-AncientObject -Heap $heap -Key config }

        It 'support $d.key, $d[key], .Keys, .Count and .Contains, and not .ContainsKey, which an OrderedDictionary lacks' {
            $config.Name | Should -Be 'prod'
            $config['Port'] | Should -Be 443
            @($config.Keys) | Should -Be @('Name', 'Port', 'Nested')
            $config.Count | Should -Be 3
            $config.Contains('Port') | Should -BeTrue
            $config.Contains('nope') | Should -BeFalse
            { $config.ContainsKey('nope') } | Should -Throw -ErrorId 'MethodNotFound'
            $config.Nested.Deep | Should -Be 'yes'
        }

        It 'refuse writes with an error that mentions Materialize' {
            { $config['Port'] = 1 } | Should -Throw '*Materialize*'
        }

        It 'find a key that came down a pipeline (a PSObject around the string), as the original hashtable does' {
            $original = @{ Name = 'prod'; Port = 443; Nested = 1 }
            $fromPipe = { param($d) @('Port', 'Name' | Sort-Object | ForEach-Object { "$_=$($d[$_])" }) -join ',' }
            (& $fromPipe $config) | Should -BeExactly (& $fromPipe $original)
            @('Port' | Write-Output | ForEach-Object { $config.Contains($_) }) | Should -Be @($true)
        }

        It 'index a stored [ordered] by position with an int, as OrderedDictionary does, and a hashtable by key' {
            $original = [ordered]@{ Name = 'prod'; Port = 443; Nested = @{ Deep = 'yes' } }
            foreach ($i in 0, 1, 2, 3, -1) { ConvertTo-Json -InputObject $config[$i] -Compress | Should -Be (ConvertTo-Json -InputObject $original[$i] -Compress) }
            $numbers = @{ 1 = 'one'; 2 = 'two' }
            Set-AncientObject -Heap $heap -Key numbers -InputObject $numbers
            $stored = Get-AncientObject -Heap $heap -Key numbers -NoEnumerate
            $stored[1] | Should -Be $numbers[1]
            $stored[2] | Should -Be $numbers[2]
        }

        It 'show the type names of the dictionary they were stored from, and its properties first' {
            $config.PSObject.TypeNames | Should -Be ([ordered]@{}).PSObject.TypeNames
            $hash = @{ a = 1 }
            Set-AncientObject -Heap $heap -Key hash -InputObject $hash
            $stored = Get-AncientObject -Heap $heap -Key hash -NoEnumerate
            $stored.PSObject.TypeNames | Should -Be $hash.PSObject.TypeNames
            # The view's own public members (Heap, Key, Offset...) still follow them: a known difference.
            $names = @($hash.PSObject.Properties.Name)
            @($stored.PSObject.Properties.Name)[0..($names.Count - 1)] | Should -Be $names
        }
    }


        It 'are a Hashtable where the original was one, and not where it was an [ordered] or a Dictionary, however they are reached' {
            $generic = [System.Collections.Generic.Dictionary[string, int]]::new(); $generic['a'] = 1
            $fromJson = '{"a":1}' | ConvertFrom-Json -AsHashtable   # PowerShell 7.3: an OrderedHashtable, which is a Hashtable
            foreach ($original in @{ a = 1 }, [ordered]@{ a = 1 }, $generic, $fromJson) {
                Set-AncientObject -Heap $heap -Key kind -InputObject $original
                Set-AncientObject -Heap $heap -Key kindParent -InputObject ([pscustomobject]@{ D = $original })
                Set-AncientObject -Heap $heap -Key kindList -InputObject @(1, $original)
                $reads = @((Get-AncientObject -Heap $heap -Key kind -NoEnumerate), (Get-AncientObject -Heap $heap -Key kindParent).D, (Get-AncientObject -Heap $heap -Key kindList -NoEnumerate)[1])
                foreach ($stored in $reads) {
                    $stored -is [hashtable] | Should -Be ($original -is [hashtable]) -Because $original.GetType().Name
                    $stored -is [System.Collections.IDictionary] | Should -BeTrue
                    Test-AncientObject $stored | Should -BeTrue
                }
            }
        }

        It 'list a stored hashtable''s keys where PowerShell lists a hashtable''s: Select-Object *, ConvertTo-Html, and member enumeration' {
            $original = @{ web01 = 'up'; web02 = 'down' }
            Set-AncientObject -Heap $heap -Key servers -InputObject $original
            $stored = Get-AncientObject -Heap $heap -Key servers -NoEnumerate
            $stored | Select-Object * | ConvertTo-Json -Compress | Should -BeExactly ($original | Select-Object * | ConvertTo-Json -Compress)
            ($stored | ConvertTo-Html -Fragment) -join "`n" | Should -BeExactly (($original | ConvertTo-Html -Fragment) -join "`n")
            ConvertTo-Json -InputObject @($stored, @{ web01 = 'x' }).web02 -Compress | Should -BeExactly (ConvertTo-Json -InputObject @($original, @{ web01 = 'x' }).web02 -Compress)
        }

        It 'pass a stored hashtable to a [hashtable] parameter as itself, add with +, and Clone() into a hashtable that can be changed' {
            $original = @{ Name = 'prod'; Port = 443 }
            Set-AncientObject -Heap $heap -Key plain -InputObject $original
            $stored = Get-AncientObject -Heap $heap -Key plain -NoEnumerate
            function Read-Config([hashtable] $Config) { "$($Config.Name):$($Config['port'])"; Test-AncientObject $Config }
            Read-Config $stored | Should -Be (Read-Config $original)[0], $true
            $sum = $stored + @{ Extra = 1 }
            $sum | Should -BeOfType [hashtable]
            @($sum.Keys | Sort-Object) | Should -Be @(($original + @{ Extra = 1 }).Keys | Sort-Object)
            $copy = $stored.Clone()
            $copy.PORT = 8443
            $copy.Port | Should -Be 8443 -Because 'the copy compares keys ignoring case, as the @{} it was stored from'
            $copy.Count | Should -Be 2
            Test-AncientObject $copy | Should -BeFalse
            $stored.Port | Should -Be 443
        }

        It 'give .NET serialization a stored hashtable''s entries, as a plain Hashtable (the table under it is empty)' {
            Set-AncientObject -Heap $heap -Key serialized -InputObject @{ a = 1; b = 'two' }
            $stored = Get-AncientObject -Heap $heap -Key serialized -NoEnumerate
            $info = [System.Runtime.Serialization.SerializationInfo]::new([hashtable], [System.Runtime.Serialization.FormatterConverter]::new())
            $stored.GetObjectData($info, [System.Runtime.Serialization.StreamingContext]::new('All'))
            $info.FullTypeName | Should -Be 'System.Collections.Hashtable'
            $keys = $info.GetValue('Keys', [object[]]); $values = $info.GetValue('Values', [object[]])
            $pairs = for ($i = 0; $i -lt $keys.Count; $i++) { "$($keys[$i])=$($values[$i])" }
            @($pairs | Sort-Object) | Should -Be @('a=1', 'b=two')
        }

        It 'refuse every change of a stored hashtable with the read-only error, and keep what is stored' {
            Set-AncientObject -Heap $heap -Key guarded -InputObject @{ a = 1 }
            $stored = Get-AncientObject -Heap $heap -Key guarded -NoEnumerate
            { $stored['b'] = 2 } | Should -Throw '*read-only*Materialize*'
            { $stored.b = 2 } | Should -Throw '*read-only*Materialize*'
            { $stored.Add('b', 2) } | Should -Throw '*read-only*Materialize*'
            { $stored.Remove('a') } | Should -Throw '*read-only*Materialize*'
            { $stored.Clear() } | Should -Throw '*read-only*Materialize*'
            (Get-AncientObject -Heap $heap -Key guarded -NoEnumerate) | ConvertTo-Json -Compress | Should -BeExactly '{"a":1}'
        }

        It 'store a stored hashtable again as a hashtable, and give the dismount error on any read after a dismount' {
            $file = Join-Path $TestDrive 'hashtable-dismount.heap'
            $own = Mount-AncientHeap -Path $file
            $big = @{ a = 1; nested = @{ b = 2 } }
            foreach ($i in 1..2000) { $big["key$i"] = "value number $i" }
            Set-AncientObject -Heap $own -Key h -InputObject $big
            $stored = Get-AncientObject -Heap $own -Key h -NoEnumerate
            Set-AncientObject -Heap $own -Key again -InputObject $stored
            $again = Get-AncientObject -Heap $own -Key again -NoEnumerate
            $again -is [hashtable] | Should -BeTrue
            $again.Count | Should -Be $big.Count
            $again['KEY1999'] | Should -Be 'value number 1999' -Because 'keys still compare ignoring case'
            $again.nested.b | Should -Be 2
            Dismount-AncientHeap -Heap $own
            # An index reads $null, as PowerShell reads any index that fails (a list's too), outside strict mode 3.
            $stored['a'] | Should -BeNullOrEmpty
            foreach ($read in { $stored.a }, { $stored.Count }, { $stored.ContainsKey('a') }, { foreach ($e in $stored.GetEnumerator()) { } }, { $stored | ConvertTo-Json }, { Set-StrictMode -Version 3.0; $stored['a'] }) {
                # A method call's error wraps the heap's (MethodInvocationException), as for any .NET method.
                $caught = $null
                try { & $read } catch { $caught = $_.Exception }
                while ($caught -and $caught -isnot [AncientPS.Engine.AncientHeapDismountedException]) { $caught = $caught.InnerException }
                $caught | Should -BeOfType ([AncientPS.Engine.AncientHeapDismountedException]) -Because "$read"
            }
        }

        It 'do not list their keys among PSObject.Properties, and still read a key before a property of the same name, as the original does' {
            foreach ($original in @{ a = 1; Count = 'key' }, [ordered]@{ a = 1; Count = 'key' }) {
                Set-AncientObject -Heap $heap -Key keysAsProperties -InputObject $original
                $stored = Get-AncientObject -Heap $heap -Key keysAsProperties -NoEnumerate
                $null -eq $stored.PSObject.Properties['a'] | Should -Be ($null -eq $original.PSObject.Properties['a'])
                $stored.PSObject.Properties['Count'].Value | Should -Be $original.PSObject.Properties['Count'].Value
                $stored.a | Should -Be $original.a
                $stored.Count | Should -Be $original.Count
            }
        }
    Context 'member enumeration over dictionaries ($list.key)' {

        It 'skips the dictionaries without the key, as it skips such hashtables, in every kind of list' {
            $original = @(@{ a = 1 }, @{ a = 2; b = 3 }, [ordered]@{ b = $null }, 'text', @{ b = 4 })
            Set-AncientObject -Heap $heap -Key listOfHashtables -InputObject $original
            $stored = Get-AncientObject -Heap $heap -Key listOfHashtables -NoEnumerate
            $parent = [pscustomobject]@{ Items = $original }
            Set-AncientObject -Heap $heap -Key parentOfHashtables -InputObject $parent
            $fromParent = (Get-AncientObject -Heap $heap -Key parentOfHashtables).Items
            foreach ($name in 'a', 'b', 'nothing', 'Count', 'Length') {
                $expected = ConvertTo-Json -InputObject $original.$name -Compress
                ConvertTo-Json -InputObject $stored.$name -Compress | Should -BeExactly $expected -Because "`$list.$name"
                ConvertTo-Json -InputObject $fromParent.$name -Compress | Should -BeExactly $expected -Because "`$parent.Items.$name"
                ConvertTo-Json -InputObject @($stored[0], $stored[1]).$name -Compress | Should -BeExactly (ConvertTo-Json -InputObject @($original[0], $original[1]).$name -Compress) -Because "an array of stored dictionaries, .$name"
            }
            $stored[0].nothing | Should -BeNullOrEmpty
            @($stored[0].nothing).Count | Should -Be @($original[0].nothing).Count -Because 'a direct read of a missing key gives $null, not nothing'
        }
    }

    Context 'everyday cmdlets' {
        It 'Select-Object' {
            ($rows | Select-Object -Property Id, Name -First 2 | ConvertTo-Json -Compress) |
                Should -Be ($original | Select-Object -Property Id, Name -First 2 | ConvertTo-Json -Compress)
        }

        It 'Where-Object' {
            ($rows | Where-Object Up).Name | Should -Be ($original | Where-Object Up).Name
            ($rows | Where-Object { $_.Cpu -gt 1.5 }).Id | Should -Be @(4, 5, 6)
        }

        It 'Sort-Object' {
            ($rows | Sort-Object Cpu -Descending).Id | Should -Be @(6, 5, 4, 3, 2, 1)
        }

        It 'Group-Object' {
            $groups = $rows | Group-Object Up
            $groups.Count | Should -Be 2
            ($groups | Where-Object Name -EQ 'True').Count | Should -Be 3
        }

        It 'Measure-Object' {
            ($rows | Measure-Object -Property Cpu -Sum).Sum | Should -Be ($original | Measure-Object -Property Cpu -Sum).Sum
        }

        It 'Format-Table' {
            ($rows | Format-Table | Out-String) | Should -Be ($original | Format-Table | Out-String)
        }

        It 'Format-List' {
            ($rows | Format-List | Out-String) | Should -Be ($original | Format-List | Out-String)
        }

        It 'Export-Csv' {
            $rows | Select-Object Id, Name, Cpu, Up | Export-Csv -LiteralPath (Join-Path $TestDrive 'projected.csv')
            $original | Select-Object Id, Name, Cpu, Up | Export-Csv -LiteralPath (Join-Path $TestDrive 'original.csv')
            Get-Content -LiteralPath (Join-Path $TestDrive 'projected.csv') | Should -Be (Get-Content -LiteralPath (Join-Path $TestDrive 'original.csv'))
        }

        It 'ConvertTo-Json gives the same text as for the original objects' {
            ($rows | ConvertTo-Json -Depth 5) | Should -Be ($original | ConvertTo-Json -Depth 5)
            (Get-AncientObject -Heap $heap -Key config | ConvertTo-Json -Compress) |
                Should -Be ([ordered]@{ Name = 'prod'; Port = 443; Nested = @{ Deep = 'yes' } } | ConvertTo-Json -Compress)
        }
    }
}
