BeforeAll { . (Join-Path $PSScriptRoot 'TestSupport.ps1') }
Describe 'Mount-AncientHeap' {
    AfterEach { Dismount-AllHeaps }

    It 'creates a missing heap file and returns a heap object' {
        $path = Join-Path $TestDrive 'new.heap'
        $heap = Mount-AncientHeap -Path $path
        $heap | Should -BeOfType ([AncientPS.AncientHeap])
        $heap.Path | Should -Be $path
        $heap.IsAnonymous | Should -BeFalse
        $heap.IsReadOnly | Should -BeFalse
        $heap.Count | Should -Be 0
        $heap.Size | Should -BeGreaterThan 0
        $heap.MaxKeyLength | Should -Be 1024
        $path | Should -Exist
    }

    It 'resolves a relative path against the current location' {
        Push-Location $TestDrive
        try {
            $heap = Mount-AncientHeap rel.heap
            $heap.Path | Should -Be (Join-Path $TestDrive 'rel.heap')
        }
        finally { Pop-Location }
    }

    It 'resolves ~ to the home folder' {
        $name = "ancientps-test-$PID.heap"
        try {
            $heap = Mount-AncientHeap -Path "~/$name"
            $heap.Path | Should -Be (Join-Path $HOME $name)
        }
        finally {
            Dismount-AllHeaps
            Remove-Item -LiteralPath (Join-Path $HOME $name) -ErrorAction SilentlyContinue
        }
    }

    It 'resolves a wildcard that matches exactly one file' {
        $path = Join-Path $TestDrive 'wild-one.heap'
        Mount-AncientHeap -Path $path | Dismount-AncientHeap
        (Mount-AncientHeap -Path (Join-Path $TestDrive 'wild-o*.heap')).Path | Should -Be $path
    }

    It 'refuses a wildcard that matches several files' {
        foreach ($n in 'many1.heap', 'many2.heap') { Mount-AncientHeap -Path (Join-Path $TestDrive $n) | Dismount-AncientHeap }
        $err = { Mount-AncientHeap -Path (Join-Path $TestDrive 'many*.heap') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AmbiguousPath,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'takes -LiteralPath as typed, wildcard characters included' {
        $path = Join-Path $TestDrive 'lit[1].heap'
        $heap = Mount-AncientHeap -LiteralPath $path
        $heap.Path | Should -Be $path
        Test-Path -LiteralPath $path | Should -BeTrue
    }

    It 'binds -LiteralPath from the PSPath of a file item' {
        $path = Join-Path $TestDrive 'piped.heap'
        Mount-AncientHeap -Path $path | Dismount-AncientHeap
        (Get-Item -LiteralPath $path | Mount-AncientHeap).Path | Should -Be $path
    }

    It 'creates an anonymous heap' {
        $heap = Mount-AncientHeap -Anonymous
        $heap.IsAnonymous | Should -BeTrue
        $heap.Path | Should -BeNullOrEmpty
        Set-AncientObject -Heap $heap -Key k -InputObject 42
        Get-AncientObject -Heap $heap -Key k | Should -Be 42
    }

    It 'mounts read-only: reads work, writes fail with HeapReadOnly' {
        $path = Join-Path $TestDrive 'ro.heap'
        $writer = Mount-AncientHeap -Path $path
        Set-AncientObject -Heap $writer -Key k -InputObject 'v'
        $reader = Mount-AncientHeap -Path $path -ReadOnly
        $reader.IsReadOnly | Should -BeTrue
        Get-AncientObject -Heap $reader -Key k | Should -Be 'v'
        Set-AncientObject -Heap $reader -Key k -InputObject 'w' -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapReadOnly,*'
        $failure[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        Remove-AncientObject -Heap $reader -Key k -ErrorVariable failure2 -ErrorAction SilentlyContinue
        $failure2[0].FullyQualifiedErrorId | Should -BeLike 'HeapReadOnly,*'
    }

    It 'shares one mapping when one file is mounted twice' {
        $path = Join-Path $TestDrive 'twice.heap'
        $first = Mount-AncientHeap -Path $path
        $second = Mount-AncientHeap -Path $path
        Set-AncientObject -Heap $first -Key shared -InputObject 'one'
        Get-AncientObject -Heap $second -Key shared | Should -Be 'one'
        Dismount-AncientHeap -Heap $first
        Get-AncientObject -Heap $second -Key shared | Should -Be 'one'
    }

    It 'takes -Durability Flushed' {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'flushed.heap') -Durability Flushed
        $heap.Durability | Should -Be 'Flushed'
        Set-AncientObject -Heap $heap -Key k -InputObject 1
        Get-AncientObject -Heap $heap -Key k | Should -Be 1
    }

    It 'keeps writes within -MaximumSize and fails with HeapFull beyond it' {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'small.heap') -MaximumSize 1MB
        $heap.MaximumSize | Should -Be 1MB
        Set-AncientObject -Heap $heap -Key big -InputObject ('x' * 4MB) -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapFull,*'
        $failure[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        Get-AncientObject -Heap $heap -ListAvailable | Should -BeNullOrEmpty
    }

    Context 'errors' {
        It 'reports a missing folder as PathNotFound' {
            $err = { Mount-AncientHeap -Path (Join-Path $TestDrive 'no/such/folder/x.heap') -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'reports a missing file mounted read-only as PathNotFound' {
            $err = { Mount-AncientHeap -Path (Join-Path $TestDrive 'absent.heap') -ReadOnly -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
            Join-Path $TestDrive 'absent.heap' | Should -Not -Exist
        }

        It 'reports a folder as PathIsDirectory' {
            $err = { Mount-AncientHeap -Path $TestDrive -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }

        It 'reports a path of another provider as ProviderNotFileSystem' {
            $err = { Mount-AncientHeap -Path 'Env:PATH' -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'ProviderNotFileSystem,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }

        It 'reports a file that is not a heap as NotAHeap' {
            $path = Join-Path $TestDrive 'text.heap'
            Set-Content -LiteralPath $path -Value ('this is not a heap file ' * 200)
            $err = { Mount-AncientHeap -Path $path -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'NotAHeap,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
        }

        It 'finishes creating a heap whose creator was killed, and says so when mounted read-only' {
            # A creator killed before it wrote the magic (written last) leaves the empty-heap size in zeros and fields.
            $path = Join-Path $TestDrive 'unfinished.heap'
            [IO.File]::WriteAllBytes($path, [byte[]]::new(20480))
            $err = { Mount-AncientHeap -Path $path -ReadOnly -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'HeapNotCreated,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err.Exception.Message | Should -BeLike '*not a heap yet*stopped before it finished*without -ReadOnly*'
            [IO.File]::ReadAllBytes($path).Length | Should -Be 20480
            $heap = Mount-AncientHeap -Path $path
            Set-AncientObject -Heap $heap -Key k -InputObject 'finished'
            Dismount-AncientHeap -Heap $heap
            $again = Mount-AncientHeap -Path $path -ReadOnly
            Get-AncientObject -Heap $again -Key k | Should -Be 'finished'
            Dismount-AncientHeap -Heap $again
        }

        It 'reports a heap of a newer format as NewerFormat' {
            $path = Join-Path $TestDrive 'newer.heap'
            Mount-AncientHeap -Path $path | Dismount-AncientHeap
            $bytes = [IO.File]::ReadAllBytes($path)
            # The major format version follows the 16-byte magic (docs/format.md).
            [BitConverter]::GetBytes([uint16]99).CopyTo($bytes, 16)
            [IO.File]::WriteAllBytes($path, $bytes)
            $err = { Mount-AncientHeap -Path $path -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'NewerFormat,*'
            $err.Exception.Message | Should -BeLike '*newer version*'
            Test-Path -LiteralPath $path | Should -BeTrue
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
        }

        It 'reports a damaged heap as HeapCorrupt' {
            $path = Join-Path $TestDrive 'damaged.heap'
            $heap = Mount-AncientHeap -Path $path
            Set-AncientObject -Heap $heap -Key k -InputObject (1..100)
            Dismount-AncientHeap $heap
            $bytes = [IO.File]::ReadAllBytes($path)
            # A byte inside the checksummed header.
            $bytes[50] = $bytes[50] -bxor 0x5A
            [IO.File]::WriteAllBytes($path, $bytes)
            $err = { Mount-AncientHeap -Path $path -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'HeapCorrupt,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
        }

        It 'reports a file it may not open as AccessDenied' -Skip:($IsWindows -or -not (Get-Command setpriv -ErrorAction SilentlyContinue)) {
            $path = Join-Path $TestDrive 'locked.heap'
            Mount-AncientHeap -Path $path | Dismount-AncientHeap
            chmod 000 $path
            # Root passes permission checks through CAP_DAC_OVERRIDE; a child process without it is refused like any user.
            $pwsh = Get-TestPwsh
            $script = "Import-Module '$((Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path)'; try { Mount-AncientHeap -LiteralPath '$path' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category }"
            $output = & setpriv --bounding-set=-dac_override,-dac_read_search $pwsh.FilePath @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-Command', $script))
            $output | Should -Be @('AccessDenied,AncientPS.Commands.MountAncientHeapCommand', 'PermissionDenied')
        }
    }
}

Describe 'Get-AncientHeap' {
    AfterEach { Dismount-AllHeaps }

    It 'lists the heaps mounted in this process, in mount order' {
        $a = Mount-AncientHeap -Path (Join-Path $TestDrive 'a.heap')
        $b = Mount-AncientHeap -Anonymous
        $listed = @(Get-AncientHeap)
        $listed.Count | Should -Be 2
        [object]::ReferenceEquals($listed[0], $a) | Should -BeTrue
        [object]::ReferenceEquals($listed[1], $b) | Should -BeTrue
    }

    It 'filters by path with wildcards' {
        $null = Mount-AncientHeap -Path (Join-Path $TestDrive 'alpha.heap')
        $null = Mount-AncientHeap -Path (Join-Path $TestDrive 'beta.heap')
        (Get-AncientHeap -Path '*alpha*').Path | Should -Be (Join-Path $TestDrive 'alpha.heap')
        (Get-AncientHeap 'beta.heap').Path | Should -Be (Join-Path $TestDrive 'beta.heap')
    }

    It 'forgets a heap once dismounted' {
        $heap = Mount-AncientHeap -Anonymous
        Dismount-AncientHeap -Heap $heap
        Get-AncientHeap | Should -BeNullOrEmpty
    }
}

Describe 'Dismount-AncientHeap' {
    AfterEach { Dismount-AllHeaps }

    It 'flushes and releases the heap; its values give a clear error afterwards' {
        $path = Join-Path $TestDrive 'gone.heap'
        $heap = Mount-AncientHeap -Path $path
        Get-SampleRows 3 | Set-AncientObject -Heap $heap -Key rows
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $row = $rows[0]
        Dismount-AncientHeap -Heap $heap
        $heap.IsMounted | Should -BeFalse
        # PowerShell shows a property whose getter fails as $null, and a list's [i] after a dismount reads $null like a property; its methods and enumeration report the dismount.
        $row.Name | Should -BeNullOrEmpty
        { foreach ($r in $rows) { } } | Should -Throw '*dismounted*'
        $rows[0] | Should -BeNullOrEmpty
        { $rows.IndexOf($null) } | Should -Throw '*dismounted*'
        # The data reached the file: a new mount reads it.
        (Get-AncientObject -Heap (Mount-AncientHeap -Path $path) -Key rows).Count | Should -Be 3
    }

    It 'takes several heaps from the pipeline' {
        $a = Mount-AncientHeap -Anonymous
        $b = Mount-AncientHeap -Anonymous
        $a, $b | Dismount-AncientHeap
        $a.IsMounted | Should -BeFalse
        $b.IsMounted | Should -BeFalse
    }

    It 'binds -Heap by property name' {
        $heap = Mount-AncientHeap -Anonymous
        [pscustomobject]@{ Heap = $heap } | Dismount-AncientHeap
        $heap.IsMounted | Should -BeFalse
    }

    It 'dismounts the only mounted heap when -Heap is left out' {
        $heap = Mount-AncientHeap -Anonymous
        Dismount-AncientHeap
        $heap.IsMounted | Should -BeFalse
    }

    It 'is harmless on a heap already dismounted' {
        $heap = Mount-AncientHeap -Anonymous
        Dismount-AncientHeap $heap
        { Dismount-AncientHeap $heap } | Should -Not -Throw
    }

    It 'does nothing with -WhatIf' {
        $heap = Mount-AncientHeap -Anonymous
        Invoke-WithoutHost { param($heap) Dismount-AncientHeap $heap -WhatIf } $heap
        $heap.IsMounted | Should -BeTrue
    }

    It 'makes a heap unusable by the other cmdlets with HeapNotMounted' {
        $heap = Mount-AncientHeap -Anonymous
        Dismount-AncientHeap $heap
        $err = { Get-AncientObject -Heap $heap -Key k } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'HeapNotMounted,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }
}
