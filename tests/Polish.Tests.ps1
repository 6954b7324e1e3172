# Issue 8's polish: Copy-AncientHeap, progress and Ctrl+C on long operations, ConfirmImpact, is_ancient, the default
# heap with a lone positional key, and the dependency and API-surface guards of the module.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path

    # A heap file of $Count records in one key, written with the engine directly (fast), for the long-running cases.
    function New-LargeHeap([string] $Path, [int] $Count) {
        $rows = [object[]]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) { $rows[$i] = [pscustomobject]@{ Id = $i; Name = "row$i"; Tags = @('a', 'b') } }
        $heap = Mount-AncientHeap -LiteralPath $Path
        Set-AncientObject -Heap $heap -Key big -InputObject $rows
        Dismount-AncientHeap -Heap $heap
    }

    # Starts a pwsh that imports the module and runs $Script; its output goes to a file read by Receive-ChildPwsh.
    function Start-ChildPwsh([string] $Script) {
        $pwsh = Get-TestPwsh
        $full = "`$ErrorActionPreference = 'Stop'; Import-Module '$manifest'; $Script"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full))
        $out = Join-Path $TestDrive "child-$([guid]::NewGuid()).out"
        $process = Start-Process -FilePath $pwsh.FilePath -ArgumentList ($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) `
            -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
        [pscustomobject]@{ Process = $process; Out = $out }
    }

    function Receive-ChildPwsh($Child, [int] $TimeoutSeconds = 60) {
        if (-not $Child.Process.WaitForExit($TimeoutSeconds * 1000)) { $Child.Process.Kill(); throw 'The child process did not finish.' }
        $Child.Process.WaitForExit()
        if ($Child.Process.ExitCode -ne 0) { throw "The child process failed ($($Child.Process.ExitCode)): $(Get-Content -Raw "$($Child.Out).err")" }
        @(Get-Content -LiteralPath $Child.Out)
    }

    # Runs $Script in a new runspace of this process and stops it (as Ctrl+C does) once $Until returns true.
    function Stop-WhenReady([scriptblock] $Script, [object[]] $Arguments, [scriptblock] $Until, [int] $TimeoutSeconds = 60) {
        $ps = [powershell]::Create()
        try {
            # Import first, on its own: a batch of statements runs on a thread-pool item that can outlive Stop and
            # Dispose and then fail on the closed runspace, which takes the whole process down.
            $null = $ps.AddScript("Import-Module '$manifest'").Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddScript($Script)
            foreach ($argument in $Arguments) { $null = $ps.AddArgument($argument) }
            $async = $ps.BeginInvoke()
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while (-not (& $Until $ps) -and -not $async.IsCompleted -and $clock.Elapsed.TotalSeconds -lt $TimeoutSeconds) { Start-Sleep -Milliseconds 20 }
            $finishedFirst = $async.IsCompleted
            $ps.Stop()
            try { $null = $ps.EndInvoke($async) } catch { }
            [pscustomobject]@{ FinishedFirst = $finishedFirst; State = $ps.InvocationStateInfo.State; Progress = @($ps.Streams.Progress) }
        }
        finally { $ps.Dispose() }
    }

    # Every list in the key is uniform (all elements equal), and returns that element.
    function Get-UniformValue($Heap, [string] $Key) {
        $list = Get-AncientObject -Heap $Heap -Key $Key -NoEnumerate
        $first = $list[0]
        foreach ($item in $list) { if ($item -ne $first) { throw "'$Key' mixes $first and $item" } }
        $list.Count | Should -Be 500
        $first
    }
}

Describe 'Copy-AncientHeap' {
    BeforeAll {
        Dismount-AllHeaps
        $template = Join-Path $TestDrive 'template.heap'
        $heap = Mount-AncientHeap -LiteralPath $template
        foreach ($i in 1..20) { Set-AncientObject -Heap $heap -Key latest -InputObject (1..2000 | ForEach-Object { [pscustomobject]@{ N = $_ * $i; S = "s$_" } }) }
        $shared = [pscustomobject]@{ Name = 'shared' }
        $cyclic = @{ name = 'loop' }
        $cyclic.self = $cyclic
        Set-AncientObject -Heap $heap -Key graph -InputObject @{ a = $shared; b = $shared; cycle = $cyclic; when = [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc); big = [long]::MaxValue; bytes = [byte[]](1, 2, 3) }
        Dismount-AncientHeap -Heap $heap
    }
    BeforeEach {
        Dismount-AllHeaps
        $source = Join-Path $TestDrive "source-$([guid]::NewGuid()).heap"
        Copy-Item -LiteralPath $template -Destination $source
    }
    AfterEach { Dismount-AllHeaps }

    It 'copies a snapshot byte for byte, values and entry times included' {
        $copy = Join-Path $TestDrive 'plain.heap'
        Copy-AncientHeap -Path $source -Destination $copy
        $a = Mount-AncientHeap -LiteralPath $source -ReadOnly
        $b = Mount-AncientHeap -LiteralPath $copy -ReadOnly
        (Get-AncientObject -Heap $b -ListAvailable | Select-Object Key, TypeName, StoredSize, Written | ConvertTo-Json) |
            Should -Be (Get-AncientObject -Heap $a -ListAvailable | Select-Object Key, TypeName, StoredSize, Written | ConvertTo-Json)
        (Get-AncientObject -Heap $b -Key latest | ConvertTo-Json -Compress) | Should -Be (Get-AncientObject -Heap $a -Key latest | ConvertTo-Json -Compress)
    }

    It 'with -Compact writes live data only, like mdb_env_copy''s compacting mode' {
        # A large value removed from below later ones leaves a hole the file cannot give back; a compacted copy has none.
        $heap = Mount-AncientHeap -LiteralPath $source
        Set-AncientObject -Heap $heap -Key bulk -InputObject ([object[]](1..100000))
        Set-AncientObject -Heap $heap -Key after -InputObject 'written after bulk'
        Remove-AncientObject -Heap $heap -Key bulk
        Dismount-AncientHeap -Heap $heap

        $copy = Join-Path $TestDrive 'compact.heap'
        $file = Copy-AncientHeap -Path $source -Destination $copy -Compact -PassThru
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be $copy
        $file.Length | Should -BeLessThan ((Get-Item -LiteralPath $source).Length / 3)
        $plain = Copy-AncientHeap -Path $source -Destination (Join-Path $TestDrive 'plain-after-removal.heap') -PassThru
        $plain.Length | Should -Be (Get-Item -LiteralPath $source).Length
        $b = Mount-AncientHeap -LiteralPath $copy -ReadOnly
        $b.Count | Should -Be 3
        Get-AncientObject -Heap $b -Key after | Should -Be 'written after bulk'
        $latest = Get-AncientObject -Heap $b -Key latest -NoEnumerate
        $latest.Count | Should -Be 2000
        $latest[-1].N | Should -Be 40000
        $latest[-1].PSTypeNames[0] | Should -Be 'System.Management.Automation.PSCustomObject'
    }

    It 'keeps types, sharing and cycles in a compacted copy' {
        $copy = Join-Path $TestDrive 'graph.heap'
        Copy-AncientHeap -Path $source -Destination $copy -Compact
        $b = Mount-AncientHeap -LiteralPath $copy -ReadOnly
        $graph = Get-AncientObject -Heap $b -Key graph -Materialize
        $graph | Should -BeOfType [hashtable]
        [object]::ReferenceEquals($graph.a, $graph.b) | Should -BeTrue
        [object]::ReferenceEquals($graph.cycle, $graph.cycle.self) | Should -BeTrue
        $graph.when | Should -BeOfType [datetime]
        $graph.when.Kind | Should -Be 'Utc'
        $graph.big | Should -BeOfType [long]
        , $graph.bytes | Should -BeOfType [byte[]]
    }

    It 'takes -LiteralPath (alias PSPath) from the pipeline, and a wildcard -Path that matches one file' {
        Get-Item -LiteralPath $source | Copy-AncientHeap -Destination (Join-Path $TestDrive 'piped.heap')
        Test-Path -LiteralPath (Join-Path $TestDrive 'piped.heap') | Should -BeTrue
        Push-Location $TestDrive
        try {
            Copy-AncientHeap -Path ((Split-Path -Leaf $source) -replace '^source', 'sourc?') -Destination 'relative.heap' -Compact
            Test-Path -LiteralPath (Join-Path $TestDrive 'relative.heap') | Should -BeTrue
        }
        finally { Pop-Location }
    }

    It 'does not replace an existing file without -Force, and replaces it with -Force' {
        $copy = Join-Path $TestDrive 'existing.heap'
        Set-Content -LiteralPath $copy -Value 'keep me'
        Copy-AncientHeap -Path $source -Destination $copy -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'DestinationExists,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content -LiteralPath $copy | Should -Be 'keep me'

        Copy-AncientHeap -Path $source -Destination $copy -Force -Compact
        (Mount-AncientHeap -LiteralPath $copy -ReadOnly).Count | Should -Be 2
    }

    It 'writes nothing with -WhatIf, and asks at ConfirmImpact Medium' {
        $copy = Join-Path $TestDrive 'whatif.heap'
        Invoke-WithoutHost { param($source, $copy) Copy-AncientHeap -Path $source -Destination $copy -WhatIf } $source, $copy
        Test-Path -LiteralPath $copy | Should -BeFalse
        $attribute = (Get-Command Copy-AncientHeap).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'Medium'
        $attribute.SupportsShouldProcess | Should -BeTrue
    }

    It 'reports <Case> with a clear error' -TestCases @(
        @{ Case = 'a missing source'; Id = 'PathNotFound'; Arrange = { @{ LiteralPath = (Join-Path $TestDrive 'nope.heap'); Destination = (Join-Path $TestDrive 'x.heap') } } }
        @{ Case = 'a missing destination folder'; Id = 'PathNotFound'; Arrange = { @{ LiteralPath = $source; Destination = (Join-Path $TestDrive 'no/such/x.heap') } } }
        @{ Case = 'the source as destination'; Id = 'SameSourceAndDestination'; Arrange = { @{ LiteralPath = $source; Destination = $source; Force = $true } } }
        @{ Case = 'a file that is not a heap'; Id = 'NotAHeap'; Arrange = { $text = Join-Path $TestDrive 'text.heap'; Set-Content $text ('x' * 5000); @{ LiteralPath = $text; Destination = (Join-Path $TestDrive 'y.heap') } } }
        @{ Case = 'a destination mounted here'; Id = 'DestinationMounted'; Arrange = { $m = Join-Path $TestDrive 'mounted.heap'; $null = Mount-AncientHeap -LiteralPath $m; @{ LiteralPath = $source; Destination = $m; Force = $true } } }
    ) {
        param($Case, $Id, $Arrange)
        $arguments = & $Arrange
        Copy-AncientHeap @arguments -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    # Symbolic links need privileges on Windows; the same-file check follows them wherever PowerShell can create them.
    It 'follows symbolic links to tell one file from another: <Case>' -Skip:$IsWindows -TestCases @(
        @{ Case = 'a link to the source as destination'; Id = 'SameSourceAndDestination'; Arrange = {
                $link = Join-Path $TestDrive "link-$([guid]::NewGuid()).heap"
                $null = New-Item -ItemType SymbolicLink -Path $link -Target $source
                @{ Link = $link; Copy = @{ LiteralPath = $source; Destination = $link; Force = $true } } } }
        @{ Case = 'the source through a linked folder as destination'; Id = 'SameSourceAndDestination'; Arrange = {
                $folder = Join-Path $TestDrive "folder-$([guid]::NewGuid())"
                $null = New-Item -ItemType SymbolicLink -Path $folder -Target $TestDrive
                @{ Link = $folder; Copy = @{ LiteralPath = $source; Destination = (Join-Path $folder (Split-Path -Leaf $source)); Force = $true } } } }
        @{ Case = 'a heap mounted through a link, replaced by its real path'; Id = 'DestinationMounted'; Arrange = {
                $target = Join-Path $TestDrive "target-$([guid]::NewGuid()).heap"
                Copy-Item -LiteralPath $source -Destination $target
                $link = Join-Path $TestDrive "link-$([guid]::NewGuid()).heap"
                $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
                $null = Mount-AncientHeap -LiteralPath $link
                @{ Link = $link; Copy = @{ LiteralPath = $source; Destination = $target; Force = $true } } } }
        @{ Case = 'a heap mounted by its real path, replaced through a link'; Id = 'DestinationMounted'; Arrange = {
                $target = Join-Path $TestDrive "target-$([guid]::NewGuid()).heap"
                Copy-Item -LiteralPath $source -Destination $target
                $link = Join-Path $TestDrive "link-$([guid]::NewGuid()).heap"
                $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
                $null = Mount-AncientHeap -LiteralPath $target
                @{ Link = $link; Copy = @{ LiteralPath = $source; Destination = $link; Force = $true } } } }
    ) {
        param($Case, $Id, $Arrange)
        $arranged = & $Arrange
        $before = (Get-FileHash -LiteralPath $source).Hash
        $copy = $arranged.Copy
        Copy-AncientHeap @copy -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be "$Id,AncientPS.Commands.CopyAncientHeapCommand"
        # Nothing was replaced: the link is still a link, and the source and every mounted heap read as before.
        (Get-Item -LiteralPath $arranged.Link).LinkType | Should -Be 'SymbolicLink'
        (Get-FileHash -LiteralPath $source).Hash | Should -Be $before
        foreach ($mounted in Get-AncientHeap) { Test-AncientHeap -LiteralPath $mounted.Path -Quiet | Should -BeTrue }
        Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'copies one consistent snapshot while a second pwsh process writes the source and a third reads it' {
        # The writer sets a, then b, to the same number, so every snapshot has a = b or a = b + 1;
        # a copy that read the keys at different moments could show b > a.
        $stop = Join-Path $TestDrive 'stop'
        $readerReady = Join-Path $TestDrive 'reader-ready'
        $writer = Start-ChildPwsh @"
`$h = Mount-AncientHeap -LiteralPath '$source'
`$i = 0
while (-not (Test-Path '$stop') -and `$i -lt 100000) { `$i++; Set-AncientObject -Heap `$h -Key a -InputObject (@(`$i) * 500); Set-AncientObject -Heap `$h -Key b -InputObject (@(`$i) * 500) }
"writes=`$i"
"@
        $reader = Start-ChildPwsh @"
`$h = Mount-AncientHeap -LiteralPath '$source' -ReadOnly
`$reads = 0; `$bad = 0
while (-not (Test-Path '$stop')) {
    foreach (`$key in 'a', 'b', 'latest') {
        `$list = Get-AncientObject -Heap `$h -Key `$key -NoEnumerate -ErrorAction SilentlyContinue
        if (`$null -eq `$list) { continue }
        if (`$key -ne 'latest' -and ((`$list | Select-Object -Unique).Count -ne 1 -or `$list.Count -ne 500)) { `$bad++ }
        `$reads++
        if (`$reads -eq 1) { Set-Content -LiteralPath '$readerReady' -Value 'ready' }
    }
}
"reads=`$reads bad=`$bad"
"@
        try {
            $heap = Mount-AncientHeap -LiteralPath $source -ReadOnly
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while (-not (Get-AncientObject -Heap $heap -Key b -ErrorAction SilentlyContinue) -and $clock.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 50 }
            Dismount-AncientHeap -Heap $heap
            foreach ($round in 1..6) {
                $copy = Join-Path $TestDrive "live-$round.heap"
                Copy-AncientHeap -LiteralPath $source -Destination $copy -Compact:($round % 2 -eq 0)
                $c = Mount-AncientHeap -LiteralPath $copy -ReadOnly
                $a = Get-UniformValue $c a
                $b = Get-UniformValue $c b
                ($a - $b) | Should -BeIn 0, 1 -Because "copy $round holds a=$a b=$b"
                (Get-AncientObject -Heap $c -Key latest -NoEnumerate).Count | Should -Be 2000
                Dismount-AncientHeap -Heap $c
            }
        }
        finally {
            # A loaded machine can start the reader after the copies are done: let it read at least once first.
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while (-not (Test-Path -LiteralPath $readerReady) -and -not $reader.Process.HasExited -and $clock.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 50 }
            Set-Content -LiteralPath $stop -Value 'stop'
        }
        $writes = Receive-ChildPwsh $writer
        $reads = Receive-ChildPwsh $reader
        $reads | Should -Match '^reads=[1-9]\d* bad=0$'
        [int]($writes -replace 'writes=') | Should -BeGreaterThan 1
    }

    It 'leaves no destination and no temporary file when stopped with Ctrl+C' {
        $large = Join-Path $TestDrive 'large.heap'
        New-LargeHeap -Path $large -Count 150000
        $copy = Join-Path $TestDrive 'stopped.heap'
        $result = Stop-WhenReady -Script { param($from, $to) Copy-AncientHeap -LiteralPath $from -Destination $to -Compact } -Arguments $large, $copy `
            -Until { @(Get-ChildItem -LiteralPath $TestDrive -Filter '.stopped.heap.*.tmp' -Force).Count -gt 0 }
        $result.FinishedFirst | Should -BeFalse -Because 'the copy should still be running when stopped'
        $result.State | Should -Be 'Stopped'
        Test-Path -LiteralPath $copy | Should -BeFalse
        Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'stops through the engine API as well, leaving no destination' {
        $cancel = [Threading.CancellationTokenSource]::new()
        $copy = Join-Path $TestDrive 'cancelled.heap'
        $progress = [Action[long, long]] { param($done, $total) $cancel.Cancel() }
        $thrown = { [AncientPS.Engine.HeapCopy]::Copy($source, $copy, $false, $false, $progress, $cancel.Token) } | Should -Throw -PassThru
        $thrown.Exception.InnerException | Should -BeOfType ([OperationCanceledException])
        Test-Path -LiteralPath $copy | Should -BeFalse
        Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }
}

Describe 'Get-AncientObject -Materialize on a large value' {
    BeforeAll {
        $large = Join-Path $TestDrive 'materialize.heap'
        New-LargeHeap -Path $large -Count 150000
    }
    AfterEach { Dismount-AllHeaps }

    It 'shows progress and stops on Ctrl+C, leaving the heap as it was' {
        $result = Stop-WhenReady -Script { param($path) $h = Mount-AncientHeap -LiteralPath $path; $null = Get-AncientObject -Heap $h -Key big -Materialize } -Arguments $large `
            -Until { param($ps) $ps.Streams.Progress.Count -gt 0 }
        $result.FinishedFirst | Should -BeFalse -Because 'materializing 150,000 records should take more than a second, and show progress'
        $result.State | Should -Be 'Stopped'
        @($result.Progress | Where-Object Activity -EQ 'Get-AncientObject -Materialize').Count | Should -BeGreaterThan 0

        $heap = Mount-AncientHeap -LiteralPath $large -ReadOnly
        (Get-AncientObject -Heap $heap -Key big -NoEnumerate).Count | Should -Be 150000
    }
}

Describe 'ConfirmImpact' {
    It '<Name> asks at <Impact>' -TestCases @(
        @{ Name = 'Set-AncientObject'; Impact = 'Low' }
        @{ Name = 'Remove-AncientObject'; Impact = 'Medium' }
        @{ Name = 'Dismount-AncientHeap'; Impact = 'Low' }
        @{ Name = 'Copy-AncientHeap'; Impact = 'Medium' }
    ) {
        param($Name, $Impact)
        $attribute = (Get-Command $Name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.SupportsShouldProcess | Should -BeTrue
        $attribute.ConfirmImpact | Should -Be $Impact
    }

    It 'a Set asks when $ConfirmPreference is Low' {
        $heap = Mount-AncientHeap -Anonymous
        try {
            $ConfirmPreference = 'Low'
            # Non-interactive: a confirmation that cannot be asked stops the command instead of storing.
            { Set-AncientObject -Heap $heap -Key k -InputObject 1 } | Should -Throw
            $ConfirmPreference = 'High'
            Set-AncientObject -Heap $heap -Key k -InputObject 1
            Get-AncientObject -Heap $heap -Key k | Should -Be 1
        }
        finally { Dismount-AncientHeap -Heap $heap -Confirm:$false }
    }
}

Describe 'Telling ancient values apart (is_ancient)' {
    BeforeAll {
        $heap = Mount-AncientHeap -Anonymous
        Set-AncientObject -Heap $heap -Key mixed -InputObject @([pscustomobject]@{ A = 1 }, @{ b = 2 }, @(1, 2), 'text', 42)
        $mixed = Get-AncientObject -Heap $heap -Key mixed -NoEnumerate
    }
    AfterAll { Dismount-AncientHeap -Heap $heap -Confirm:$false }

    It 'records, dictionaries and lists are [AncientPS.Engine.IAncientValue], in PowerShell and in C#' {
        foreach ($view in $mixed, $mixed[0], $mixed[1], $mixed[2]) {
            $view -is [AncientPS.Engine.IAncientValue] | Should -BeTrue
            [AncientPS.Engine.MappedHeap]::IsAncient($view) | Should -BeTrue
            Test-AncientObject -InputObject $view | Should -BeTrue
        }
    }

    It 'a record shows no member of the marker: it stays a clean PSCustomObject look-alike' {
        @($mixed[0].PSObject.Properties.Name) | Should -Be @('A')
        $mixed[0] | ConvertTo-Json -Compress | Should -Be '{"A":1}'
    }

    It 'scalars and -Materialize copies are not ancient' {
        foreach ($value in $mixed[3], $mixed[4], (Get-AncientObject -Heap $heap -Key mixed -Materialize -NoEnumerate)) {
            $value -is [AncientPS.Engine.IAncientValue] | Should -BeFalse
            Test-AncientObject -InputObject $value | Should -BeFalse
        }
    }

    It 'shows the seed''s max_key as the heap''s MaxKeyLength' {
        $heap.MaxKeyLength | Should -Be 1024
        $heap.MaxKeyLength | Should -Be ([AncientPS.Engine.MappedHeap]::MaxKeyLength)
        { Set-AncientObject -Heap $heap -Key ('k' * 1025) -InputObject 1 } | Should -Throw -ErrorId 'InvalidKey,*'
    }
}

Describe 'The one mounted heap with a lone positional key' {
    BeforeAll {
        Dismount-AllHeaps
        $heap = Mount-AncientHeap -Anonymous
        Set-AncientObject -Heap $heap -Key rows -InputObject @(1, 2, 3)
    }
    AfterAll { Dismount-AllHeaps }

    It 'Get-AncientObject rows reads the key, not a heap called rows' {
        Get-AncientObject rows | Should -Be @(1, 2, 3)
        (Get-AncientObject rows -NoEnumerate).Count | Should -Be 3
        (Get-AncientObject -Key r* -ListAvailable).Key | Should -Be 'rows'
        Get-AncientObject r* | Should -Be @(1, 2, 3)
    }

    It 'still binds a heap at position 0 first' {
        Get-AncientObject $heap rows | Should -Be @(1, 2, 3)
        (Get-AncientObject $heap).Key | Should -Contain 'rows'
        $heap | Get-AncientObject rows | Should -Be @(1, 2, 3)
    }

    It 'Set-AncientObject and Remove-AncientObject take a lone key too' {
        4, 5 | Set-AncientObject more
        Set-AncientObject single 6
        Get-AncientObject more | Should -Be @(4, 5)
        Get-AncientObject single | Should -Be 6
        Remove-AncientObject more, single
        @(Get-AncientObject -ListAvailable).Key | Should -Be @('rows')
    }

    It 'Set-AncientObject stores a piped object that has a Heap property, into the -Heap given' {
        $other = Mount-AncientHeap -Anonymous
        try {
            # -Heap does not bind by property name: the piped entry (whose Heap is $heap) is the value, stored in $other.
            Get-AncientObject -Heap $heap -ListAvailable | Set-AncientObject -Heap $other -Key entry
            (Get-AncientObject -Heap $other -Key entry).Key | Should -Be 'rows'
            Get-AncientObject -Heap $heap -Key entry -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { Dismount-AncientHeap -Heap $other }
    }
}

Describe 'A list read before Dismount-AncientHeap' {
    BeforeEach {
        $heap = Mount-AncientHeap -Anonymous
        Set-AncientObject -Heap $heap -Key rows -InputObject @(1, 2, 3)
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        Dismount-AncientHeap -Heap $heap
    }

    # PowerShell's own binding of an indexer or a property turns any exception into $null (outside strict mode 3), as
    # for a record's property; every other way of reading the list reports the dismount.
    It 'reports ObjectDisposedException from foreach, the pipeline and .Item() in any mode' {
        { foreach ($row in $rows) { } } | Should -Throw -ExceptionType ([ObjectDisposedException])
        { $rows | ForEach-Object { $_ } } | Should -Throw '*dismounted*'
        { $rows.Item(0) } | Should -Throw '*dismounted*'
        { $rows.get_Count() } | Should -Throw '*dismounted*'
    }

    It 'reads $rows[0] and $rows.Count as $null, as PowerShell reads any failed property or index, and reports $rows[0] under strict mode 3' {
        $rows[0] | Should -BeNullOrEmpty
        $rows.Count | Should -BeNullOrEmpty
        Set-StrictMode -Version 3.0
        { $rows[0] } | Should -Throw -ExceptionType ([ObjectDisposedException])
    }
}

Describe 'The module''s assemblies' {
    It 'the module folder holds no assembly but AncientPS.dll and AncientPS.Engine.dll' {
        $folder = (Get-Module AncientPS).ModuleBase
        $root = if (Test-Path -LiteralPath (Join-Path $folder 'AncientPS/AncientPS.dll')) { Join-Path $folder 'AncientPS' } else { $folder }
        $assemblies = Get-ChildItem -LiteralPath $root -Recurse -File | Where-Object Extension -In '.dll', '.exe', '.so', '.dylib' | ForEach-Object Name
        @($assemblies | Sort-Object) | Should -Be @('AncientPS.dll', 'AncientPS.Engine.dll')
    }
}
