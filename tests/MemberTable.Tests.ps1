BeforeDiscovery {
    $Modes = @(@{ On = $true; Way = 'its own member table' }, @{ On = $false; Way = 'the public way' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # A projected record gets a member table of its own, of the right size, as PowerShell 7's PSObject(int) constructor
    # gives ConvertFrom-Json's objects (src/AncientPS/Projection/MemberTable.cs, internal members, guarded). These tests
    # run both ways: with it (the default) and with the switch off (the public way, what another PowerShell gets).
    $script:MemberTable = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.MemberTable', $true)
    $script:Enabled = $script:MemberTable.GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')

    function Use-MemberTable([bool] $On, [scriptblock] $Script) {
        $script:Enabled.SetValue($null, $On)
        try { & $Script }
        finally { $script:Enabled.SetValue($null, $true) }
    }

    # What PowerShell shows of an object, in text: every path a script or a cmdlet takes to it.
    function Format-Seen($Value) {
        @(
            $Value | ConvertTo-Json -Depth 4 -Compress
            ($Value | Format-List * | Out-String)
            ($Value | Format-Table | Out-String)
            ($Value | Get-Member | Out-String)
            "$Value"
            ($Value.PSTypeNames -join ',')
            ($Value.PSObject.Properties | ForEach-Object { '{0}:{1}:{2}' -f $_.Name, $_.MemberType, $_.TypeNameOfValue }) -join ';'
            ($Value | Select-Object Name, Id | ConvertTo-Json -Compress)
            ($Value.PSObject.Copy() | ConvertTo-Json -Depth 4 -Compress)
        ) -join "`n---`n"
    }

    function New-Original {
        $a = [pscustomobject]@{ Id = 1; Name = 'a'; Cpu = 0.5; Up = $true; Items = $null }
        $b = [pscustomobject]@{ Id = 2; Name = 'b'; Parent = $a }
        $a.Items = @($b)
        $a
    }
}
AfterAll { Dismount-AllHeaps }

Describe 'Projected records, <Way>' -ForEach $Modes {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Path (Join-Path $TestDrive "members-$On.heap")
        $script:originalRows = @(Get-SampleRows 5)
        Set-AncientObject -Heap $heap -Key rows -InputObject $originalRows
        $script:original = New-Original
        Set-AncientObject -Heap $heap -Key graph -InputObject $original
        Set-AncientObject -Heap $heap -Key typed -InputObject ([pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = 'web1'; Port = 443 })
    }
    AfterAll { Dismount-AncientHeap -Heap $heap }

    It 'are taken the way asked for (the default where this PowerShell has the members)' {
        # PowerShell files a member table it makes itself in a process-wide weak table; an own table is not filed there.
        $table = [psobject].GetField('s_instanceMembersResurrectionTable', [Reflection.BindingFlags]'NonPublic,Static')
        if ($null -eq $table -or -not $script:MemberTable.GetProperty('IsAvailable', [Reflection.BindingFlags]'NonPublic,Static').GetValue($null)) {
            Set-ItResult -Skipped -Because 'this PowerShell has neither the weak table nor the internal members'
            return
        }
        Use-MemberTable $On {
            $row = (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[1]
            $found = $null
            $table.GetValue($null).TryGetValue($row, [ref] $found) | Should -Be (-not $On)
            $row.Name | Should -Be $originalRows[1].Name
            # Records of one shape share one read-only type-name list until a script asks for one's PSTypeNames.
            $internalNames = [psobject].GetProperty('InternalTypeNames', [Reflection.BindingFlags]'NonPublic,Instance')
            Set-AncientObject -Heap $heap -Key pair -InputObject @([pscustomobject]@{ PSTypeName = 'Contoso.Pair'; N = 1 }, [pscustomobject]@{ PSTypeName = 'Contoso.Pair'; N = 2 })
            $pair = Get-AncientObject -Heap $heap -Key pair -NoEnumerate
            [object]::ReferenceEquals($internalNames.GetValue($pair[0]), $internalNames.GetValue($pair[1])) | Should -Be $On
        }
    }

    It 'show what the original shows, to every path' {
        Use-MemberTable $On {
            $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
            for ($i = 0; $i -lt $originalRows.Count; $i++) { Format-Seen $rows[$i] | Should -Be (Format-Seen $originalRows[$i]) }
            $typedOriginal = [pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = 'web1'; Port = 443 }
            Format-Seen (Get-AncientObject -Heap $heap -Key typed) | Should -Be (Format-Seen $typedOriginal)
            ($rows | ConvertTo-Json -Compress) | Should -Be ($originalRows | ConvertTo-Json -Compress)
            ($rows | ConvertTo-Csv) | Should -Be ($originalRows | ConvertTo-Csv)
        }
    }

    It 'keep a change to one record''s type names to that record, as the original''s are its own' {
        Use-MemberTable $On {
            $servers = @(foreach ($i in 1..3) { [pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = "web$i" } })
            Set-AncientObject -Heap $heap -Key servers -InputObject $servers
            $stored = Get-AncientObject -Heap $heap -Key servers -NoEnumerate
            $stored[0].PSTypeNames.Insert(0, 'Contoso.Changed')
            $servers[0].PSTypeNames.Insert(0, 'Contoso.Changed')
            for ($i = 0; $i -lt 3; $i++) { ($stored[$i].PSTypeNames -join ',') | Should -Be ($servers[$i].PSTypeNames -join ',') }
            # A record read later, and one read again through a new Get, still have the stored names.
            $again = Get-AncientObject -Heap $heap -Key servers -NoEnumerate
            ($again[0].PSTypeNames -join ',') | Should -Be ($servers[1].PSTypeNames -join ',')
            # Type names decide formatting and type data the same way as on the original.
            Update-TypeData -TypeName 'Contoso.Changed' -MemberType ScriptProperty -MemberName Shout -Value { $this.Name.ToUpper() } -Force
            try {
                $stored[0].Shout | Should -Be $servers[0].Shout
                $stored[1].Shout | Should -Be $servers[1].Shout
                ($stored | Select-Object Name, Shout | ConvertTo-Json -Compress) | Should -Be ($servers | Select-Object Name, Shout | ConvertTo-Json -Compress)
            }
            finally { Remove-TypeData -TypeName 'Contoso.Changed' }
            # .NET objects stored by their properties: Deserialized.* names, as Import-Clixml gives them.
            $item = Get-Item -LiteralPath $PSHOME
            Set-AncientObject -Heap $heap -Key folder -InputObject $item -Depth 1
            $folder = Get-AncientObject -Heap $heap -Key folder
            $imported = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($item, 1))
            ($folder.PSTypeNames -join ',') | Should -Be ($imported.PSTypeNames -join ',')
        }
    }

    It 'give the same object for one element read twice, and back the same object through a cycle' {
        Use-MemberTable $On {
            $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
            [object]::ReferenceEquals($rows[3], $rows[3]) | Should -BeTrue
            $seen = foreach ($r in $rows) { $r }
            [object]::ReferenceEquals($seen[3], $rows[3]) | Should -BeTrue
            $x = Get-AncientObject -Heap $heap -Key graph
            [object]::ReferenceEquals($x.Items[0].Parent, $x) | Should -Be ([object]::ReferenceEquals($original.Items[0].Parent, $original))
            [object]::ReferenceEquals($x.Items[0], $x.Items[0]) | Should -BeTrue
        }
    }

    It 'refuse a property write, and take Add-Member as the original does' {
        Use-MemberTable $On {
            $row = (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[0]
            { $row.Name = 'x' } | Should -Throw '*-Materialize*'
            { $row.PSObject.Properties['Cpu'].Value = 1 } | Should -Throw '*-Materialize*'
            $row | Add-Member -NotePropertyName Extra -NotePropertyValue 42
            $row.Extra | Should -Be 42
            $row.PSObject.Properties.Name | Should -Be @($originalRows[0].PSObject.Properties.Name + 'Extra')
            # Adding a name the object has: the same error as on the original.
            $copy = $originalRows[0].PSObject.Copy()
            $expected = try { $copy | Add-Member -NotePropertyName Name -NotePropertyValue 'y' -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
            $actual = try { $row | Add-Member -NotePropertyName Name -NotePropertyValue 'y' -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
            $actual | Should -Be $expected
            $row.Name | Should -Be $originalRows[0].Name
        }
    }

    It 'show their stored properties through a PSObject wrapped around them, as the original does' {
        Use-MemberTable $On {
            $row = (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[2]
            $wrapped = [psobject]::new($row)
            $wrappedOriginal = [psobject]::new($originalRows[2])
            $wrapped.Name | Should -Be $wrappedOriginal.Name
            ($wrapped | ConvertTo-Json -Compress) | Should -Be ($wrappedOriginal | ConvertTo-Json -Compress)
            ($wrapped | Get-Member | Out-String) | Should -Be ($wrappedOriginal | Get-Member | Out-String)
        }
    }

    It 'are stored again by reference when unchanged, and with their added members when not' {
        Use-MemberTable $On {
            $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
            $rows[4] | Add-Member -NotePropertyName Added -NotePropertyValue 'yes'
            $rows | Set-AncientObject -Heap $heap -Key again
            $again = Get-AncientObject -Heap $heap -Key again -NoEnumerate
            ($again | ConvertTo-Json -Compress) | Should -Be ($rows | ConvertTo-Json -Compress)
            $again[4].Added | Should -Be 'yes'
        }
    }

    It 'read every property of narrow and wide records, in any order, whatever the case of the name' {
        Use-MemberTable $On {
            foreach ($width in 1, 5, 32, 33, 80) {
                $wide = [ordered]@{}
                foreach ($i in 1..$width) { $wide["P$i"] = "v$i" }
                $original = [pscustomobject]$wide
                Set-AncientObject -Heap $heap -Key "wide$width" -InputObject @($original, $original)
                $stored = Get-AncientObject -Heap $heap -Key "wide$width" -NoEnumerate
                foreach ($i in $width..1) { $stored[0]."p$i" | Should -Be $original."P$i" }
                ($stored[1] | ConvertTo-Json -Compress) | Should -Be ($original | ConvertTo-Json -Compress)
                [object]::ReferenceEquals($stored[0].PSObject.Properties["P$width"].Value, $stored[0]."P$width") | Should -BeTrue
            }
        }
    }

    It 'keep a value read before a dismount and show $null for one read after it' {
        Use-MemberTable $On {
            $gone = Mount-AncientHeap -Anonymous
            Set-AncientObject -Heap $gone -Key r -InputObject ([pscustomobject]@{ Name = 'n'; Other = 'o' })
            $record = Get-AncientObject -Heap $gone -Key r
            $record.Name | Should -Be 'n'
            Dismount-AncientHeap -Heap $gone
            $record.Name | Should -Be 'n'
            $record.Other | Should -BeNullOrEmpty
            { Get-AncientObject -Heap $gone -Key r -ErrorAction Stop } | Should -Throw
        }
    }
}
