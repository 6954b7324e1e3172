BeforeAll { . (Join-Path $PSScriptRoot 'TestSupport.ps1') }

Describe 'Set-AncientObject' {
    BeforeEach { $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "set-$([guid]::NewGuid()).heap") }
    AfterEach { Dismount-AllHeaps }

    It 'stores several pipeline objects as one array, as Export-Clixml does' {
        Get-SampleRows 3 | Set-AncientObject -Heap $heap -Key rows
        (Get-AncientObject -Heap $heap -ListAvailable).TypeName | Should -Be 'System.Object[]'
        $rows = @(Get-AncientObject -Heap $heap -Key rows)
        $rows.Count | Should -Be 3
        $rows[2].Name | Should -Be 'host3'
    }

    It 'stores one pipeline object as itself' {
        Get-SampleRows 1 | Set-AncientObject -Heap $heap -Key one
        $one = Get-AncientObject -Heap $heap -Key one
        $one.Name | Should -Be 'host1'
        @($one).Count | Should -Be 1
    }

    It 'stores an array given with -InputObject as the array' {
        Set-AncientObject -Heap $heap -Key numbers -InputObject @(1, 2, 3)
        Get-AncientObject -Heap $heap -Key numbers | Should -Be @(1, 2, 3)
        (Get-AncientObject -Heap $heap -Key numbers -NoEnumerate).Count | Should -Be 3
    }

    It 'takes -Heap, -Key and -InputObject by position' {
        Set-AncientObject $heap pos 'value'
        Get-AncientObject $heap pos | Should -Be 'value'
    }

    It 'replaces a value atomically' {
        Set-AncientObject -Heap $heap -Key k -InputObject 'old'
        $old = Get-AncientObject -Heap $heap -Key k -NoEnumerate
        Set-AncientObject -Heap $heap -Key k -InputObject 'new'
        Get-AncientObject -Heap $heap -Key k | Should -Be 'new'
        $old | Should -Be 'old'
        (Get-AncientObject -Heap $heap -ListAvailable).Count | Should -Be 1
    }

    It 'writes the stored value as read back with -PassThru' {
        $out = Get-SampleRows 2 | Set-AncientObject -Heap $heap -Key rows -PassThru
        $out.Count | Should -Be 2
        $out | ForEach-Object { Test-AncientObject $_ } | Should -Be @($true, $true)
    }

    It 'stores nothing with -WhatIf' {
        Invoke-WithoutHost { param($heap) Set-AncientObject -Heap $heap -Key k -InputObject 1 -WhatIf } $heap
        Get-AncientObject -Heap $heap -ListAvailable | Should -BeNullOrEmpty
    }

    It 'stores $null' {
        Set-AncientObject -Heap $heap -Key nothing -InputObject $null
        Get-AncientObject -Heap $heap -Key nothing | Should -BeNullOrEmpty
        (Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be 'nothing'
    }

    It 'stores ordinary .NET objects by their properties down to -Depth' {
        $item = Get-Item -LiteralPath $TestDrive
        Set-AncientObject -Heap $heap -Key dir -InputObject $item -Depth 1
        $dir = Get-AncientObject -Heap $heap -Key dir
        $dir.FullName | Should -Be $item.FullName
        # As Import-Clixml gives it back: the type's own script properties must not run against the stored copy.
        $dir.PSTypeNames[0] | Should -Be 'Deserialized.System.IO.DirectoryInfo'
        $dir.PSPath | Should -Be $item.PSPath
    }

    It 'uses the only mounted heap when -Heap is left out' {
        Set-AncientObject -Key implicit -InputObject 7
        Get-AncientObject -Key implicit | Should -Be 7
    }

    It 'refuses to guess when several heaps are mounted' {
        $null = Mount-AncientHeap -Anonymous
        $err = { Set-AncientObject -Key k -InputObject 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'HeapAmbiguous,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a bad key with InvalidKey' {
        $err = { Set-AncientObject -Heap $heap -Key '' -InputObject 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidKey,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        { Set-AncientObject -Heap $heap -Key ('k' * 1025) -InputObject 1 } | Should -Throw -ErrorId 'InvalidKey,AncientPS.Commands.SetAncientObjectCommand'
        { Set-AncientObject -Heap $heap -Key "a`tb" -InputObject 1 } | Should -Throw -ErrorId 'InvalidKey,AncientPS.Commands.SetAncientObjectCommand'
    }

    It 'refuses secrets with UnsupportedType and stores nothing' {
        $secret = ConvertTo-SecureString 'p@ss' -AsPlainText -Force
        $credential = [pscredential]::new('user', $secret)
        Set-AncientObject -Heap $heap -Key cred -InputObject $credential -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedType,*'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidType'
        [pscustomobject]@{ Name = 'x'; Secret = $secret } | Set-AncientObject -Heap $heap -Key nested -ErrorVariable failure2 -ErrorAction SilentlyContinue
        $failure2[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedType,*'
        Get-AncientObject -Heap $heap -ListAvailable | Should -BeNullOrEmpty
    }

    It 'validates -Depth between 0 and 100' {
        { Set-AncientObject -Heap $heap -Key k -InputObject 1 -Depth 101 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AncientPS.Commands.SetAncientObjectCommand'
        { Set-AncientObject -Heap $heap -Key k -InputObject 1 -Depth -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AncientPS.Commands.SetAncientObjectCommand'
    }

    It 'leaves the heap unchanged when stopped' {
        Set-AncientObject -Heap $heap -Key big -InputObject 'before'
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Manifest, $Heap)
                Import-Module $Manifest
                1..2000000 | ForEach-Object { [pscustomobject]@{ Id = $_ } } | Set-AncientObject -Heap $Heap -Key big
            }).AddArgument((Join-Path $PSScriptRoot '../AncientPS.psd1')).AddArgument($heap)
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 1500
        $ps.Stop()
        try { $ps.EndInvoke($async) } catch { }
        $ps.Dispose()
        Get-AncientObject -Heap $heap -Key big | Should -Be 'before'
    }
}

Describe 'Get-AncientObject' {
    BeforeAll {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'get.heap')
        Get-SampleRows 5 | Set-AncientObject -Heap $heap -Key rows
        Set-AncientObject -Heap $heap -Key config -InputObject @{ Name = 'prod'; Port = 443 }
        Set-AncientObject -Heap $heap -Key user.alice -InputObject ([pscustomobject]@{ Name = 'Alice' })
        Set-AncientObject -Heap $heap -Key user.bob -InputObject ([pscustomobject]@{ Name = 'Bob' })
        Set-AncientObject -Heap $heap -Key 'odd[1]' -InputObject 'bracket'
        Set-AncientObject -Heap $heap -Key count -InputObject 42
    }
    AfterAll { Dismount-AllHeaps }

    It 'enumerates a stored list into the pipeline, as Import-Clixml does' {
        (Get-AncientObject -Heap $heap -Key rows | Measure-Object).Count | Should -Be 5
    }

    It 'writes the lazy list as one object with -NoEnumerate' {
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $rows -is [System.Collections.IList] | Should -BeTrue
        Test-AncientObject -InputObject $rows | Should -BeTrue
        $rows.Count | Should -Be 5
    }

    It 'writes a dictionary as one object' {
        $config = Get-AncientObject -Heap $heap -Key config
        @($config).Count | Should -Be 1
        $config.Port | Should -Be 443
    }

    It 'writes scalars as plain .NET values' {
        $value = Get-AncientObject -Heap $heap -Key count
        $value | Should -BeOfType ([int])
        $value | Should -Be 42
    }

    It 'matches keys with wildcards, ignoring case' {
        (Get-AncientObject -Heap $heap -Key 'USER.*').Name | Should -Be @('Alice', 'Bob')
    }

    It 'writes nothing, and no error, for a pattern that matches nothing' {
        Get-AncientObject -Heap $heap -Key 'nothing*' -ErrorVariable failure | Should -BeNullOrEmpty
        $failure | Should -BeNullOrEmpty
    }

    It 'reads a key with wildcard characters when they are escaped' {
        Get-AncientObject -Heap $heap -Key 'odd`[1`]' | Should -Be 'bracket'
    }

    It 'writes a non-terminating ObjectNotFound error for a missing literal key and goes on' {
        $out = Get-AncientObject -Heap $heap -Key missing, count -ErrorVariable failure -ErrorAction SilentlyContinue
        $out | Should -Be 42
        $failure[0].FullyQualifiedErrorId | Should -Be 'KeyNotFound,AncientPS.Commands.GetAncientObjectCommand'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure[0].Exception.Message | Should -BeLike '*missing*'
    }

    It 'writes a non-terminating InvalidKey error for an invalid key' {
        Get-AncientObject -Heap $heap -Key ('k' * 2000) -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'InvalidKey,AncientPS.Commands.GetAncientObjectCommand'
    }

    It 'lists the entries with -ListAvailable, and without -Key' {
        $entries = Get-AncientObject -Heap $heap -ListAvailable
        $entries.Key | Should -Contain 'rows'
        $entries[0] | Should -BeOfType ([AncientPS.AncientEntry])
        ($entries | Where-Object Key -EQ rows).TypeName | Should -Be 'System.Object[]'
        ($entries | Where-Object Key -EQ rows).StoredSize | Should -BeGreaterThan 0
        (Get-AncientObject -Heap $heap).Key | Should -Be $entries.Key
        (Get-AncientObject -Heap $heap -ListAvailable -Key 'user.*').Key | Should -Be @('user.alice', 'user.bob')
    }

    It 'takes the heap and the keys from the pipeline' {
        ($heap | Get-AncientObject -Key count) | Should -Be 42
        (Get-AncientObject -Heap $heap -ListAvailable -Key 'user.*' | Get-AncientObject).Name | Should -Be @('Alice', 'Bob')
    }

    Context '-Materialize' {
        It 'writes ordinary mutable copies' {
            $rows = Get-AncientObject -Heap $heap -Key rows -Materialize
            $rows.Count | Should -Be 5
            Test-AncientObject $rows[0] | Should -BeFalse
            $rows[0].Name = 'changed'
            $rows[0].Name | Should -Be 'changed'
            (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[0].Name | Should -Be 'host1'
            $rows[0].PSObject.BaseObject | Should -BeOfType ([System.Management.Automation.PSCustomObject])
        }

        It 'writes hashtables that keep their case-insensitivity' {
            $config = Get-AncientObject -Heap $heap -Key config -Materialize
            $config | Should -BeOfType ([hashtable])
            $config['NAME'] | Should -Be 'prod'
            $config.Port = 80
            $config.Port | Should -Be 80
        }

        It 'keeps sharing and cycles' {
            $a = [pscustomobject]@{ Name = 'a'; Child = $null; Shared = $null }
            $b = [pscustomobject]@{ Name = 'b'; Parent = $a }
            $a.Child = $b
            $a.Shared = [System.Collections.ArrayList]@($b, $b)
            Set-AncientObject -Heap $heap -Key cycle -InputObject $a
            $copy = Get-AncientObject -Heap $heap -Key cycle -Materialize
            [object]::ReferenceEquals($copy, $copy.Child.Parent) | Should -BeTrue
            [object]::ReferenceEquals($copy.Shared[0], $copy.Shared[1]) | Should -BeTrue
            [object]::ReferenceEquals($copy.Child, $copy.Shared[0]) | Should -BeTrue
        }

        It 'keeps nested records of one property count, shared records and cycles apart while it reuses their value arrays' {
            # Every record has three properties, at every level: the writer reads each into an array it reuses once the
            # record is written, so a record whose array came back too early would show another record's values.
            $shared = [pscustomobject]@{ A = 'shared'; B = @(1, 2); C = $null }
            $rows = foreach ($i in 1..40) {
                $inner = [pscustomobject]@{ A = "inner$i"; B = @($i, ($i + 1)); C = [pscustomobject]@{ A = "leaf$i"; B = @("x$i"); C = $shared } }
                [pscustomobject]@{ A = "row$i"; B = $inner; C = [System.Collections.ArrayList]@($shared, $inner, [pscustomobject]@{ A = $i; B = $null; C = 'last' }) }
            }
            $shared.C = $rows[0]
            Set-AncientObject -Heap $heap -Key nested -InputObject $rows
            $copy = Get-AncientObject -Heap $heap -Key nested -Materialize
            $copy.Count | Should -Be 40
            $sharedCopy = $copy[0].C[0]
            $sharedCopy.A | Should -Be 'shared'
            @($sharedCopy.B) | Should -Be @(1, 2)
            [object]::ReferenceEquals($sharedCopy.C, $copy[0]) | Should -BeTrue
            foreach ($i in 1..40) {
                $row = $copy[$i - 1]
                $row.A | Should -Be "row$i"
                $row.B.A | Should -Be "inner$i"
                @($row.B.B) | Should -Be @($i, ($i + 1))
                $row.B.C.A | Should -Be "leaf$i"
                @($row.B.C.B) | Should -Be @("x$i")
                [object]::ReferenceEquals($row.B.C.C, $sharedCopy) | Should -BeTrue
                [object]::ReferenceEquals($row.C[0], $sharedCopy) | Should -BeTrue
                [object]::ReferenceEquals($row.C[1], $row.B) | Should -BeTrue
                $row.C[2].A | Should -Be $i
                $row.C[2].B | Should -BeNullOrEmpty
                $row.C[2].C | Should -Be 'last'
            }
        }

        It 'keeps the stored type names first' {
            Set-AncientObject -Heap $heap -Key typed -InputObject ([pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = 'web1' })
            (Get-AncientObject -Heap $heap -Key typed -Materialize).PSTypeNames[0] | Should -Be 'Contoso.Server'
        }

        It 'writes an ordered dictionary as ordered' {
            Set-AncientObject -Heap $heap -Key ordered -InputObject ([ordered]@{ z = 1; a = 2 })
            $copy = Get-AncientObject -Heap $heap -Key ordered -Materialize
            $copy | Should -BeOfType ([System.Collections.Specialized.OrderedDictionary])
            @($copy.Keys) | Should -Be @('z', 'a')
        }
    }
}

Describe 'Remove-AncientObject' {
    BeforeEach {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "remove-$([guid]::NewGuid()).heap")
        foreach ($k in 'a1', 'a2', 'b1') { Set-AncientObject -Heap $heap -Key $k -InputObject $k }
    }
    AfterEach { Dismount-AllHeaps }

    It 'removes a key' {
        Remove-AncientObject -Heap $heap -Key a1
        (Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('a2', 'b1')
    }

    It 'removes the keys that match a wildcard' {
        Remove-AncientObject -Heap $heap -Key 'A*'
        (Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('b1')
    }

    It 'writes a non-terminating error for a missing literal key and goes on' {
        Remove-AncientObject -Heap $heap -Key nope, b1 -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'KeyNotFound,AncientPS.Commands.RemoveAncientObjectCommand'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('a1', 'a2')
    }

    It 'removes nothing with -WhatIf' {
        Invoke-WithoutHost { param($heap) Remove-AncientObject -Heap $heap -Key '*' -WhatIf } $heap
        (Get-AncientObject -Heap $heap -ListAvailable).Count | Should -Be 3
    }

    It 'removes the entries piped from -ListAvailable' {
        Get-AncientObject -Heap $heap -ListAvailable -Key 'a*' | Remove-AncientObject
        (Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('b1')
    }

    It 'keeps values read earlier readable' {
        $before = Get-AncientObject -Heap $heap -Key a1
        Remove-AncientObject -Heap $heap -Key a1
        $before | Should -Be 'a1'
    }
}

Describe 'Test-AncientObject' {
    BeforeAll {
        $heap = Mount-AncientHeap -Anonymous
        Get-SampleRows 2 | Set-AncientObject -Heap $heap -Key rows
        Set-AncientObject -Heap $heap -Key map -InputObject @{ a = 1 }
    }
    AfterAll { Dismount-AllHeaps }

    It 'is true for records, lists and dictionaries read from a heap' {
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        Test-AncientObject $rows | Should -BeTrue
        Test-AncientObject $rows[0] | Should -BeTrue
        Get-AncientObject -Heap $heap -Key map | Test-AncientObject | Should -BeTrue
        [AncientPS.Engine.MappedHeap]::IsAncient($rows) | Should -BeTrue
    }

    It 'is false for ordinary objects, copies and $null' {
        Test-AncientObject ([pscustomobject]@{ a = 1 }) | Should -BeFalse
        Test-AncientObject (Get-AncientObject -Heap $heap -Key map -Materialize) | Should -BeFalse
        Test-AncientObject $null | Should -BeFalse
        Test-AncientObject 42 | Should -BeFalse
    }
}
