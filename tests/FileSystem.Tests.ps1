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

Describe 'A heap file replaced or deleted while it is mounted' {
    AfterEach { Dismount-AllHeaps }

    It 'a new mount of a path whose file was replaced opens the new file; a Set into the old one fails with HeapFileReplaced' {
        if (-not $IsLinux) { Set-ItResult -Skipped -Because 'files are identified by device and inode on Linux'; return }
        $a = Join-Path $TestDrive 'replaced-a.heap'
        $b = Join-Path $TestDrive 'replaced-b.heap'
        $old = Mount-AncientHeap -LiteralPath $a
        Set-AncientObject -Heap $old -Key 'fromA' -InputObject 'A'
        $other = Mount-AncientHeap -LiteralPath $b
        Set-AncientObject -Heap $other -Key 'fromB' -InputObject 'B'
        Dismount-AncientHeap -Heap $other
        Move-Item -LiteralPath $b -Destination $a -Force

        $new = Mount-AncientHeap -LiteralPath $a
        @(Get-AncientObject -Heap $new -ListAvailable).Key | Should -Be @('fromB')
        Get-AncientObject -Heap $new -Key 'fromB' | Should -Be 'B'

        $failure = $null
        Set-AncientObject -Heap $old -Key 'lost' -InputObject 1 -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapFileReplaced,*'
        $failure[0].CategoryInfo.Category | Should -Be 'WriteError'
        $failure = $null
        Remove-AncientObject -Heap $old -Key 'fromA' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapFileReplaced,*'
        # The old handle still reads what it had; the new file is untouched.
        Get-AncientObject -Heap $old -Key 'fromA' | Should -Be 'A'
        Set-AncientObject -Heap $new -Key 'more' -InputObject 2
        @(Get-AncientObject -Heap $new -ListAvailable).Count | Should -Be 2
        Test-AncientHeap -LiteralPath $a -Quiet | Should -BeTrue
    }

    It 'a Set into a heap whose file was deleted fails with HeapFileReplaced; mounting the path again creates a new heap' {
        if (-not $IsLinux) { Set-ItResult -Skipped -Because 'files are identified by device and inode on Linux'; return }
        $path = Join-Path $TestDrive 'deleted.heap'
        $heap = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $heap -Key 'k' -InputObject 'v'
        Remove-Item -LiteralPath $path
        $failure = $null
        Set-AncientObject -Heap $heap -Key 'k2' -InputObject 'v2' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapFileReplaced,*'
        $failure[0].Exception.Message | Should -Match 'deleted or replaced'
        $again = Mount-AncientHeap -LiteralPath $path
        @(Get-AncientObject -Heap $again -ListAvailable) | Should -HaveCount 0
        Set-AncientObject -Heap $again -Key 'k3' -InputObject 'v3'
        Get-AncientObject -Heap $again -Key 'k3' | Should -Be 'v3'
    }

    It 'one file reached through two hard links is one heap in this process' {
        if (-not $IsLinux) { Set-ItResult -Skipped -Because 'files are identified by device and inode on Linux'; return }
        $path = Join-Path $TestDrive 'linked.heap'
        $link = Join-Path $TestDrive 'link.heap'
        $first = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $first -Key 'k' -InputObject 1
        $null = New-Item -ItemType HardLink -Path $link -Target $path
        $second = Mount-AncientHeap -LiteralPath $link
        Set-AncientObject -Heap $second -Key 'k2' -InputObject 2
        Get-AncientObject -Heap $first -Key 'k2' | Should -Be 2
        # One mapping: dismounting one handle leaves the other writing under the same lock.
        Dismount-AncientHeap -Heap $second
        Set-AncientObject -Heap $first -Key 'k3' -InputObject 3
        Test-AncientHeap -LiteralPath $link -Quiet | Should -BeTrue
    }
}

Describe 'Paths that are not regular files, and read-only file systems' {
    AfterEach { Dismount-AllHeaps }

    It 'a named pipe is refused at once with NotARegularFile by Mount, Test and Copy (no hang)' {
        if (-not $IsLinux -or -not (Get-Command mkfifo -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'needs mkfifo on Linux'; return }
        $fifo = Join-Path $TestDrive 'pipe.heap'
        & mkfifo $fifo
        # In a child process with a time limit, so that a regression hangs the child, not the suite.
        $pwsh = Get-TestPwsh
        $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
        $copy = Join-Path $TestDrive 'pipe-copy.heap'
        $script = @"
Import-Module '$manifest'
foreach (`$command in @(
    { Mount-AncientHeap -LiteralPath '$fifo' -ErrorAction SilentlyContinue -ErrorVariable e; `$e },
    { Mount-AncientHeap -LiteralPath '$fifo' -ReadOnly -ErrorAction SilentlyContinue -ErrorVariable e; `$e },
    { Test-AncientHeap -LiteralPath '$fifo' -ErrorAction SilentlyContinue -ErrorVariable e; `$e },
    { Copy-AncientHeap -LiteralPath '$fifo' -Destination '$copy' -ErrorAction SilentlyContinue -ErrorVariable e; `$e },
    { Copy-AncientHeap -LiteralPath '$fifo' -Destination '$copy' -Compact -ErrorAction SilentlyContinue -ErrorVariable e; `$e })) {
    `$record = @(& `$command)[0]
    "`$(`$record.FullyQualifiedErrorId)|`$(`$record.TargetObject)"
}
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $job = Start-Process -FilePath $pwsh.FilePath -ArgumentList ($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) `
            -RedirectStandardOutput (Join-Path $TestDrive 'fifo.out') -PassThru -NoNewWindow
        if (-not $job.WaitForExit(60000)) { $job.Kill($true); throw 'A cmdlet hung on a named pipe.' }
        $lines = @(Get-Content (Join-Path $TestDrive 'fifo.out') | Where-Object { $_ -match '\|' })
        $lines | Should -HaveCount 5
        foreach ($line in $lines) {
            $id, $target = $line -split '\|'
            $id | Should -BeLike 'NotARegularFile,*'
            $target | Should -Be $fifo
        }
        Test-Path -LiteralPath $copy | Should -BeFalse
    }

    It 'a heap on a read-only file system mounts with -ReadOnly, copies, and refuses a writable mount naming -ReadOnly' {
        if (-not $IsLinuxRoot) { Set-ItResult -Skipped -Because 'a read-only bind mount needs root on Linux'; return }
        $dir = Join-Path $TestDrive 'rw'
        $ro = Join-Path $TestDrive 'ro'
        $null = New-Item -ItemType Directory -Path $dir, $ro
        $heap = Mount-AncientHeap -LiteralPath (Join-Path $dir 'data.heap')
        Set-AncientObject -Heap $heap -Key 'k' -InputObject @{ A = 1 }
        Dismount-AncientHeap -Heap $heap
        & mount --bind $dir $ro
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'mount --bind failed'; return }
        $script:Mounted += @($ro)
        & mount -o remount,bind,ro $ro
        $path = Join-Path $ro 'data.heap'

        $reader = Mount-AncientHeap -LiteralPath $path -ReadOnly
        (Get-AncientObject -Heap $reader -Key 'k').A | Should -Be 1
        Dismount-AncientHeap -Heap $reader

        $failure = $null
        Mount-AncientHeap -LiteralPath $path -ErrorAction SilentlyContinue -ErrorVariable failure | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
        $failure[0].Exception.Message | Should -Match 'ReadOnly'

        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
        $copy = Join-Path $TestDrive 'from-ro.heap'
        Copy-AncientHeap -LiteralPath $path -Destination $copy
        Copy-AncientHeap -LiteralPath $path -Destination (Join-Path $TestDrive 'from-ro-compact.heap') -Compact
        Test-AncientHeap -LiteralPath $copy -Quiet | Should -BeTrue

        # Copying into the read-only file system names the destination.
        $failure = $null
        Copy-AncientHeap -LiteralPath $copy -Destination (Join-Path $ro 'new.heap') -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].TargetObject | Should -Be (Join-Path $ro 'new.heap')
        & umount $ro
    }
}

Describe 'Copy-AncientHeap -Compact of a damaged heap' {
    BeforeAll {
        # A heap with one value whose stored bytes changed after it was written (its checksum fails).
        function New-DamagedHeap([string] $Name) {
            $path = Join-Path $TestDrive $Name
            $heap = Mount-AncientHeap -LiteralPath $path
            Set-AncientObject -Heap $heap -Key 'good' -InputObject @{ Name = 'fine'; Values = 1..20 }
            Set-AncientObject -Heap $heap -Key 'bad' -InputObject ('MARKER' + ('x' * 300))
            Dismount-AncientHeap -Heap $heap
            $bytes = [IO.File]::ReadAllBytes($path)
            $marker = [Text.Encoding]::UTF8.GetBytes('MARKER')
            $at = -1
            for ($i = 0; $i -lt $bytes.Length - $marker.Length -and $at -lt 0; $i++) {
                if ($bytes[$i] -eq $marker[0] -and [Linq.Enumerable]::SequenceEqual([byte[]]$bytes[$i..($i + $marker.Length - 1)], $marker)) { $at = $i }
            }
            if ($at -lt 0) { throw 'The marker was not found in the heap file.' }
            $bytes[$at + 1] = [byte][char]'Y'
            [IO.File]::WriteAllBytes($path, $bytes)
            $path
        }
    }
    AfterEach { Dismount-AllHeaps }

    It 'refuses a value that fails its checksum with an error naming the key, and writes nothing' {
        $path = New-DamagedHeap 'damaged-a.heap'
        $copy = Join-Path $TestDrive 'damaged-a-copy.heap'
        $failure = $null
        Copy-AncientHeap -LiteralPath $path -Destination $copy -Compact -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HeapCorrupt,*'
        $failure[0].Exception.Message | Should -Match "'bad'"
        $failure[0].Exception.Message | Should -Match 'SkipDamaged'
        Test-Path -LiteralPath $copy | Should -BeFalse
        @(Get-ChildItem -LiteralPath $TestDrive -Force -Filter '.damaged-a-copy.heap*') | Should -HaveCount 0
    }

    It 'with -SkipDamaged leaves the damaged value out with a warning, and the copy verifies and holds the rest' {
        $path = New-DamagedHeap 'damaged-b.heap'
        $copy = Join-Path $TestDrive 'damaged-b-copy.heap'
        $warnings = $null
        Copy-AncientHeap -LiteralPath $path -Destination $copy -Compact -SkipDamaged -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings) | Should -HaveCount 1
        "$($warnings[0])" | Should -Match "'bad' was left out"
        Test-AncientHeap -LiteralPath $copy -Quiet | Should -BeTrue
        $heap = Mount-AncientHeap -LiteralPath $copy -ReadOnly
        @(Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('good')
        (Get-AncientObject -Heap $heap -Key 'good').Name | Should -Be 'fine'
    }
}

Describe 'Simultaneous first mounts of a new heap' {
    It 'four processes creating one new heap at the same instant all end mounted, over 30 rounds' {
        $rounds = 30
        $workers = 4
        $dir = Join-Path $TestDrive 'race'
        $null = New-Item -ItemType Directory -Path $dir
        $pwsh = Get-TestPwsh
        $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
        $processes = foreach ($w in 1..$workers) {
            # Each worker says it is ready for a round, waits for the round's go file, mounts the round's new heap,
            # writes its own key and reports the outcome.
            $script = @"
Import-Module '$manifest'
`$ErrorActionPreference = 'Continue'; `$ProgressPreference = 'SilentlyContinue'
for (`$r = 0; `$r -lt $rounds; `$r++) {
    [IO.File]::WriteAllText((Join-Path '$dir' "ready-`$r-$w"), '')
    `$limit = [Diagnostics.Stopwatch]::StartNew()
    while (-not (Test-Path -LiteralPath (Join-Path '$dir' "go-`$r"))) { if (`$limit.Elapsed.TotalSeconds -gt 60) { 'TIMEOUT'; exit 3 }; [Threading.Thread]::SpinWait(200) }
    `$e = `$null
    `$heap = Mount-AncientHeap -LiteralPath (Join-Path '$dir' "round-`$r.heap") -ErrorAction SilentlyContinue -ErrorVariable e
    if (`$heap) {
        Set-AncientObject -Heap `$heap -Key 'w$w' -InputObject `$r
        Dismount-AncientHeap -Heap `$heap
        "round `$r ok"
    } else { "round `$r FAILED `$(`$e[0].FullyQualifiedErrorId): `$(`$e[0])" }
}
"@
            $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
            Start-Process -FilePath $pwsh.FilePath -ArgumentList ($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) `
                -RedirectStandardOutput (Join-Path $dir "out-$w.txt") -PassThru -NoNewWindow
        }
        try {
            for ($r = 0; $r -lt $rounds; $r++) {
                $limit = [Diagnostics.Stopwatch]::StartNew()
                while (@(1..$workers | Where-Object { -not (Test-Path -LiteralPath (Join-Path $dir "ready-$r-$_")) }).Count -gt 0) {
                    if ($limit.Elapsed.TotalSeconds -gt 60 -or @($processes | Where-Object HasExited).Count -gt 0) { throw "The workers did not get ready for round $r." }
                    Start-Sleep -Milliseconds 5
                }
                [IO.File]::WriteAllText((Join-Path $dir "go-$r"), '')
            }
            foreach ($p in $processes) { if (-not $p.WaitForExit(120000)) { throw 'A worker did not finish.' } }
        }
        finally {
            foreach ($p in $processes) { if (-not $p.HasExited) { $p.Kill($true) } }
        }
        $lines = foreach ($w in 1..$workers) { Get-Content (Join-Path $dir "out-$w.txt") }
        $failed = @($lines | Where-Object { $_ -notmatch '^round \d+ ok$' })
        $failed | Should -BeNullOrEmpty
        @($lines) | Should -HaveCount ($rounds * $workers)
        for ($r = 0; $r -lt $rounds; $r++) {
            $path = Join-Path $dir "round-$r.heap"
            Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
            $heap = Mount-AncientHeap -LiteralPath $path -ReadOnly
            @(Get-AncientObject -Heap $heap -ListAvailable) | Should -HaveCount $workers
            Dismount-AncientHeap -Heap $heap
        }
    }
}

Describe 'Copies killed part way' {
    AfterEach { Dismount-AllHeaps }

    It 'the next copy to the same destination deletes the temporary file a killed copy left, and never a live copy''s' {
        $dir = Join-Path $TestDrive 'killed'
        $null = New-Item -ItemType Directory -Path $dir
        $source = Join-Path $dir 'source.heap'
        $heap = Mount-AncientHeap -LiteralPath $source
        Set-AncientObject -Heap $heap -Key 'big' -InputObject ('x' * 16MB)
        Dismount-AncientHeap -Heap $heap
        $destination = Join-Path $dir 'copy.heap'

        # A child copies in a loop; it is killed (SIGKILL) once one of its temporary files exists. The copy may finish
        # between the sighting and the kill: then try again with a new child (bounded).
        $pwsh = Get-TestPwsh
        $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
        $script = "Import-Module '$manifest'; `$ProgressPreference = 'SilentlyContinue'; while (`$true) { Copy-AncientHeap -LiteralPath '$source' -Destination '$destination' -Force; Copy-AncientHeap -LiteralPath '$source' -Destination '$destination' -Force -Compact }"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        for ($attempt = 1; $attempt -le 5 -and @(Get-ChildItem -LiteralPath $dir -Force -Filter '.copy.heap.*.tmp').Count -eq 0; $attempt++) {
            $child = Start-Process -FilePath $pwsh.FilePath -ArgumentList ($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru -NoNewWindow
            try {
                $limit = [Diagnostics.Stopwatch]::StartNew()
                while (@(Get-ChildItem -LiteralPath $dir -Force -Filter '.copy.heap.*.tmp').Count -eq 0) {
                    if ($limit.Elapsed.TotalSeconds -gt 120 -or $child.HasExited) { throw 'No copy was seen in progress.' }
                    Start-Sleep -Milliseconds 2
                }
            }
            finally {
                $child.Kill($true)
                $child.WaitForExit()
            }
        }
        # A temporary file named for this process, as a copy running here would have, must survive.
        $self = [Diagnostics.Process]::GetCurrentProcess()
        $live = Join-Path $dir (".copy.heap.0123456789ab.p{0}-{1:x}.tmp" -f $self.Id, $self.StartTime.ToUniversalTime().Ticks)
        [IO.File]::WriteAllText($live, '')
        # Files of other destinations are left alone.
        $other = Join-Path $dir '.other.heap.0123456789ab.p999999-1.tmp'
        [IO.File]::WriteAllText($other, '')

        Copy-AncientHeap -LiteralPath $source -Destination $destination -Force
        @(Get-ChildItem -LiteralPath $dir -Force -Filter '.copy.heap.*.tmp').FullName | Should -Be @($live)
        Test-Path -LiteralPath $other | Should -BeTrue
        Test-AncientHeap -LiteralPath $destination -Quiet | Should -BeTrue
    }
}

Describe 'A heap file truncated by another program' {
    It 'later reads and writes fail with HeapCorrupt instead of killing the process (child process)' {
        if (-not $IsLinux -or -not (Get-Command truncate -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'needs truncate on Linux'; return }
        $path = Join-Path $TestDrive 'truncated.heap'
        $script = @"
`$ProgressPreference = 'SilentlyContinue'
`$heap = Mount-AncientHeap -LiteralPath '$path'
Set-AncientObject -Heap `$heap -Key 'big' -InputObject ('x' * 3MB)
Set-AncientObject -Heap `$heap -Key 'row' -InputObject ([pscustomobject]@{ Name = 'a'; Values = 1..10 })
foreach (`$size in 100000, 0) {
    & truncate -s `$size '$path'
    Start-Sleep -Milliseconds 200
    foreach (`$attempt in
        { Get-AncientObject -Heap `$heap -Key 'row' },
        { Get-AncientObject -Heap `$heap -ListAvailable },
        { Set-AncientObject -Heap `$heap -Key 'more' -InputObject 1 }) {
        try { `$null = & `$attempt; "`$size no-error" } catch { "`$size `$(`$_.FullyQualifiedErrorId)" }
    }
}
'alive'
"@
        $lines = Invoke-InChildProcess $script
        $lines[-1] | Should -Be 'alive'
        $results = @($lines | Where-Object { $_ -match '^\d+ ' })
        $results | Should -HaveCount 6
        # Get, listing and Set after the truncation: HeapCorrupt. (Views read before it are not protected: docs/concurrency.md.)
        foreach ($line in $results) { $line | Should -Match '^\d+ HeapCorrupt,' }
    }
}

Describe 'A reader that cannot write the heap file (cannot publish a pin)' {
    It 'never reads a wrong value while another process overwrites it: records, lists, dictionaries and enumeration' {
        if (-not $IsLinuxRoot -or -not (Get-Command setpriv -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'needs root and setpriv on Linux'; return }
        $dir = Join-Path $TestDrive 'unpinned'
        $null = New-Item -ItemType Directory -Path $dir
        $path = Join-Path $dir 'shared.heap'
        $stop = Join-Path $dir 'stop'
        $heap = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $heap -Key 'k' -InputObject ([pscustomobject]@{ S = 'v0'; Tag = 0; Data = @(0, 1, 2); Map = @{ a = 0; b = 'b0' } })
        Dismount-AncientHeap -Heap $heap
        & chmod 0444 $path

        $pwsh = Get-TestPwsh
        $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
        # The writer (root: it may write the 0444 file) overwrites the key until told to stop.
        $writer = @"
Import-Module '$manifest'; `$ProgressPreference = 'SilentlyContinue'
`$heap = Mount-AncientHeap -LiteralPath '$path'
for (`$i = 1; -not (Test-Path -LiteralPath '$stop'); `$i++) {
    Set-AncientObject -Heap `$heap -Key 'k' -InputObject ([pscustomobject]@{ S = "v`$i"; Tag = `$i; Data = @(`$i, (`$i + 1), (`$i + 2)); Map = @{ a = `$i; b = "b`$i" } })
}
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($writer))
        $writerProcess = Start-Process -FilePath $pwsh.FilePath -ArgumentList ($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru -NoNewWindow
        try {
            # The reader has no CAP_DAC_OVERRIDE, so it cannot open the 0444 file for writing: no reader slot, no pin.
            $reader = @"
Import-Module '$manifest'; `$ProgressPreference = 'SilentlyContinue'
`$heap = Mount-AncientHeap -LiteralPath '$path' -ReadOnly
`$reads = 0; `$wrong = 0; `$expired = 0; `$other = @(); `$wrongWhich = @()
`$held = `$null
for (`$n = 0; `$n -lt 3000; `$n++) {
    try {
        `$x = Get-AncientObject -Heap `$heap -Key 'k'
        if (`$n % 50 -eq 0) { `$held = `$x }
        foreach (`$v in @(`$x, `$held)) {
            if (`$null -eq `$v) { continue }
            `$t = `$v.Tag; `$s = `$v.S; `$d = `$v.Data; `$m = `$v.Map
            `$items = @(foreach (`$e in `$d) { `$e })
            `$keys = @(`$m.Keys | Sort-Object)
            `$checks = @((`$null -ne `$t), (`$s -ceq "v`$t"), (`$d.Count -eq 3), (`$d[0] -eq `$t), (`$d[2] -eq `$t + 2),
                (`$items.Count -eq 3), (`$items[1] -eq `$t + 1), (`$m['a'] -eq `$t), (`$m.b -ceq "b`$t"), ((`$keys -join ',') -eq 'a,b'))
            `$reads++
            if (`$checks -contains `$false) { `$wrong++; `$failed = for (`$c = 0; `$c -lt `$checks.Count; `$c++) { if (-not `$checks[`$c]) { `$c } }; `$wrongWhich += @(`$failed -join '+') }
        }
    }
    catch {
        if ("`$(`$_.FullyQualifiedErrorId)`$(`$_.Exception.GetType().Name)`$(`$_.Exception.InnerException)" -match 'SnapshotExpired') { `$expired++ } else { `$other += "`$(`$_.FullyQualifiedErrorId): `$_" }
    }
}
"reads=`$reads wrong=`$wrong expired=`$expired other=`$(`$other.Count) `$(`$other | Select-Object -First 1) which=`$(`$wrongWhich -join ';')"
"@
            $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($reader))
            $output = & setpriv --inh-caps=-dac_override --bounding-set=-dac_override $pwsh.FilePath @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) 2>&1
        }
        finally {
            [IO.File]::WriteAllText($stop, '')
            if (-not $writerProcess.WaitForExit(60000)) { $writerProcess.Kill($true) }
        }
        $line = @($output | Where-Object { "$_" -match '^reads=' })[0]
        $line | Should -Not -BeNullOrEmpty -Because "the reader must report: $output"
        $line | Should -Match 'wrong=0 '
        $line | Should -Match 'other=0 '
        $line -match 'reads=(\d+)' | Should -BeTrue
        [int]$Matches[1] | Should -BeGreaterThan 1000
        Write-Host "  unpinned reader: $line"
    }
}
