BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # Bytes and last-write time, to prove a file was left alone.
    function Get-FileState([string] $Path) {
        $item = Get-Item -LiteralPath $Path
        [pscustomobject]@{ Hash = (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash; Written = $item.LastWriteTimeUtc; Length = $item.Length }
    }

    function New-SampleHeap([string] $Name) {
        $path = Join-Path $TestDrive $Name
        $heap = Mount-AncientHeap -Path $path
        Get-SampleRows 50 | Set-AncientObject -Heap $heap -Key rows
        Set-AncientObject -Heap $heap -Key settings -InputObject @{ Name = 'demo'; Retries = 3; Hosts = @('a', 'b') }
        Dismount-AncientHeap -Heap $heap
        # An old timestamp, so that any write would show.
        (Get-Item -LiteralPath $path).LastWriteTimeUtc = $OldStamp
        $path
    }

    # Overwrites $Count bytes at $Offset with 0xFF.
    function Set-Damage([string] $Path, [long] $Offset, [int] $Count) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        for ($i = 0; $i -lt $Count; $i++) { $bytes[$Offset + $i] = 0xFF }
        [IO.File]::WriteAllBytes($Path, $bytes)
        (Get-Item -LiteralPath $Path).LastWriteTimeUtc = $OldStamp
    }

    # The error a script block raises or writes first, whether terminating or not.
    function Get-FirstError([scriptblock] $Script) {
        $errors = @()
        try { $null = & $Script -ErrorVariable +errors -ErrorAction SilentlyContinue 2>&1 }
        catch { return $_ }
        $caught = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        if ($caught.Count -gt 0) { return $caught[0] }
        $null
    }

    $OldStamp = [datetime]::new(2001, 2, 3, 4, 5, 6, [DateTimeKind]::Utc)
    $IsRoot = -not $IsWindows -and ((& id -u) -eq '0')
}

Describe 'Test-AncientHeap' {
    AfterEach { Dismount-AllHeaps }

    It 'writes nothing for a healthy heap, and $true with -Quiet, leaving the file unchanged' {
        $path = New-SampleHeap 'good.heap'
        $before = Get-FileState $path
        @(Test-AncientHeap -Path $path) | Should -HaveCount 0
        Test-AncientHeap -Path $path -Quiet | Should -BeTrue
        (Get-FileState $path).Hash | Should -Be $before.Hash
        (Get-FileState $path).Written | Should -Be $before.Written
    }

    It 'reports each problem of a damaged heap with where it is and what is wrong, and $false with -Quiet' {
        $path = New-SampleHeap 'damaged.heap'
        Set-Damage $path 20480 64
        $before = Get-FileState $path
        $problems = @(Test-AncientHeap -Path $path)
        $problems.Count | Should -BeGreaterThan 0
        $problems[0] | Should -BeOfType ([AncientPS.Engine.HeapProblem])
        $problems[0].Offset | Should -BeGreaterOrEqual 20480
        $problems[0].Area | Should -Be 'Value'
        $problems[0].Key | Should -Not -BeNullOrEmpty
        $problems[0].Message | Should -Not -BeNullOrEmpty
        $problems[0].Path | Should -Be $path
        Test-AncientHeap -Path $path -Quiet | Should -BeFalse
        (Get-FileState $path).Hash | Should -Be $before.Hash
        (Get-FileState $path).Written | Should -Be $before.Written
    }

    It 'reports a record shape whose slot layout (format 1.2) is damaged, and reading the rows gives HeapCorrupt' {
        $path = New-SampleHeap 'layout.heap'
        $bytes = [IO.File]::ReadAllBytes($path)
        # The first shape node of the rows: kind 0x5E, flags 0x05 (a property bag, with its slots' layout: format 1.2).
        $shape = -1
        for ($i = 20480; $i -lt $bytes.Length - 16; $i += 8) { if ($bytes[$i] -eq 0x5E -and $bytes[$i + 1] -eq 0x05) { $shape = $i; break } }
        $shape | Should -BeGreaterThan 0
        $n = [BitConverter]::ToUInt32($bytes, $shape + 4)
        $t = [BitConverter]::ToUInt32($bytes, $shape + 8)
        # Slot 0's width: 2^9 bytes is no payload width.
        $bytes[$shape + 16 + 8 * ($t + $n)] = 9
        [IO.File]::WriteAllBytes($path, $bytes)
        $problems = @(Test-AncientHeap -Path $path)
        $problems.Area | Should -Contain 'Value'
        ($problems | Where-Object Key -EQ 'rows').Message -join ' ' | Should -Match 'payloads are 1, 2, 4 or 8 bytes'
        $heap = Mount-AncientHeap -Path $path -ReadOnly
        $failure = Get-FirstError { Get-AncientObject -Heap $heap -Key rows | ForEach-Object { $_.Id } }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'HeapCorrupt,*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidData'
        # The other key is untouched and still reads.
        (Get-AncientObject -Heap $heap -Key settings).Retries | Should -Be 3
    }

    It 'reports a damaged latest meta page in the Meta area' {
        $path = New-SampleHeap 'meta.heap'
        # Three commits (create, rows, settings): the latest is in slot 1, at 1024; damage its committed size.
        Set-Damage $path 1032 8
        $problems = @(Test-AncientHeap -Path $path)
        $problems.Area | Should -Contain 'Meta'
    }

    It 'refuses a file that is not a heap with a Header problem, and leaves it unchanged' {
        foreach ($case in @(
                @{ Name = 'notes.txt'; Text = "just some text`n" },
                @{ Name = 'data.clixml'; Text = (Get-SampleRows 2 | ConvertTo-Json) })) {
            $path = Join-Path $TestDrive $case.Name
            Set-Content -LiteralPath $path -Value $case.Text
            (Get-Item -LiteralPath $path).LastWriteTimeUtc = $OldStamp
            $before = Get-FileState $path
            $problem = @(Test-AncientHeap -LiteralPath $path)
            $problem | Should -HaveCount 1
            $problem[0].Area | Should -Be 'Header'
            $problem[0].Message | Should -BeLike '*not an AncientPS heap*'
            Test-AncientHeap -LiteralPath $path -Quiet | Should -BeFalse
            $err = Get-FirstError { Mount-AncientHeap -Path $path }
            $err.FullyQualifiedErrorId | Should -BeLike 'NotAHeap,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
            (Get-FileState $path).Hash | Should -Be $before.Hash
            (Get-FileState $path).Written | Should -Be $before.Written
        }
    }

    It 'refuses a heap of a newer format version and leaves it unchanged' {
        $path = New-SampleHeap 'newer.heap'
        $bytes = [IO.File]::ReadAllBytes($path)
        $bytes[16] = 9
        [IO.File]::WriteAllBytes($path, $bytes)
        $before = Get-FileState $path
        $err = Get-FirstError { Mount-AncientHeap -Path $path }
        $err.FullyQualifiedErrorId | Should -BeLike 'NewerFormat,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        (Test-AncientHeap -Path $path).Message | Should -BeLike '*format version 9*'
        (Get-FileState $path).Hash | Should -Be $before.Hash
        (Get-FileState $path).Written | Should -Be $before.Written
    }

    It 'takes files from Get-ChildItem through the pipeline and expands wildcards' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'pipeline')
        $null = New-SampleHeap 'pipeline/one.heap'
        $null = New-SampleHeap 'pipeline/two.heap'
        @(Get-ChildItem -Path $folder -Filter '*.heap' | Test-AncientHeap -Quiet) | Should -Be @($true, $true)
        @(Test-AncientHeap -Path (Join-Path $folder '*.heap') -Quiet) | Should -Be @($true, $true)
    }

    It 'checks a heap mounted in this session, which stays usable' {
        $path = Join-Path $TestDrive 'mounted.heap'
        $heap = Mount-AncientHeap -Path $path
        Set-AncientObject -Heap $heap -Key a -InputObject (Get-SampleRows 3)
        Test-AncientHeap -Path $path -Quiet | Should -BeTrue
        Set-AncientObject -Heap $heap -Key b -InputObject 2
        (Get-AncientObject -Heap $heap -Key b) | Should -Be 2
        Test-AncientHeap -Path $path -Quiet | Should -BeTrue
    }

    It 'gives PathNotFound for a missing file and PathIsDirectory for a folder' {
        $err = Get-FirstError { Test-AncientHeap -LiteralPath (Join-Path $TestDrive 'missing.heap') }
        $err.FullyQualifiedErrorId | Should -Be 'PathNotFound,AncientPS.Commands.TestAncientHeapCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err = Get-FirstError { Test-AncientHeap -LiteralPath $TestDrive }
        $err.FullyQualifiedErrorId | Should -Be 'PathIsDirectory,AncientPS.Commands.TestAncientHeapCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err = Get-FirstError { Test-AncientHeap -Path (Join-Path $TestDrive 'nothing-*.heap') -ErrorAction Stop }
        $err | Should -BeNullOrEmpty
    }

    It 'refuses a path of another provider' {
        $err = Get-FirstError { Test-AncientHeap -LiteralPath 'Env:PATH' }
        $err.FullyQualifiedErrorId | Should -BeLike 'ProviderNotFileSystem,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Bad arguments' {
    BeforeEach {
        $path = Join-Path $TestDrive "args-$([guid]::NewGuid().ToString('N')).heap"
        $heap = Mount-AncientHeap -Path $path
        Set-AncientObject -Heap $heap -Key keep -InputObject @{ Answer = 42 }
    }
    AfterEach {
        # Nothing already stored is lost or changed, whatever went wrong.
        Dismount-AllHeaps
        $check = Mount-AncientHeap -Path $path -ReadOnly
        (Get-AncientObject -Heap $check -Key keep).Answer | Should -Be 42
        Dismount-AllHeaps
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'a missing folder gives PathNotFound' {
        $err = Get-FirstError { Mount-AncientHeap -Path (Join-Path $TestDrive 'no/such/folder/x.heap') }
        $err.FullyQualifiedErrorId | Should -Be 'PathNotFound,AncientPS.Commands.MountAncientHeapCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -BeLike '*folder*'
    }

    It 'a folder given as the heap file gives PathIsDirectory' {
        $err = Get-FirstError { Mount-AncientHeap -Path $TestDrive }
        $err.FullyQualifiedErrorId | Should -Be 'PathIsDirectory,AncientPS.Commands.MountAncientHeapCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'a file without permission gives AccessDenied' {
        if ($IsWindows -or $IsRoot) { Set-ItResult -Skipped -Because 'root (and Windows ACLs) bypass Unix file modes'; return }
        $locked = Join-Path $TestDrive 'noaccess.heap'
        $h2 = Mount-AncientHeap -Path $locked
        Dismount-AncientHeap -Heap $h2
        [IO.File]::SetUnixFileMode($locked, [IO.UnixFileMode]::None)
        $err = Get-FirstError { Mount-AncientHeap -Path $locked }
        $err.FullyQualifiedErrorId | Should -Be 'AccessDenied,AncientPS.Commands.MountAncientHeapCommand'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It 'a file locked by another process in an incompatible mode gives MountFailed, and Test-AncientHeap a read error' {
        $other = Join-Path $TestDrive 'held.heap'
        $h2 = Mount-AncientHeap -Path $other
        Dismount-AncientHeap -Heap $h2
        $ready = Join-Path $TestDrive 'ready.txt'
        $pwsh = Get-TestPwsh
        $script = "`$f = [IO.File]::Open('$other', 'Open', 'ReadWrite', 'None'); Set-Content -LiteralPath '$ready' -Value ok; Start-Sleep -Seconds 60"
        $child = Start-Process -FilePath $pwsh.FilePath -ArgumentList (@($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', $script)) -PassThru
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path -LiteralPath $ready) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $ready | Should -Exist
            $err = Get-FirstError { Mount-AncientHeap -Path $other }
            $err.FullyQualifiedErrorId | Should -Be 'MountFailed,AncientPS.Commands.MountAncientHeapCommand'
            $err.CategoryInfo.Category | Should -Be 'OpenError'
            $err = Get-FirstError { Test-AncientHeap -Path $other }
            $err.FullyQualifiedErrorId | Should -Be 'HeapReadFailed,AncientPS.Commands.TestAncientHeapCommand'
            $err.CategoryInfo.Category | Should -Be 'ReadError'
        }
        finally {
            Stop-Process -Id $child.Id -Force -ErrorAction SilentlyContinue
            $child.WaitForExit()
        }
    }

    It 'a new heap file whose creation another process holds past the lock timeout gives HeapBusy, worded for the file' {
        # The other process holds the byte-range locks of an empty file, as a process creating the heap in it does; the
        # mount waits the lock timeout (30 s) for it, then gives up. Afterwards the mount creates the heap.
        $empty = Join-Path $TestDrive 'being-created.heap'
        $null = New-Item -ItemType File -Path $empty
        $ready = Join-Path $TestDrive 'locked.txt'
        $pwsh = Get-TestPwsh
        $script = "`$f = [IO.File]::Open('$empty', 'Open', 'ReadWrite', 'ReadWrite'); `$f.Lock(0, [long]::MaxValue); Set-Content -LiteralPath '$ready' -Value ok; Start-Sleep -Seconds 120"
        $child = Start-Process -FilePath $pwsh.FilePath -ArgumentList (@($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-Command', $script)) -PassThru
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path -LiteralPath $ready) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $ready | Should -Exist
            $err = Get-FirstError { Mount-AncientHeap -LiteralPath $empty }
            $err.FullyQualifiedErrorId | Should -Be 'HeapBusy,AncientPS.Commands.MountAncientHeapCommand'
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $err.TargetObject | Should -Be $empty
            $err.Exception.Message | Should -BeLike "Another process held the file '$empty' for too long while the heap in it was being created*"
        }
        finally {
            Stop-Process -Id $child.Id -Force -ErrorAction SilentlyContinue
            $child.WaitForExit()
        }
        $created = Mount-AncientHeap -LiteralPath $empty
        $created.Count | Should -Be 0
        Dismount-AncientHeap -Heap $created
    }

    It 'Set on a -ReadOnly mount gives HeapReadOnly' {
        Dismount-AncientHeap -Heap $heap
        $ro = Mount-AncientHeap -Path $path -ReadOnly
        $err = Get-FirstError { Set-AncientObject -Heap $ro -Key keep -InputObject 'overwritten?' }
        $err.FullyQualifiedErrorId | Should -Be 'HeapReadOnly,AncientPS.Commands.SetAncientObjectCommand'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.Exception.Message | Should -BeLike '*-ReadOnly*'
    }

    It 'a heap full at -MaximumSize gives HeapFull and leaves the heap as it was' {
        Dismount-AncientHeap -Heap $heap
        $small = Mount-AncientHeap -Path $path -MaximumSize 256KB
        $err = Get-FirstError { Set-AncientObject -Heap $small -Key keep -InputObject ([byte[]]::new(1MB)) }
        $err.FullyQualifiedErrorId | Should -Be 'HeapFull,AncientPS.Commands.SetAncientObjectCommand'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -BeLike '*-MaximumSize*'
    }

    It 'an empty, over-long or invalid key gives InvalidKey (<Name>)' -TestCases @(
        @{ Name = 'empty'; Key = '' }
        @{ Name = 'over-long'; Key = ('k' * 1025) }
        @{ Name = 'control character'; Key = "a`tb" }
        @{ Name = 'lone surrogate'; Key = "a$([char]0xD800)" }
    ) {
        foreach ($command in @(
                { Set-AncientObject -Heap $heap -Key $Key -InputObject 1 },
                { Get-AncientObject -Heap $heap -Key $Key },
                { Remove-AncientObject -Heap $heap -Key $Key -Confirm:$false })) {
            $err = Get-FirstError $command
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidKey,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -BeLike '*Keys are 1 to 1024 characters*'
        }
    }

    It 'an unsupported type gives UnsupportedType and stores nothing (<Name>)' -TestCases @(
        @{ Name = 'SecureString'; Make = { ConvertTo-SecureString 'hunter2' -AsPlainText -Force } }
        @{ Name = 'PSCredential'; Make = { [pscredential]::new('user', (ConvertTo-SecureString 'hunter2' -AsPlainText -Force)) } }
        @{ Name = 'nested PSCredential'; Make = { @{ login = [pscredential]::new('user', (ConvertTo-SecureString 'hunter2' -AsPlainText -Force)) } } }
    ) {
        $value = & $Make
        $err = Get-FirstError { Set-AncientObject -Heap $heap -Key secret -InputObject $value }
        $err.FullyQualifiedErrorId | Should -Be 'UnsupportedType,AncientPS.Commands.SetAncientObjectCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidType'
        @(Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Not -Contain 'secret'
        [Text.Encoding]::Unicode.GetString([IO.File]::ReadAllBytes($path)) | Should -Not -BeLike '*hunter2*'
    }

    It '-Depth out of range is refused by parameter validation (<Depth>)' -TestCases @(@{ Depth = -1 }, @{ Depth = 101 }) {
        $err = Get-FirstError { Set-AncientObject -Heap $heap -Key keep -InputObject 'x' -Depth $Depth }
        $err.FullyQualifiedErrorId | Should -Be 'ParameterArgumentValidationError,AncientPS.Commands.SetAncientObjectCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a dismounted heap gives HeapNotMounted' {
        $gone = Mount-AncientHeap -Path (Join-Path $TestDrive 'gone.heap')
        Dismount-AncientHeap -Heap $gone
        foreach ($command in @(
                { Get-AncientObject -Heap $gone -Key keep },
                { Set-AncientObject -Heap $gone -Key keep -InputObject 1 },
                { $gone | Get-AncientObject -Key keep })) {
            $err = Get-FirstError $command
            $err.FullyQualifiedErrorId | Should -BeLike 'HeapNotMounted,*'
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }
    }

    It '$null where it makes no sense is refused at binding (<Name>)' -TestCases @(
        @{ Name = 'Mount -Path'; Script = { Mount-AncientHeap -Path $null }; Id = 'ParameterArgumentValidationError,AncientPS.Commands.MountAncientHeapCommand' }
        @{ Name = 'Get -Heap'; Script = { Get-AncientObject -Heap $null -Key keep }; Id = 'ParameterArgumentValidationError,AncientPS.Commands.GetAncientObjectCommand' }
        @{ Name = 'Set -Key'; Script = { Set-AncientObject -Heap $heap -Key $null -InputObject 1 }; Id = 'ParameterArgumentValidationErrorNullNotAllowed,AncientPS.Commands.SetAncientObjectCommand' }
        @{ Name = 'Test -Path'; Script = { Test-AncientHeap -Path $null }; Id = 'ParameterArgumentValidationError,AncientPS.Commands.TestAncientHeapCommand' }
    ) {
        $err = Get-FirstError $Script
        $err.FullyQualifiedErrorId | Should -Be $Id
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }
}
