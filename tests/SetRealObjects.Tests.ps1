BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # The note-property shortcut of Set reads two internal members of PSObject (src/AncientPS/Projection/PropertyBagReader.cs);
    # these tests switch it off to compare with the public way, and call it to see that it is taken.
    $script:Reader = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.PropertyBagReader', $true)
    $script:UseInternal = $script:Reader.GetProperty('UseInternalMembers', [Reflection.BindingFlags]'NonPublic,Static')
    # The shortcut's count of visible members (skips the hidden reserved members read objects have): off, it looks at all.
    $script:UseVisibleCount = $script:Reader.GetProperty('UseVisibleCount', [Reflection.BindingFlags]'NonPublic,Static')

    function Test-Shortcut([object[]] $Rows) {
        $reader = [Activator]::CreateInstance($script:Reader, $true)
        $method = $script:Reader.GetMethod('TryRead')
        foreach ($row in $Rows) {
            $arguments = [object[]]@($row, $null, $null, $null)
            if (-not $method.Invoke($reader, $arguments)) { return $false }
        }
        $true
    }

    # What a stored record looks like to a script: type names, then each property and its value.
    function Format-Stored($Value) {
        @(foreach ($row in @($Value)) {
                ($row.PSTypeNames -join ',') + ' | ' + (@($row.psobject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, ($_.Value -join '+') }) -join '; ')
            }) -join "`n"
    }

    function New-Rows([int] $Count = 4) {
        foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } }
    }

    # Rows from each source, as a script would have them.
    function Get-SourceRows([string] $Source) {
        $rows = @(New-Rows)
        $file = Join-Path $TestDrive "rows-$([guid]::NewGuid())"
        switch ($Source) {
            'fresh' { }
            'after ConvertTo-Json' { $null = $rows | ConvertTo-Json }
            'after Export-Clixml' { $rows | Export-Clixml -LiteralPath $file }
            'after Get-Member' { $null = $rows | Get-Member }
            'Import-Clixml' { $rows | Export-Clixml -LiteralPath $file; $rows = @(Import-Clixml -LiteralPath $file) }
            'Import-Csv' { $rows | Export-Csv -LiteralPath $file; $rows = @(Import-Csv -LiteralPath $file) }
            'ConvertFrom-Json' { $rows = @($rows | ConvertTo-Json | ConvertFrom-Json) }
            'Select-Object' { $rows = @($rows | Select-Object Id, Name, Tags) }
            'a note property added after a read' { $null = $rows | ConvertTo-Json; $rows | Add-Member -NotePropertyName Extra -NotePropertyValue 'x' }
            'a script method on the instance' { $rows | Add-Member -MemberType ScriptMethod -Name Twice -Value { 2 * $this.Id } }
            'a script property on the instance' { $null = $rows | Get-Member; $rows | Add-Member -MemberType ScriptProperty -Name Double -Value { 2 * $this.Id } }
            # One row of rows read before (so every row has the hidden reserved members after its notes) changed afterwards.
            'one read row with a note removed and added again' { $null = $rows | ConvertTo-Json; $rows[2].psobject.Properties.Remove('Name'); $rows[2] | Add-Member -NotePropertyName Name -NotePropertyValue 'back' }
            'one read row with a note removed' { $rows | Export-Clixml -LiteralPath $file; $rows[1].psobject.Properties.Remove('Cpu') }
            'one read row with a note added' { $rows | Export-Clixml -LiteralPath $file; $rows[3] | Add-Member -NotePropertyName Extra -NotePropertyValue 'x' }
            'one read row with a script property added' { $null = $rows | Get-Member; $rows[1] | Add-Member -MemberType ScriptProperty -Name Double -Value { 2 * $this.Id } }
            'one read row with a note removed and a script property added' {
                $rows | Export-Clixml -LiteralPath $file
                $rows[2].psobject.Properties.Remove('Up')
                $rows[2] | Add-Member -MemberType ScriptProperty -Name Up -Value { 'scripted' }
            }
            'a script property of its type name' {
                $rows | ForEach-Object { $_.PSTypeNames.Insert(0, 'AncientPS.Tests.RealRow') }
                Update-TypeData -TypeName 'AncientPS.Tests.RealRow' -MemberType ScriptProperty -MemberName Triple -Value { 3 * $this.Id } -Force
            }
            default { throw "no source $Source" }
        }
        , $rows
    }
}

Describe 'Set-AncientObject on rows with a history' {
    BeforeEach { $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "real-$([guid]::NewGuid()).heap") }
    AfterEach {
        $script:UseInternal.SetValue($null, $true)
        Dismount-AllHeaps
    }
    AfterAll { Remove-TypeData -TypeName 'AncientPS.Tests.RealRow' -ErrorAction SilentlyContinue }

    It 'stores the same as the public way (PSObject.Properties) does: <Source>' -TestCases @(
        @{ Source = 'fresh' }, @{ Source = 'after ConvertTo-Json' }, @{ Source = 'after Export-Clixml' }, @{ Source = 'after Get-Member' },
        @{ Source = 'Import-Clixml' }, @{ Source = 'Import-Csv' }, @{ Source = 'ConvertFrom-Json' }, @{ Source = 'Select-Object' },
        @{ Source = 'a note property added after a read' }, @{ Source = 'a script method on the instance' },
        @{ Source = 'a script property on the instance' }, @{ Source = 'a script property of its type name' }
    ) {
        $rows = Get-SourceRows $Source
        $rows | Set-AncientObject -Heap $heap -Key shortcut
        $script:UseInternal.SetValue($null, $false)
        $rows | Set-AncientObject -Heap $heap -Key public
        $script:UseInternal.SetValue($null, $true)
        $viaShortcut = Format-Stored (Get-AncientObject -Heap $heap -Key shortcut)
        $viaPublic = Format-Stored (Get-AncientObject -Heap $heap -Key public)
        $viaShortcut | Should -Be $viaPublic
        $viaShortcut | Should -BeLike '*Id=1; Name=host1*'
        if ($Source -like '*script property*') { $viaShortcut | Should -Match 'Double=2|Triple=3' }
        if ($Source -eq 'Import-Clixml') { $viaShortcut | Should -BeLike 'Deserialized.System.Management.Automation.PSCustomObject,*' }
    }

    It 'stores the same whether or not it counts the hidden members: <Source>' -TestCases @(
        @{ Source = 'after ConvertTo-Json' }, @{ Source = 'after Export-Clixml' }, @{ Source = 'after Get-Member' },
        @{ Source = 'a note property added after a read' }, @{ Source = 'a script property on the instance' },
        @{ Source = 'one read row with a note removed and added again' }, @{ Source = 'one read row with a note removed' },
        @{ Source = 'one read row with a note added' }, @{ Source = 'one read row with a script property added' },
        @{ Source = 'one read row with a note removed and a script property added' }
    ) {
        $rows = Get-SourceRows $Source
        try {
            $rows | Set-AncientObject -Heap $heap -Key counted
            $script:UseVisibleCount.SetValue($null, $false)
            $rows | Set-AncientObject -Heap $heap -Key uncounted
            $script:UseInternal.SetValue($null, $false)
            $rows | Set-AncientObject -Heap $heap -Key public
        }
        finally { $script:UseVisibleCount.SetValue($null, $true) }
        $counted = Format-Stored (Get-AncientObject -Heap $heap -Key counted)
        $counted | Should -Be (Format-Stored (Get-AncientObject -Heap $heap -Key uncounted))
        $counted | Should -Be (Format-Stored (Get-AncientObject -Heap $heap -Key public))
        $counted | Should -BeLike '*Id=1; Name=host1*'
        switch ($Source) {
            'one read row with a note removed and added again' { $counted | Should -BeLike '*Id=3; Cpu=1.5; Up=False; Tags=a+b; Name=back*' }
            'one read row with a note removed' { $counted | Should -BeLike '*Id=2; Name=host2; Up=True; Tags=a+b*' }
            'one read row with a note added' { $counted | Should -BeLike '*Id=4; Name=host4; Cpu=2; Up=True; Tags=a+b; Extra=x*' }
            'one read row with a script property added' { $counted | Should -BeLike '*Id=2; Name=host2; Cpu=1; Up=True; Tags=a+b; Double=4*' }
            'one read row with a note removed and a script property added' { $counted | Should -BeLike '*Id=3; Name=host3; Cpu=1.5; Tags=a+b; Up=scripted*' }
        }
    }

    It 'reads rows from every source without PSObject.Properties (<Source>)' -TestCases @(
        @{ Source = 'fresh' }, @{ Source = 'after ConvertTo-Json' }, @{ Source = 'after Export-Clixml' }, @{ Source = 'after Get-Member' },
        @{ Source = 'Import-Clixml' }, @{ Source = 'Import-Csv' }, @{ Source = 'ConvertFrom-Json' }, @{ Source = 'Select-Object' },
        @{ Source = 'a note property added after a read' }, @{ Source = 'a script method on the instance' }
    ) {
        Test-Shortcut (Get-SourceRows $Source) | Should -BeTrue
    }

    It 'takes the public way for a script property, on the instance or of the type name (<Source>)' -TestCases @(
        @{ Source = 'a script property on the instance' }, @{ Source = 'a script property of its type name' }
    ) {
        Test-Shortcut (Get-SourceRows $Source) | Should -BeFalse
    }
}

Describe 'Set-AncientObject and secrets' {
    BeforeEach { $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "secret-$([guid]::NewGuid()).heap") }
    AfterEach { Dismount-AllHeaps }

    It 'refuses a SecureString the user nested three levels deep, naming its path, and stores nothing' {
        $secure = ConvertTo-SecureString 'hunter2' -AsPlainText -Force
        $rows = @(New-Rows 12) + [pscustomobject]@{ Id = 13; Outer = [pscustomobject]@{ Middle = [pscustomobject]@{ Password = $secure } } }
        $rows | Set-AncientObject -Heap $heap -Key nested -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -Be 'UnsupportedType,AncientPS.Commands.SetAncientObjectCommand'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidType'
        $failure[0].Exception.Message | Should -Match ([regex]::Escape("'nested' cannot be stored: [12].Outer.Middle.Password: A System.Security.SecureString"))
        Get-AncientObject -Heap $heap -ListAvailable | Should -BeNullOrEmpty
    }

    It 'refuses a credential the user put in a hashtable, naming the key' {
        $credential = [pscredential]::new('user', (ConvertTo-SecureString 'hunter2' -AsPlainText -Force))
        Set-AncientObject -Heap $heap -Key h -InputObject @{ web = @{ login = $credential } } -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].Exception.Message | Should -Match ([regex]::Escape("['web']['login']: A System.Management.Automation.PSCredential"))
    }

    It 'stores a secret met inside a .NET object as $null, with one warning per property path' {
        $credential = [pscredential]::new('user', (ConvertTo-SecureString 'hunter2' -AsPlainText -Force))
        $rows = @(
            [pscustomobject]@{ Site = 'a'; Login = [Tuple]::Create('web', $credential) }
            [pscustomobject]@{ Site = 'b'; Login = [Tuple]::Create('db', $credential) }
        )
        $rows | Set-AncientObject -Heap $heap -Key logins -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 2
        "$($warnings[0])" | Should -Match ('^' + [regex]::Escape("'logins': [0].Login.Item2 holds a System.Management.Automation.PSCredential"))
        "$($warnings[1])" | Should -Match ('^' + [regex]::Escape("'logins': [1].Login.Item2 holds a "))
        $stored = @(Get-AncientObject -Heap $heap -Key logins)
        $stored[1].Login.Item1 | Should -Be 'db'
        $stored[1].Login.Item2 | Should -BeNullOrEmpty
        @($stored[1].Login.psobject.Properties.Name) | Should -Contain 'Item2'
        [Text.Encoding]::Unicode.GetString([IO.File]::ReadAllBytes($heap.Path)) | Should -Not -BeLike '*hunter2*'
    }

    It 'stores an empty credential without error or warning, and reads it back as Import-Clixml does' {
        $record = [pscustomobject]@{ Name = 'x'; Credential = [pscredential]::Empty }
        $reference = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($record, 2))
        $record | Set-AncientObject -Heap $heap -Key empty -WarningVariable warnings -ErrorAction Stop
        $warnings.Count | Should -Be 0
        $stored = Get-AncientObject -Heap $heap -Key empty
        $stored.Name | Should -Be 'x'
        # The deserializer gives back [pscredential]::Empty itself.
        [object]::ReferenceEquals($stored.Credential, $reference.Credential) | Should -BeTrue
        ($stored | ConvertTo-Json -Compress) | Should -BeExactly ($reference | ConvertTo-Json -Compress)
        ($stored | ConvertTo-Csv) | Should -Be ($reference | ConvertTo-Csv)
    }

    It 'stores an empty NetworkCredential as $null, and refuses one that holds a password' {
        [pscustomobject]@{ Name = 'x'; Network = [System.Net.NetworkCredential]::new() } | Set-AncientObject -Heap $heap -Key emptynet -WarningVariable warnings -ErrorAction Stop
        $warnings.Count | Should -Be 0
        (Get-AncientObject -Heap $heap -Key emptynet).Network | Should -BeNullOrEmpty
        $full = [System.Net.NetworkCredential]::new('user', 'hunter2')
        [pscustomobject]@{ Name = 'y'; Network = $full } | Set-AncientObject -Heap $heap -Key fullnet -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].Exception.Message | Should -Match ([regex]::Escape('Network: A System.Net.NetworkCredential'))
        Get-AncientObject -Heap $heap -Key fullnet -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'keeps an object''s own note properties at its depth, as Export-Clixml does (-Depth <Depth>)' -TestCases @(@{ Depth = 1 }, @{ Depth = 2 }) {
        # A provider's PSDrive, PSProvider and UnixStat are instance members of each item: the serializer writes them
        # at the item's own depth, and its .NET properties one level down.
        $wrapper = [pscustomobject]@{ Name = 'file'; Item = (Get-Item -LiteralPath $PSHOME) }
        $reference = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($wrapper, $Depth))
        Set-AncientObject -Heap $heap -Key "depth$Depth" -InputObject $wrapper -Depth $Depth
        $stored = Get-AncientObject -Heap $heap -Key "depth$Depth"
        foreach ($name in 'PSDrive', 'PSProvider', 'Directory', 'Parent', 'Root') {
            $expected = $reference.Item.$name
            $actual = $stored.Item.$name
            ($actual -is [string]) | Should -Be ($expected -is [string]) -Because "$name at depth $Depth"
            if ($expected -isnot [string] -and $null -ne $expected) {
                @($actual.PSObject.Properties.Name | Where-Object { $_ -in $expected.PSObject.Properties.Name }).Count | Should -BeGreaterThan 3 -Because "$name at depth $Depth"
                $actual.Name | Should -Be $expected.Name
            }
        }
    }

    It 'stores Get-ChildItem -Recurse output at the default depth' {
        $files = @(Get-ChildItem -Recurse -LiteralPath $PSHOME)
        Get-ChildItem -Recurse -LiteralPath $PSHOME | Set-AncientObject -Heap $heap -Key files -WarningVariable warnings -ErrorAction Stop
        $warnings.Count | Should -Be 0
        $stored = Get-AncientObject -Heap $heap -Key files -NoEnumerate
        $stored.Count | Should -Be $files.Count
        $sample = $stored | Where-Object { $_.PSIsContainer -eq $false } | Select-Object -First 1
        $sample.Name | Should -Not -BeNullOrEmpty
        $sample.PSDrive.Name | Should -Not -BeNullOrEmpty
        [object]::ReferenceEquals($sample.PSDrive.Credential, [pscredential]::Empty) | Should -BeTrue
    }
}

Describe 'Storing stored records again' {
    BeforeAll { $heap = Mount-AncientHeap -Anonymous }
    AfterAll { Dismount-AncientHeap -Heap $heap -Confirm:$false }

    It 'stores what the records show, unchanged or with a member added, the shortcut <Shortcut>' -TestCases @(
        @{ Shortcut = 'on'; Use = $true }, @{ Shortcut = 'off'; Use = $false }
    ) {
        param($Shortcut, $Use)
        $script:UseInternal.SetValue($null, $Use)
        try {
            Get-SampleRows 5 | Set-AncientObject -Heap $heap -Key "source-$Shortcut"
            $rows = Get-AncientObject -Heap $heap -Key "source-$Shortcut" -NoEnumerate
            $rows | Set-AncientObject -Heap $heap -Key "copy-$Shortcut"
            Format-Stored (Get-AncientObject -Heap $heap -Key "copy-$Shortcut") | Should -Be (Format-Stored (Get-SampleRows 5))
            $changed = (Get-AncientObject -Heap $heap -Key "source-$Shortcut" -NoEnumerate)
            $changed[1] | Add-Member -NotePropertyName Extra -NotePropertyValue 42
            $changed | Set-AncientObject -Heap $heap -Key "changed-$Shortcut"
            $expected = @(Get-SampleRows 5)
            $expected[1] | Add-Member -NotePropertyName Extra -NotePropertyValue 42
            Format-Stored (Get-AncientObject -Heap $heap -Key "changed-$Shortcut") | Should -Be (Format-Stored $expected)
        }
        finally { $script:UseInternal.SetValue($null, $true) }
    }
}


Describe 'Set-AncientObject on live .NET objects' {
    BeforeAll {
        # Set reads the first object of each layout (type, type names, own note properties) through PSObject.Properties
        # and the rest by that plan (src/AncientPS/Projection/AdaptedObjectReader.cs); with the internal members off,
        # every object goes the full way. These tests compare the two.
        $script:LiveReader = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.AdaptedObjectReader', $true)

        # A stored value as text, records and lists to a few levels.
        function Format-Deep($Value, [int] $Level = 0) {
            if ($null -eq $Value) { return '$null' }
            if ($Value -is [string] -or $Value -is [ValueType] -or $Level -gt 3) { return "$Value" }
            if ($Value -is [Collections.IDictionary]) { return '@{' + (@(foreach ($k in $Value.Keys) { "$k=" + (Format-Deep $Value[$k] ($Level + 1)) }) -join '; ') + '}' }
            if ($Value -is [Collections.IEnumerable]) { return '@(' + (@(foreach ($v in $Value) { Format-Deep $v ($Level + 1) }) -join ', ') + ')' }
            # A drive's Used and Free move between two reads.
            ($Value.PSTypeNames -join ',') + ' {' + (@(foreach ($p in $Value.psobject.Properties) { if ($p.Name -notin 'Used', 'Free') { $p.Name + '=' + (Format-Deep $p.Value ($Level + 1)) } }) -join '; ') + '}'
        }

        function Get-LiveObjects([string] $Source) {
            $root = Join-Path $TestDrive "live-$([guid]::NewGuid())"
            $null = New-Item -ItemType Directory -Path (Join-Path $root 'sub')
            foreach ($name in 'a.txt', 'b.log', 'sub/c.txt', 'sub/d') { Set-Content -LiteralPath (Join-Path $root $name) -Value $name }
            switch ($Source) {
                'Get-ChildItem' { return , @(Get-ChildItem -Recurse -LiteralPath $root) }
                'Get-Item of files and folders' { return , @(Get-Item -LiteralPath (Join-Path $root 'a.txt'), (Join-Path $root 'sub'), (Join-Path $root 'b.log')) }
                'Get-Command' { return , @(Get-Command -Module Microsoft.PowerShell.Utility | Select-Object -First 6) }
                'files whose Length getter throws' {
                    return , @([IO.FileInfo]::new((Join-Path $root 'a.txt')), [IO.FileInfo]::new((Join-Path $root 'missing.txt')), [IO.FileInfo]::new((Join-Path $root 'b.log')))
                }
                'note properties on some objects' {
                    $items = @(foreach ($i in 1..4) { [Text.StringBuilder]::new("text$i") })
                    $items[1] | Add-Member -NotePropertyName Tag -NotePropertyValue 'one'
                    $items[2] | Add-Member -NotePropertyName Tag -NotePropertyValue 'two'
                    $items[3] | Add-Member -NotePropertyName Length -NotePropertyValue 'hides the .NET Length' -Force
                    return , $items
                }
                'a script property on the instance' {
                    $items = @(foreach ($i in 1..3) { [Text.StringBuilder]::new("text$i") })
                    $items[1] | Add-Member -MemberType ScriptProperty -Name Twice -Value { 2 * $this.Length }
                    return , $items
                }
                'type data of the type' {
                    Update-TypeData -TypeName System.Text.StringBuilder -MemberType ScriptProperty -MemberName AncientTestDouble -Value { 2 * $this.Length } -Force
                    Update-TypeData -TypeName System.Text.StringBuilder -MemberType AliasProperty -MemberName AncientTestSize -Value Capacity -Force
                    return , @(foreach ($i in 1..3) { [Text.StringBuilder]::new("text$i") })
                }
                'XML elements' { return , @(([xml]'<r><e><a>1</a></e><e><b>2</b></e></r>').r.e) }
                'data rows' {
                    $table = [Data.DataTable]::new('t')
                    $null = $table.Columns.Add('Id', [int])
                    $null = $table.Columns.Add('Name', [string])
                    foreach ($i in 1..3) { $null = $table.Rows.Add($i, "n$i") }
                    return , @($table.Rows)
                }
            }
            throw "no source $Source"
        }
    }
    BeforeEach { $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "live-$([guid]::NewGuid()).heap") }
    AfterEach {
        $script:UseInternal.SetValue($null, $true)
        Dismount-AllHeaps
    }
    AfterAll {
        Remove-TypeData -TypeName System.Text.StringBuilder -ErrorAction SilentlyContinue
    }

    It 'stores what the full way (PSObject.Properties for every object) stores: <Source>' -TestCases @(
        @{ Source = 'Get-ChildItem' }, @{ Source = 'Get-Item of files and folders' }, @{ Source = 'Get-Command' },
        @{ Source = 'files whose Length getter throws' }, @{ Source = 'note properties on some objects' },
        @{ Source = 'a script property on the instance' }, @{ Source = 'type data of the type' }, @{ Source = 'XML elements' }, @{ Source = 'data rows' }
    ) {
        $objects = Get-LiveObjects $Source
        $objects | Set-AncientObject -Heap $heap -Key plan -WarningAction SilentlyContinue
        $script:UseInternal.SetValue($null, $false)
        $objects | Set-AncientObject -Heap $heap -Key full -WarningAction SilentlyContinue
        $script:UseInternal.SetValue($null, $true)
        $viaPlan = @(Get-AncientObject -Heap $heap -Key plan)
        $viaFull = @(Get-AncientObject -Heap $heap -Key full)
        $viaPlan.Count | Should -Be $objects.Count
        for ($i = 0; $i -lt $viaPlan.Count; $i++) { Format-Deep $viaPlan[$i] | Should -Be (Format-Deep $viaFull[$i]) -Because "object [$i] of $Source" }
        switch ($Source) {
            'files whose Length getter throws' {
                @($viaPlan[1].psobject.Properties.Name) | Should -Not -Contain 'Length'
                $viaPlan[2].Length | Should -BeGreaterThan 0
            }
            'note properties on some objects' {
                $viaPlan[2].Tag | Should -Be 'two'
                $viaPlan[3].Length | Should -Be 'hides the .NET Length'
            }
            'a script property on the instance' { $viaPlan[1].Twice | Should -Be 10 }
            'type data of the type' {
                $viaPlan[0].AncientTestDouble | Should -Be 10
                $viaPlan[0].AncientTestSize | Should -Be $objects[0].Capacity
            }
            'data rows' { $viaPlan[2].Name | Should -Be 'n3' }
            'Get-ChildItem' {
                ($viaPlan | Where-Object Name -EQ 'c.txt').PSParentPath | Should -BeLike '*sub'
                # The hidden type-data members (HiddenTypeMembers) of every file, the plan's objects too.
                foreach ($file in @($viaPlan | Where-Object PSIsContainer -EQ $false)) { $file.NameString | Should -BeLike "*$($file.Name)*" }
            }
        }
    }

    It 'reads every object after the first of a layout by its plan: <Source>' -TestCases @(
        @{ Source = 'Get-Item of files and folders'; Planned = 1 }, @{ Source = 'files whose Length getter throws'; Planned = 2 },
        @{ Source = 'note properties on some objects'; Planned = 1 }, @{ Source = 'type data of the type'; Planned = 2 },
        @{ Source = 'a script property on the instance'; Planned = 1 }, @{ Source = 'XML elements'; Planned = 0 }, @{ Source = 'data rows'; Planned = 0 }
    ) {
        $reader = [Activator]::CreateInstance($script:LiveReader, $true)
        $method = $script:LiveReader.GetMethod('TryRead')
        foreach ($object in (Get-LiveObjects $Source)) {
            $pso = [psobject]$object
            $null = $method.Invoke($reader, [object[]]@($pso, $pso.psobject.BaseObject, $null, $null, $null, $null, $null))
        }
        $script:LiveReader.GetProperty('PlannedReads', [Reflection.BindingFlags]'NonPublic,Instance').GetValue($reader) | Should -Be $Planned
    }

    It 'reads no object by a plan with the internal members off' {
        $script:UseInternal.SetValue($null, $false)
        $reader = [Activator]::CreateInstance($script:LiveReader, $true)
        $method = $script:LiveReader.GetMethod('TryRead')
        foreach ($object in (Get-LiveObjects 'Get-ChildItem')) {
            $pso = [psobject]$object
            $method.Invoke($reader, [object[]]@($pso, $pso.psobject.BaseObject, $null, $null, $null, $null, $null)) | Should -BeFalse
        }
    }
}
