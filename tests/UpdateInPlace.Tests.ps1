# Set-AncientObject -Index / -Entry and Remove-AncientObject -Entry: one element of a stored list or one entry of a
# stored dictionary changed in place (issue 18); errors from the catalogue; snapshots; a pwsh killed while updating.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
    function Get-Sum([string] $Body) { [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Body))) }
}

Describe 'Updating part of a stored value in place' {
    BeforeEach {
        $path = Join-Path $TestDrive "update-$([guid]::NewGuid()).heap"
        $heap = Mount-AncientHeap -LiteralPath $path
    }
    AfterEach { Dismount-AllHeaps }

    It 'replaces one element of a stored list, by index from the start or the end, and keeps the rest' {
        Set-AncientObject -Heap $heap -Key rows -InputObject @(Get-SampleRows 100)
        $before = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        Set-AncientObject -Heap $heap -Key rows -Index 5 -InputObject ([pscustomobject]@{ Id = 6; Name = 'changed'; Cpu = 9.5; Up = $true; Tags = @('z') })
        $last = Set-AncientObject -Heap $heap -Key rows -Index -1 -InputObject 'tail' -PassThru
        $last | Should -Be 'tail'
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $rows.Count | Should -Be 100
        $rows[5].Name | Should -Be 'changed'
        $rows[5].Tags | Should -Be @('z')
        $rows[4].Name | Should -Be 'host5'
        $rows[99] | Should -Be 'tail'
        # A value read before the update keeps its version.
        $before[5].Name | Should -Be 'host6'
        $before[99].Name | Should -Be 'host100'
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'replaces an element of a list stored narrow (format 1.2: small payloads) with any value, the others unchanged' {
        $original = @(1, 'a', $true, 300, 'bb', [char]'x')
        Set-AncientObject -Heap $heap -Key small -InputObject $original
        Set-AncientObject -Heap $heap -Key small -Index 1 -InputObject ([pscustomobject]@{ Wide = [long]::MaxValue; Text = 'a longer string than fits' })
        Set-AncientObject -Heap $heap -Key small -Index -1 -InputObject ([long]::MinValue)
        $rows = Get-AncientObject -Heap $heap -Key small -NoEnumerate
        $rows[1].Wide | Should -Be ([long]::MaxValue)
        $rows[1].Text | Should -BeExactly 'a longer string than fits'
        $rows[5] | Should -Be ([long]::MinValue)
        foreach ($i in 0, 2, 3, 4) { $rows[$i] | Should -Be $original[$i] -Because "element $i was not replaced" }
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'adds, replaces and removes entries of a stored hashtable, keeping its case-insensitive keys' {
        Set-AncientObject -Heap $heap -Key status -InputObject @{ web01 = 'up'; web02 = 'up' }
        $before = Get-AncientObject -Heap $heap -Key status
        Set-AncientObject -Heap $heap -Key status -Entry WEB02 -InputObject 'down'
        Set-AncientObject -Heap $heap -Key status -Entry web03 -InputObject ([pscustomobject]@{ State = 'new' })
        Remove-AncientObject -Heap $heap -Key status -Entry web01
        $status = Get-AncientObject -Heap $heap -Key status
        $status.Count | Should -Be 2
        $status['web02'] | Should -Be 'down'
        $status.web03.State | Should -Be 'new'
        $status.ContainsKey('web01') | Should -BeFalse
        $before.web01 | Should -Be 'up'
        $before.web02 | Should -Be 'up'
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'starts from an empty hashtable and an ordered dictionary keeps its order' {
        Set-AncientObject -Heap $heap -Key empty -InputObject @{}
        Set-AncientObject -Heap $heap -Key empty -Entry a -InputObject 1
        (Get-AncientObject -Heap $heap -Key empty).a | Should -Be 1
        Set-AncientObject -Heap $heap -Key ordered -InputObject ([ordered]@{ one = 1; two = 2; three = 3 })
        Remove-AncientObject -Heap $heap -Key ordered -Entry two
        Set-AncientObject -Heap $heap -Key ordered -Entry four -InputObject 4
        @((Get-AncientObject -Heap $heap -Key ordered).Keys) | Should -Be @('one', 'three', 'four')
    }

    It 'reports <Case> with the catalogue id <Id> and category <Category>, and changes nothing' -ForEach @(
        @{ Case = 'an index past the end'; Id = 'IndexOutOfRange'; Category = 'InvalidArgument'; Script = { Set-AncientObject -Heap $heap -Key rows -Index 3 -InputObject 0 } }
        @{ Case = 'a negative index before the start'; Id = 'IndexOutOfRange'; Category = 'InvalidArgument'; Script = { Set-AncientObject -Heap $heap -Key rows -Index -4 -InputObject 0 } }
        @{ Case = 'a missing key'; Id = 'KeyNotFound'; Category = 'ObjectNotFound'; Script = { Set-AncientObject -Heap $heap -Key missing -Index 0 -InputObject 0 } }
        @{ Case = '-Index on a dictionary'; Id = 'NotAList'; Category = 'InvalidType'; Script = { Set-AncientObject -Heap $heap -Key map -Index 0 -InputObject 0 } }
        @{ Case = '-Entry on a list'; Id = 'NotADictionary'; Category = 'InvalidType'; Script = { Set-AncientObject -Heap $heap -Key rows -Entry a -InputObject 0 } }
        @{ Case = 'text into a packed [int[]]'; Id = 'PackedElementType'; Category = 'InvalidType'; Script = { Set-AncientObject -Heap $heap -Key packed -Index 0 -InputObject 'text' } }
        @{ Case = 'a fraction into a packed [int[]]'; Id = 'PackedElementType'; Category = 'InvalidType'; Script = { Set-AncientObject -Heap $heap -Key packed -Index 0 -InputObject 2.5 } }
        @{ Case = '-Index with -Entry'; Id = 'IndexAndEntry'; Category = 'InvalidArgument'; Script = { Set-AncientObject -Heap $heap -Key rows -Index 0 -Entry a -InputObject 0 } }
        @{ Case = 'a secret as the new element'; Id = 'UnsupportedType'; Category = 'InvalidType'; Script = { Set-AncientObject -Heap $heap -Key rows -Index 0 -InputObject (ConvertTo-SecureString 'x' -AsPlainText -Force) } }
        @{ Case = 'removing an entry that is not there'; Id = 'EntryNotFound'; Category = 'ObjectNotFound'; Script = { Remove-AncientObject -Heap $heap -Key map -Entry nothere } }
    ) {
        Set-AncientObject -Heap $heap -Key rows -InputObject @(1, 2, 3)
        Set-AncientObject -Heap $heap -Key map -InputObject @{ a = 1 }
        Set-AncientObject -Heap $heap -Key packed -InputObject ([int[]](1, 2, 3))
        $transaction = $heap.GetStatistics().TransactionId
        $record = $null
        try { & $Script -ErrorAction Stop } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($record.CategoryInfo.Category)" | Should -Be $Category
        $record.Exception.Message | Should -Not -BeNullOrEmpty
        $heap.GetStatistics().TransactionId | Should -Be $transaction
        @(Get-AncientObject -Heap $heap -Key rows) | Should -Be @(1, 2, 3)
        (Get-AncientObject -Heap $heap -Key map).a | Should -Be 1
    }

    It 'replaces an element of a packed [int[]] and [double[]], converting a number that fits' {
        Set-AncientObject -Heap $heap -Key ints -InputObject ([int[]](1, 2, 3))
        Set-AncientObject -Heap $heap -Key ints -Index 1 -InputObject 20
        Set-AncientObject -Heap $heap -Key ints -Index -1 -InputObject ([long] 30)
        $ints = Get-AncientObject -Heap $heap -Key ints -NoEnumerate
        $ints[1].GetType() | Should -Be ([int])
        $ints | Should -Be @(1, 20, 30)
        Set-AncientObject -Heap $heap -Key doubles -InputObject ([double[]](0.5, 1.5))
        Set-AncientObject -Heap $heap -Key doubles -Index 0 -InputObject 7
        (Get-AncientObject -Heap $heap -Key doubles -NoEnumerate) | Should -Be @(7.0, 1.5)
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'refuses an update on a read-only mount with HeapReadOnly' {
        Set-AncientObject -Heap $heap -Key rows -InputObject @(1, 2, 3)
        Dismount-AncientHeap -Heap $heap
        $readOnly = Mount-AncientHeap -LiteralPath $path -ReadOnly
        { Set-AncientObject -Heap $readOnly -Key rows -Index 0 -InputObject 9 -ErrorAction Stop } | Should -Throw -ErrorId 'HeapReadOnly,*'
        { Remove-AncientObject -Heap $readOnly -Key rows -Entry 0 -ErrorAction Stop } | Should -Throw -ErrorId 'HeapReadOnly,*'
        @(Get-AncientObject -Heap $readOnly -Key rows) | Should -Be @(1, 2, 3)
    }

    It 'shows what an update would do with -WhatIf, and does not do it' {
        Set-AncientObject -Heap $heap -Key rows -InputObject @(1, 2, 3)
        $transaction = $heap.GetStatistics().TransactionId
        $null = Invoke-WithoutHost {
            param($h)
            Set-AncientObject -Heap $h -Key rows -Index 1 -InputObject 9 -WhatIf
            Remove-AncientObject -Heap $h -Key rows -Entry x -WhatIf
        } -ArgumentList @($heap)
        $heap.GetStatistics().TransactionId | Should -Be $transaction
    }

    It 'keeps the file bounded under many updates of one row' {
        Set-AncientObject -Heap $heap -Key rows -InputObject @(Get-SampleRows 200)
        foreach ($i in 1..600) {
            Set-AncientObject -Heap $heap -Key rows -Index ($i % 200) -InputObject ([pscustomobject]@{ Id = $i; Name = 'n' * ($i % 97); Tags = @($i) })
        }
        (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[1].Id | Should -Be 401
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $heap.Used | Should -BeLessThan 1MB
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }
}

Describe 'A pwsh killed while it updates rows in place' {
    AfterEach { Dismount-AllHeaps }

    It 'leaves every row whole, at the version reported or the one in flight, and the heap checks clean' {
        $path = Join-Path $TestDrive "killed-update-$([guid]::NewGuid()).heap"
        $heap = Mount-AncientHeap -LiteralPath $path
        $rows = foreach ($i in 0..19) { $body = "r$i/0/"; [pscustomobject]@{ Row = $i; Version = 0; Body = $body; Sum = Get-Sum $body } }
        Set-AncientObject -Heap $heap -Key rows -InputObject $rows
        Dismount-AncientHeap -Heap $heap
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
`$h = Mount-AncientHeap -LiteralPath '$path'
for (`$v = 1; ; `$v++) {
    `$row = `$v % 20
    `$body = "r`$row/`$v/" + ('x' * (`$v % 2000))
    Set-AncientObject -Heap `$h -Key rows -Index `$row -InputObject ([pscustomobject]@{ Row = `$row; Version = `$v; Body = `$body; Sum = [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes(`$body))) })
    [Console]::Out.WriteLine("committed `$row `$v"); [Console]::Out.Flush()
}
"@
        # 60 updates (enough for the garbage to force a compaction or two), then kill -9 mid-update.
        $lines = Invoke-KilledWriter -Script $script -Commits 60

        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
        $heap = Mount-AncientHeap -LiteralPath $path
        $last = @{}
        foreach ($line in $lines) { $null, $row, $version = $line -split ' '; $last[[int] $row] = [int] $version }
        $stored = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $stored.Count | Should -Be 20
        for ($i = 0; $i -lt 20; $i++) {
            $value = $stored[$i]
            $value.Row | Should -Be $i
            Get-Sum $value.Body | Should -Be $value.Sum
            if ($last.ContainsKey($i)) {
                # Every update that returned is there; the one in flight may have committed unreported (the next version of its row is 20 on).
                $value.Version | Should -BeIn @($last[$i], ($last[$i] + 20))
            }
        }
        # The dead writer's lock went with it.
        Set-AncientObject -Heap $heap -Key rows -Index 0 -InputObject 'after'
        (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[0] | Should -Be 'after'
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }
}
