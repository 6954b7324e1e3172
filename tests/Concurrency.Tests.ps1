# Cmdlet-level concurrency beyond tests/Runspaces.Tests.ps1 (8 parallel runspaces; dismount under readers): a pwsh
# writer killed with SIGKILL, the space an old value pins while a runspace holds it, what a pwsh holding one old value
# while it polls a newer one keeps (heap format 1.7), a reader in another time namespace, and Flushed durability.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path

    # A value that carries its own checksum (SHA-256 of its body, the same in every process) and a version.
    function Get-Sum([string] $Body) { [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Body))) }
    function New-CheckedValue([string] $Key, [int] $Version, [int] $Size) {
        $body = "$Key/$Version/" + ('x' * $Size)
        [pscustomobject]@{ Key = $Key; Version = $Version; Body = $body; Sum = Get-Sum $body }
    }

    # Starts $Script in a second pwsh (behind $Launcher, such as unshare, if given) with the heap at $HeapPath mounted
    # read-only as $h, its output in a file; waits until it has written the file $Ready.
    function Start-ReadyChild([string] $HeapPath, [string] $Script, [string] $Ready, [string[]] $Launcher = @()) {
        $pwsh = Get-TestPwsh
        $file = Join-Path $TestDrive "child-$([guid]::NewGuid()).ps1"
        Set-Content -LiteralPath $file -Value ("`$ErrorActionPreference = 'Stop'`nImport-Module '$manifest'`n`$h = Mount-AncientHeap -LiteralPath '$HeapPath' -ReadOnly`n" + $Script)
        $command = @($Launcher + $pwsh.FilePath)
        $out = "$file.out"
        $process = Start-Process -FilePath $command[0] -ArgumentList (@($command | Select-Object -Skip 1) + $pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-File', $file)) `
            -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (Test-Path -LiteralPath $Ready) -and -not $process.HasExited -and $clock.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 20 }
        Test-Path -LiteralPath $Ready | Should -BeTrue -Because (Get-Content -Raw -LiteralPath "$out.err" -ErrorAction SilentlyContinue)
        [pscustomobject]@{ Process = $process; Out = $out }
    }

    # Waits for a child of Start-ReadyChild to end; returns what it printed.
    function Receive-ReadyChild($Child) {
        $Child.Process.WaitForExit(60000) | Should -BeTrue
        $Child.Process.WaitForExit()
        (Get-Content -Raw -LiteralPath $Child.Out).Trim()
    }
}

Describe 'Heaps shared with killed and long-lived readers and writers' {
    BeforeEach { $path = Join-Path $TestDrive "concurrency-$([guid]::NewGuid()).heap" }
    AfterEach { Dismount-AllHeaps }

    It 'leaves the heap unlocked, and every value a killed pwsh writer committed intact' {
        $heap = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $heap -Key before -InputObject 'kept'
        Dismount-AncientHeap -Heap $heap
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
`$h = Mount-AncientHeap -LiteralPath '$path'
for (`$v = 1; ; `$v++) {
    `$key = 'k' + (`$v % 5)
    `$body = "`$key/`$v/" + ('x' * (`$v % 3000))
    Set-AncientObject -Heap `$h -Key `$key -InputObject ([pscustomobject]@{ Key = `$key; Version = `$v; Body = `$body; Sum = [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes(`$body))) })
    [Console]::Out.WriteLine("committed `$key `$v"); [Console]::Out.Flush()
}
"@
        # Read until 40 commits are reported, then kill -9 in the middle of whatever it is doing.
        $lines = Invoke-KilledWriter -Script $script -Commits 40

        $heap = Mount-AncientHeap -LiteralPath $path
        $last = @{}
        foreach ($line in $lines) { $null, $key, $version = $line -split ' '; $last[$key] = [int] $version }
        foreach ($key in $last.Keys) {
            $value = Get-AncientObject -Heap $heap -Key $key
            Get-Sum $value.Body | Should -Be $value.Sum
            $value.Key | Should -Be $key
            # Every Set that returned is there; the one in flight may have committed unreported.
            $value.Version | Should -BeGreaterOrEqual $last[$key]
            $value.Version | Should -BeLessOrEqual ($last[$key] + 5)
        }
        Get-AncientObject -Heap $heap -Key before | Should -Be 'kept'
        # The dead writer's lock went with it: this Set does not wait.
        Set-AncientObject -Heap $heap -Key after -InputObject 1
        Get-AncientObject -Heap $heap -Key after | Should -Be 1
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'shows in Pinned the space an old value holds while another runspace keeps it, and none once it lets go' {
        $heap = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $heap -Key k -InputObject (New-CheckedValue k 1 4000)
        $gate = [Threading.ManualResetEventSlim]::new()
        $holding = [Threading.ManualResetEventSlim]::new()
        # A runspace of our own, disposed at the end. (A Start-ThreadJob job's runspace can stay reachable after the job
        # is removed, and with it what the job read: see docs/concurrency.md.)
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        $null = $shell.AddScript({
                param($heap, $manifest, $gate, $holding)
                Import-Module $manifest
                $old = Get-AncientObject -Heap $heap -Key k
                $holding.Set()
                $gate.Wait()
                $sum = [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($old.Body)))
                '{0}:{1}' -f $old.Version, ($sum -eq $old.Sum)
            }).AddArgument($heap).AddArgument($manifest).AddArgument($gate).AddArgument($holding)
        $pending = $shell.BeginInvoke()
        try {
            $holding.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            foreach ($v in 2..200) { Set-AncientObject -Heap $heap -Key k -InputObject (New-CheckedValue k $v 4000) }
            $heap.Pinned | Should -BeGreaterThan 4000
            $gate.Set()
            # The runspace still read its own snapshot: version 1, checksum intact.
            $shell.EndInvoke($pending) | Should -Be '1:True'
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
            $shell = $runspace = $pending = $null
        }
        # Once nothing refers to the old value, the collector lets its pin go, and the next write reuses the space.
        $pinned = $heap.Pinned
        for ($i = 0; $i -lt 50 -and $pinned -ne 0; $i++) {
            [GC]::Collect(); [GC]::WaitForPendingFinalizers()
            Set-AncientObject -Heap $heap -Key k -InputObject (New-CheckedValue k (300 + $i) 4000)
            $pinned = $heap.Pinned
        }
        $pinned | Should -Be 0
    }

    It 'keeps what a pwsh that holds one old value saw, not every value written while it polls a newer one' {
        # The shared-status pattern: another process keeps its configuration (an old state) for as long as it runs and
        # polls a status this process writes. Its slot publishes the oldest and second-oldest pins (heap format 1.7), so
        # the writes reuse what only the states in between saw. Before, the whole range since the configuration was kept.
        $heap = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $heap -Key config -InputObject (New-CheckedValue config 1 4000)
        Set-AncientObject -Heap $heap -Key status -InputObject (New-CheckedValue status 0 8000)
        $ready, $stop, $seen = foreach ($name in 'ready', 'stop', 'seen') { Join-Path $TestDrive "$name-$([guid]::NewGuid())" }
        $script = @"
`$config = Get-AncientObject -Heap `$h -Key config
Set-Content -LiteralPath '$ready' -Value ready
`$polls = 0
while (-not (Test-Path -LiteralPath '$stop')) {
    # The status read last is kept until the next one replaces it; the one before goes at once (a script would let
    # its collector do this in its own time). So the child pins the configuration's state and the latest status's.
    `$status = Get-AncientObject -Heap `$h -Key status
    [GC]::Collect(); [GC]::WaitForPendingFinalizers()
    [IO.File]::WriteAllText('$seen', [string] `$status.Version)
    `$polls++
    Start-Sleep -Milliseconds 5
}
`$sum = [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes(`$config.Body)))
'{0}:{1}:{2}' -f `$config.Version, (`$sum -eq `$config.Sum), (`$polls -gt 0)
"@
        $child = Start-ReadyChild -HeapPath $path -Script $script -Ready $ready
        try {
            foreach ($v in 1..100) {
                Set-AncientObject -Heap $heap -Key status -InputObject (New-CheckedValue status $v 16000)
                # The child reads each new status before the next is written, so that its pins span them all.
                $clock = [Diagnostics.Stopwatch]::StartNew()
                while ($clock.Elapsed.TotalSeconds -lt 10 -and -not $child.Process.HasExited) {
                    $read = try { [IO.File]::ReadAllText($seen) } catch { '' }
                    if ($read -and [int] $read -ge $v) { break }
                    Start-Sleep -Milliseconds 2
                }
            }
            # 100 status values of 16 KB are 1.6 MB, all of which the pins [configuration, latest] held before. Now the
            # configuration's state and the few states the child read last.
            $heap.Pinned | Should -BeLessThan 512KB
            $heap.Pinned | Should -BeGreaterThan 4000 -Because 'the child still holds its configuration'
        }
        finally {
            Set-Content -LiteralPath $stop -Value stop
        }
        Receive-ReadyChild $child | Should -Be '1:True:True'
    }

    It 'keeps the snapshot of a pwsh reader in another time namespace while this process overwrites what it reads' {
        # /proc shows a process's start in ticks after the *reader's* boot time, which a time namespace moves (unshare
        # --time --boottime): a writer judging readers by those ticks alone took a live reader there for a dead one and
        # reused its snapshot's space (the reader then read "unknown tag 0x77"). The start time agrees across namespaces.
        $canUnshare = $IsLinux -and ((& id -u) -eq '0') -and [bool](Get-Command unshare -ErrorAction SilentlyContinue)
        if ($canUnshare) {
            & unshare --time --boottime 500 --fork true 2>$null
            $canUnshare = $LASTEXITCODE -eq 0
        }
        if (-not $canUnshare) { Set-ItResult -Skipped -Because 'needs root and unshare --time on Linux'; return }
        $heap = Mount-AncientHeap -LiteralPath $path
        Set-AncientObject -Heap $heap -Key v -InputObject (1..2000 | ForEach-Object { [pscustomobject]@{ N = $_; S = "original$_" } })
        $ready, $go = foreach ($name in 'ready', 'go') { Join-Path $TestDrive "$name-$([guid]::NewGuid())" }
        $reader = @"
`$held = Get-AncientObject -Heap `$h -Key v -NoEnumerate
Set-Content -LiteralPath '$ready' -Value ready
while (-not (Test-Path -LiteralPath '$go')) { Start-Sleep -Milliseconds 20 }
`$wrong = 0; `$i = 0
foreach (`$r in `$held) { `$i++; if (`$r.N -ne `$i -or `$r.S -ne ('original' + `$i)) { `$wrong++ } }
'{0}:{1}' -f `$i, `$wrong
"@
        $child = Start-ReadyChild -HeapPath $path -Script $reader -Ready $ready -Launcher 'unshare', '--time', '--boottime', '500', '--fork'
        try {
            foreach ($k in 1..100) { Set-AncientObject -Heap $heap -Key v -InputObject (1..2000 | ForEach-Object { [pscustomobject]@{ N = -$_; S = "overwritten$k" } }) }
            $heap.Pinned | Should -BeGreaterThan 10000 -Because 'the reader in the other namespace still holds its snapshot'
        }
        finally {
            Set-Content -LiteralPath $go -Value go
        }
        Receive-ReadyChild $child | Should -Be '2000:0'
    }

    It 'commits with -Durability Flushed, and another process reads what it wrote' {
        $heap = Mount-AncientHeap -LiteralPath $path -Durability Flushed
        $heap.Durability | Should -Be 'Flushed'
        foreach ($v in 1..20) { Set-AncientObject -Heap $heap -Key "k$($v % 4)" -InputObject (New-CheckedValue "k$($v % 4)" $v 2000) }
        $versions = Invoke-InChildProcess -Script "`$h = Mount-AncientHeap -LiteralPath '$path' -ReadOnly; 0..3 | ForEach-Object { (Get-AncientObject -Heap `$h -Key `"k`$_`").Version }"
        $versions | Should -Be @('20', '17', '18', '19')
    }
}
