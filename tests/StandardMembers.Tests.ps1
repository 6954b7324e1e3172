BeforeDiscovery {
    $Ways = @(@{ Internal = $true; Way = 'PowerShell''s internal members' }, @{ Internal = $false; Way = 'the public way' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # A PSCustomObject's own PSStandardMembers (a function's chosen columns, sort key and wide property) is stored with
    # the record's shape (format 1.6) and given back to the record read (src/AncientPS/Projection/StandardMemberSet.cs).
    # Set reads it from the object's member table where PowerShell's internals allow, else through PSObject.Members
    # (PropertyBagReader.UseInternalMembers off): every test runs both ways, and the reference is always the original
    # object in this process.
    $assembly = [AncientPS.Commands.SetAncientObjectCommand].Assembly
    $flags = [Reflection.BindingFlags]'NonPublic,Static'
    $script:Switches = @($assembly.GetType('AncientPS.Projection.PropertyBagReader', $true).GetProperty('UseInternalMembers', $flags))

    function Use-Way([bool] $Internal, [scriptblock] $Script) {
        foreach ($s in $script:Switches) { $s.SetValue($null, $Internal) }
        try { & $Script }
        finally { foreach ($s in $script:Switches) { $s.SetValue($null, $true) } }
    }

    # Rows as a function that picks its default columns makes them.
    function New-ChosenRows {
        $standard = [System.Management.Automation.PSMemberInfo[]]@(
            [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('Name', 'Size')),
            [System.Management.Automation.PSPropertySet]::new('DefaultKeyPropertySet', [string[]]('Size')),
            [System.Management.Automation.PSNoteProperty]::new('DefaultDisplayProperty', 'Name'))
        foreach ($i in 3, 1, 2, 5, 4) {
            $row = [pscustomobject]@{ Name = "item$i"; Size = $i * 10; Owner = 'ops'; Path = "/srv/item$i" }
            $row | Add-Member -MemberType MemberSet -Name PSStandardMembers -Value $standard -PassThru
        }
    }

    # What PowerShell shows and does with rows: display, sorting and comparing by the key, and the text paths.
    function Format-Seen($Rows) {
        @(
            ($Rows | Format-Table | Out-String)
            ($Rows | Format-List | Out-String)
            ($Rows | Format-Wide | Out-String)
            ($Rows | Out-String)
            (($Rows | Sort-Object | ForEach-Object Name) -join ',')
            (($Rows | Sort-Object -Descending | ForEach-Object Name) -join ',')
            ((Compare-Object @($Rows)[0..1] @($Rows)[1..2] | ForEach-Object { '{0}{1}' -f $_.InputObject.Name, $_.SideIndicator }) -join ',')
            ($Rows | Get-Member | Out-String)
            ($Rows | ConvertTo-Json -Compress)
            ($Rows | ConvertTo-Csv) -join "`n"
            [System.Management.Automation.PSSerializer]::Serialize($Rows, 2)
        ) -join "`n---`n"
    }
}
AfterAll { Dismount-AllHeaps }

Describe 'Standard members of property bags, <Way>' -ForEach $Ways {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Path (Join-Path $TestDrive "standard-$Internal.heap")
        $script:rows = @(New-ChosenRows)
        $script:parent = [pscustomobject]@{ Title = 'inventory'; Rows = $rows; First = $rows[0] }
        Use-Way $Internal {
            $rows | Set-AncientObject -Heap $heap -Key rows
            Set-AncientObject -Heap $heap -Key parent -InputObject $parent
            Set-AncientObject -Heap $heap -Key one -InputObject $rows[0]
        }
    }
    AfterAll { Dismount-AncientHeap -Heap $heap }

    It 'shows, sorts and compares stored rows as the original rows, piped, -NoEnumerate, through a property and as elements' {
        Use-Way $Internal {
            $expected = Format-Seen $rows
            Format-Seen @(Get-AncientObject -Heap $heap -Key rows) | Should -BeExactly $expected
            Format-Seen (Get-AncientObject -Heap $heap -Key rows -NoEnumerate) | Should -BeExactly $expected
            $stored = Get-AncientObject -Heap $heap -Key parent
            Format-Seen $stored.Rows | Should -BeExactly $expected
            Format-Seen @(foreach ($i in 0..4) { $stored.Rows[$i] }) | Should -BeExactly $expected
        }
    }

    It 'uses the original''s default columns and not all the properties' {
        Use-Way $Internal {
            $table = Get-AncientObject -Heap $heap -Key rows | Format-Table | Out-String
            $table | Should -Match 'Name\s+Size'
            $table | Should -Not -Match 'Owner'
        }
    }

    It 'gives one stored record as the original gives it' {
        Use-Way $Internal {
            $one = Get-AncientObject -Heap $heap -Key one
            ($one | Format-Table | Out-String) | Should -BeExactly ($rows[0] | Format-Table | Out-String)
            ($one | Format-Wide | Out-String) | Should -BeExactly ($rows[0] | Format-Wide | Out-String)
            ($one | Get-Member -MemberType MemberSet | Out-String) | Should -BeExactly ($rows[0] | Get-Member -MemberType MemberSet | Out-String)
            $stored = Get-AncientObject -Heap $heap -Key parent
            ($stored.First | Format-Table | Out-String) | Should -BeExactly ($parent.First | Format-Table | Out-String)
            ($stored | Format-List | Out-String) | Should -BeExactly ($parent | Format-List | Out-String)
        }
    }

    It 'keeps the members in a copy, in -Materialize and in a value stored again' {
        Use-Way $Internal {
            $expected = Format-Seen $rows
            $stored = @(Get-AncientObject -Heap $heap -Key rows)
            Format-Seen @($stored | ForEach-Object { $_.PSObject.Copy() }) | Should -BeExactly $expected
            Format-Seen @(Get-AncientObject -Heap $heap -Key rows -Materialize) | Should -BeExactly $expected
            $stored | Set-AncientObject -Heap $heap -Key again
            Set-AncientObject -Heap $heap -Key again-whole -InputObject (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)
            Format-Seen @(Get-AncientObject -Heap $heap -Key again) | Should -BeExactly $expected
            Format-Seen @(Get-AncientObject -Heap $heap -Key again-whole) | Should -BeExactly $expected
            # A copy a script changed keeps them when stored.
            $changed = @($stored | ForEach-Object { $c = $_.PSObject.Copy(); $c.Size += 1; $c })
            $changed | Set-AncientObject -Heap $heap -Key changed
            $expectedChanged = @($rows | ForEach-Object { $c = $_.PSObject.Copy(); $c.Size += 1; $c })
            Format-Seen @(Get-AncientObject -Heap $heap -Key changed) | Should -BeExactly (Format-Seen $expectedChanged)
        }
    }

    It 'keeps what it can of a set holding other members, and stores the rest of the object' {
        Use-Way $Internal {
            $members = [System.Management.Automation.PSMemberInfo[]]@(
                [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('B')),
                [System.Management.Automation.PSScriptProperty]::new('Computed', { 42 }),
                [System.Management.Automation.PSNoteProperty]::new('SerializationDepth', 3),
                [System.Management.Automation.PSNoteProperty]::new('Odd', [datetime]::new(2024, 1, 1)))
            $odd = [pscustomobject]@{ A = 1; B = 2 } | Add-Member -MemberType MemberSet -Name PSStandardMembers -Value $members -PassThru
            Set-AncientObject -Heap $heap -Key odd -InputObject $odd -WarningVariable warned
            $warned | Should -BeNullOrEmpty
            $stored = Get-AncientObject -Heap $heap -Key odd
            ($stored | Format-Table | Out-String) | Should -BeExactly ($odd | Format-Table | Out-String)
            # A member set's members, as PowerShell's formatter and serializer read them.
            $set = $stored.PSObject.Members['PSStandardMembers']
            $members = [System.Management.Automation.PSMemberSet].GetProperty('Members').GetValue($set)
            @($members | Where-Object { -not $_.IsHidden } | ForEach-Object Name) | Should -Be @('DefaultDisplayPropertySet', 'SerializationDepth')
            $members['DefaultDisplayPropertySet'].ReferencedPropertyNames | Should -Be @('B')
            $members['SerializationDepth'].Value | Should -Be 3
            $members['SerializationDepth'].Value | Should -BeOfType [int]
        }
    }

    It 'does not store a set the type data gives, which the type name finds again' {
        Use-Way $Internal {
            $typeName = "AncientPS.Tests.Chosen$Internal"
            Update-TypeData -TypeName $typeName -DefaultDisplayPropertySet A -Force
            try {
                $typed = [pscustomobject]@{ PSTypeName = $typeName; A = 1; B = 2 }
                Set-AncientObject -Heap $heap -Key typed -InputObject $typed
                $stored = Get-AncientObject -Heap $heap -Key typed
                ($stored | Format-Table | Out-String) | Should -BeExactly ($typed | Format-Table | Out-String)
                ($stored | Get-Member | Out-String) | Should -BeExactly ($typed | Get-Member | Out-String)
            }
            finally { Remove-TypeData -TypeName $typeName }
        }
    }

    It 'leaves rows without a set as they were, in one shape with their fellows' {
        Use-Way $Internal {
            $plain = @(foreach ($i in 1..3) { [pscustomobject]@{ Name = "p$i"; Size = $i } })
            @($plain) + @($rows) | Set-AncientObject -Heap $heap -Key mixed
            $stored = @(Get-AncientObject -Heap $heap -Key mixed)
            foreach ($i in 0..2) { $stored[$i].PSObject.Members['PSStandardMembers'] | Should -BeNullOrEmpty }
            foreach ($i in 3..7) { $stored[$i].PSObject.Members['PSStandardMembers'] | Should -Not -BeNullOrEmpty }
            Format-Seen $stored | Should -BeExactly (Format-Seen (@($plain) + @($rows)))
        }
    }

    It 'gives every record its set the public way too (PowerShell''s member table switch off)' {
        $tableSwitch = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.MemberTable', $true).GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')
        $tableSwitch.SetValue($null, $false)
        try {
            $stored = @(Get-AncientObject -Heap $heap -Key rows)
            ($stored | Format-Table | Out-String) | Should -BeExactly ($rows | Format-Table | Out-String)
            (($stored | Sort-Object | ForEach-Object Name) -join ',') | Should -BeExactly (($rows | Sort-Object | ForEach-Object Name) -join ',')
            ($stored | Get-Member | Out-String) | Should -BeExactly ($rows | Get-Member | Out-String)
        }
        finally { $tableSwitch.SetValue($null, $true) }
    }

    It 'passes the verifier' {
        Test-AncientHeap -Path $heap.Path -Quiet | Should -BeTrue
    }
}

Describe 'Standard members in a new process' {
    It 'reach a script as the original''s do, the first record read and the others' {
        # The first record of a process gets its set through PSObject.Members (which tells PowerShell's member binders
        # about the name), later ones straight into their member table: $x.PSStandardMembers works for both.
        $output = Invoke-InChildProcess -Script @'
$standard = [System.Management.Automation.PSMemberInfo[]]@(
    [System.Management.Automation.PSPropertySet]::new('DefaultDisplayPropertySet', [string[]]('Name', 'Size')),
    [System.Management.Automation.PSNoteProperty]::new('DefaultDisplayProperty', 'Name'))
$rows = foreach ($i in 1..3) { [pscustomobject]@{ Name = "item$i"; Size = $i; Owner = 'ops' } | Add-Member -MemberType MemberSet -Name PSStandardMembers -Value $standard -PassThru }
$heap = Mount-AncientHeap -Anonymous
$rows | Set-AncientObject -Heap $heap -Key rows
$stored = @(Get-AncientObject -Heap $heap -Key rows)
foreach ($i in 0..2) {
    ($stored[$i].PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames -join '+') + ' ' + $stored[$i].PSStandardMembers.DefaultDisplayProperty
    ($rows[$i].PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames -join '+') + ' ' + $rows[$i].PSStandardMembers.DefaultDisplayProperty
}
($stored | Format-Table | Out-String) -eq ($rows | Format-Table | Out-String)
'@
        $output | Should -Be @('Name+Size Name', 'Name+Size Name', 'Name+Size Name', 'Name+Size Name', 'Name+Size Name', 'Name+Size Name', 'True')
    }
}
