# The file system's real failures (issue 15): a full disk, a file replaced or deleted underneath a mount, files that are not
# regular files, read-only file systems, killed copies, simultaneous first mounts, truncation and readers that cannot pin.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    $IsLinuxRoot = $IsLinux -and ((& id -u) -eq '0')

    # Mounts a tmpfs of $SizeMB at a new folder under $TestDrive and returns the folder, or $null where that is not possible.
    function New-SmallFileSystem([int] $SizeMB) {
        if (-not $IsLinuxRoot) { return $null }
        $dir = Join-Path $TestDrive ('fs' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Path $dir
        & mount -t tmpfs -o "size=${SizeMB}m" tmpfs $dir 2>$null
        if ($LASTEXITCODE -ne 0) { return $null }
        $script:Mounted += @($dir)
        $dir
    }

    # Fills the file system holding $Dir with a filler file until fewer than $LeaveMB megabytes are free.
    function Add-Filler([string] $Dir, [int] $LeaveMB) {
        $filler = Join-Path $Dir 'filler.bin'
        $drive = [IO.DriveInfo]::new($Dir)
        $size = $drive.AvailableFreeSpace - $LeaveMB * 1MB
        $stream = [IO.File]::Open($filler, 'Create', 'Write')
        try {
            $chunk = [byte[]]::new(1MB)
            for ($done = 0L; $done -lt $size; $done += $chunk.Length) { $stream.Write($chunk, 0, [int][Math]::Min($chunk.Length, $size - $done)) }
        }
        finally { $stream.Dispose() }
        $filler
    }

    # A string of about 1 MB derived from $Seed (one object: a byte array would be enumerated by Get-AncientObject).
    function Get-Payload([int] $Seed) {
        $bytes = [byte[]]::new(768KB)
        [Random]::new($Seed).NextBytes($bytes)
        [Convert]::ToBase64String($bytes)
    }

    function Test-Payload($Value, [int] $Seed) { $Value -ceq (Get-Payload $Seed) }

    $script:Mounted = @()
}

AfterAll {
    Dismount-AllHeaps
    foreach ($dir in $script:Mounted) { & umount $dir 2>$null }
}

Describe 'A full file system' {
    AfterEach { Dismount-AllHeaps }

    It 'fails a Set with HeapDiskFull (WriteError) and keeps every committed key; after space is freed the heap verifies and takes Sets' {
        $dir = New-SmallFileSystem 16
        if (-not $dir) { Set-ItResult -Skipped -Because 'mounting a tmpfs needs root on Linux'; return }
        $path = Join-Path $dir 'full.heap'
        $heap = Mount-AncientHeap -LiteralPath $path
        $filler = Add-Filler $dir 9
        $stored = 0
        $failure = $null
        for ($i = 0; $i -lt 40 -and -not $failure; $i++) {
            Set-AncientObject -Heap $heap -Key "k$i" -InputObject (Get-Payload $i) -ErrorAction SilentlyContinue -ErrorVariable failure
            if (-not $failure) { $stored++ }
        }
        $failure | Should -Not -BeNullOrEmpty -Because 'the file system has room for fewer than 9 values of 1 MB'
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapDiskFull,*'
        $failure[0].CategoryInfo.Category | Should -Be 'WriteError'
        $failure[0].Exception.Message | Should -Match 'full'
        $stored | Should -BeGreaterThan 0

        # Every committed key is intact, in this mount and in a fresh one, and the heap verifies.
        (Get-AncientObject -Heap $heap -ListAvailable).Count | Should -Be $stored
        for ($i = 0; $i -lt $stored; $i++) { Test-Payload (Get-AncientObject -Heap $heap -Key "k$i") $i | Should -BeTrue }
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
        Dismount-AncientHeap -Heap $heap
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue

        # Still full: a read-only mount reads; a writable mount works too (the file is wholly allocated).
        $ro = Mount-AncientHeap -LiteralPath $path -ReadOnly
        Test-Payload (Get-AncientObject -Heap $ro -Key 'k0') 0 | Should -BeTrue
        Dismount-AncientHeap -Heap $ro

        Remove-Item -LiteralPath $filler
        $heap = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $heap -Key 'after' -InputObject (Get-Payload 99)
        Test-Payload (Get-AncientObject -Heap $heap -Key 'after') 99 | Should -BeTrue
        (Get-AncientObject -Heap $heap -ListAvailable).Count | Should -Be ($stored + 1)
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'creating a heap on a full file system fails with HeapDiskFull, not a crash' {
        $dir = New-SmallFileSystem 4
        if (-not $dir) { Set-ItResult -Skipped -Because 'mounting a tmpfs needs root on Linux'; return }
        $null = Add-Filler $dir 0
        $path = Join-Path $dir 'new.heap'
        $failure = $null
        Mount-AncientHeap -LiteralPath $path -ErrorAction SilentlyContinue -ErrorVariable failure | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapDiskFull,*'
    }

    It 'an -Anonymous heap on a small /dev/shm fails with HeapDiskFull and keeps its keys (child process)' {
        if (-not $IsLinuxRoot -or -not (Get-Command unshare -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'needs root and unshare on Linux'; return }
        $pwsh = Get-TestPwsh
        $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
`$heap = Mount-AncientHeap -Anonymous
`$stored = 0; `$failure = `$null
function Get-Payload([int] `$Seed) { `$bytes = [byte[]]::new(768KB); [Random]::new(`$Seed).NextBytes(`$bytes); [Convert]::ToBase64String(`$bytes) }
for (`$i = 0; `$i -lt 40 -and -not `$failure; `$i++) {
    Set-AncientObject -Heap `$heap -Key "k`$i" -InputObject (Get-Payload `$i) -ErrorAction SilentlyContinue -ErrorVariable failure
    if (-not `$failure) { `$stored++ }
}
`$intact = 0
for (`$i = 0; `$i -lt `$stored; `$i++) { if ((Get-AncientObject -Heap `$heap -Key "k`$i") -ceq (Get-Payload `$i)) { `$intact++ } }
"stored=`$stored intact=`$intact error=`$(`$failure[0].FullyQualifiedErrorId)"
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $command = "mount -t tmpfs -o size=12m tmpfs /dev/shm && exec '$($pwsh.FilePath)' $($pwsh.Prefix -join ' ') -NoProfile -NonInteractive -EncodedCommand $encoded"
        $output = & unshare -m sh -c $command 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "the child must end normally, not by SIGBUS: $output"
        $line = @($output | Where-Object { "$_" -match '^stored=' })[0]
        $line | Should -Match 'error=HeapDiskFull,'
        $line -match 'stored=(\d+) intact=(\d+)' | Should -BeTrue
        [int]$Matches[1] | Should -BeGreaterThan 0
        $Matches[2] | Should -Be $Matches[1]
    }
}
