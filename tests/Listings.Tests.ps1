# What listings say: -ListAvailable's Written in UTC, marked so, in the table and the list alike; Size counts the key's
# entry, so a small scalar is not 0; Format-List shows each property once; a heap's Size, Used, Count and Pinned come
# from one statistics snapshot per row; a Set that fails or is stopped gives back the space it grew the file by.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    function Get-Shown($InputObject, [string] $Format) {
        $text = $InputObject | & $Format | Out-String -Width 200
        $text -replace "`e\[[0-9;]*m", ''
    }
}

Describe 'Get-AncientObject -ListAvailable entries' {
    BeforeAll {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'listing.heap')
        Set-AncientObject -Heap $heap -Key int -InputObject 7
        Set-AncientObject -Heap $heap -Key flag -InputObject $true
        Set-AncientObject -Heap $heap -Key word -InputObject 'hi'
        Set-AncientObject -Heap $heap -Key rows -InputObject @(1..1000)
        $entries = Get-AncientObject -Heap $heap -ListAvailable
    }
    AfterAll { Dismount-AllHeaps }

    It 'keeps Written as a UTC DateTime' {
        foreach ($entry in $entries) {
            $entry.Written.Kind | Should -Be 'Utc'
            ([datetime]::UtcNow - $entry.Written).TotalMinutes | Should -BeLessThan 10
        }
    }

    It 'shows Written in UTC, marked UTC, in <Format>' -TestCases @(@{ Format = 'Format-Table' }, @{ Format = 'Format-List' }) {
        $text = Get-Shown $entries $Format
        foreach ($entry in $entries) {
            $text | Should -Match ([regex]::Escape($entry.Written.ToString('yyyy-MM-dd HH:mm:ss') + ' UTC'))
        }
    }

    It 'gives small scalars a size: the bytes of their entry' {
        foreach ($entry in $entries) { $entry.StoredSize | Should -BeGreaterThan 0 -Because "'$($entry.Key)' takes space in the heap" }
        $rows = $entries | Where-Object Key -EQ rows
        $int = $entries | Where-Object Key -EQ int
        # 1,000 Int32s up to 1000: a tag and a 2-byte payload each (a narrow list, format 1.2), and the list's header.
        $rows.Size | Should -BeGreaterThan (1000 * 3)
        $rows.Size | Should -BeGreaterThan $int.Size
        $int.Size | Should -Be $int.StoredSize
    }

    It 'shows each property once in Format-List' {
        $text = Get-Shown ($entries | Where-Object Key -EQ int) 'Format-List'
        $labels = @($text -split "`r?`n" | Where-Object { $_ -match '^\s*(\w+)\s*:' } | ForEach-Object { $Matches[1] })
        $labels | Should -Be @('Key', 'Type', 'Size', 'Written', 'Heap')
    }

    It 'still sorts and selects by Type and Size, the table''s names' {
        @($entries | Sort-Object Size -Descending)[0].Key | Should -Be 'rows'
        ($entries | Where-Object Key -EQ word).Type | Should -Be 'System.String'
    }
}

Describe 'A heap''s statistics' {
    BeforeEach { $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "stats-$([guid]::NewGuid().ToString('n').Substring(0, 8)).heap") }
    AfterEach { Dismount-AllHeaps }

    It 'GetStatistics() reads Size, Used, Free, Pinned and Count at once' {
        Set-AncientObject -Heap $heap -Key a -InputObject @(1..100)
        $stats = $heap.GetStatistics()
        $stats.Count | Should -Be 1
        $stats.Size | Should -Be $heap.Size
        $stats.Used | Should -Be $heap.Used
        $stats.Used | Should -BeLessThan $stats.Size
    }

    It 'formats a row from the snapshot its first column takes, whatever is written meanwhile' {
        Set-AncientObject -Heap $heap -Key a -InputObject 1
        $first = $heap.GetRowStatistics($true)
        Set-AncientObject -Heap $heap -Key b -InputObject @(1..10000)
        $later = $heap.GetRowStatistics($false)
        [object]::ReferenceEquals($first, $later) | Should -BeTrue -Because 'the later columns of a row read the row''s snapshot'
        $later.Count | Should -Be 1
        $heap.GetRowStatistics($true).Count | Should -Be 2 -Because 'the next row takes a new snapshot'
    }

    It 'shows the table and the list from one snapshot that matches the heap' {
        Set-AncientObject -Heap $heap -Key a -InputObject @(1..100)
        $stats = $heap.GetStatistics()
        $table = Get-Shown $heap 'Format-Table'
        $table | Should -Match "$([regex]::Escape($heap.Path))\s+$($stats.Size)\s+$($stats.Used)\s+1\s+False"
        $list = Get-Shown $heap 'Format-List'
        foreach ($name in 'Size', 'Used', 'Free', 'Pinned', 'Count') {
            $list | Should -Match "(?m)^$name\s+: $($stats.$name)\s*$"
        }
    }

    It 'hides the format views'' helper from Get-Member' {
        $heap | Get-Member -Name GetRowStatistics | Should -BeNullOrEmpty
        $heap | Get-Member -Name GetStatistics | Should -Not -BeNullOrEmpty
    }
}

Describe 'A Set that fails or is stopped' {
    BeforeEach {
        $path = Join-Path $TestDrive "rollback-$([guid]::NewGuid().ToString('n').Substring(0, 8)).heap"
        $heap = Mount-AncientHeap -Path $path
        Set-AncientObject -Heap $heap -Key keep -InputObject 'kept'
        $before = $heap.Size
    }
    AfterEach { Dismount-AllHeaps }

    It 'gives back the space it grew the file by when it fails' -Skip:($IsWindows -or $PSVersionTable.PSVersion.Major -lt 6) {
        $rows = [object[]](1..100000 | ForEach-Object { [pscustomobject]@{ Id = $_; Name = "row$_" } }) + [securestring]::new()
        Set-AncientObject -Heap $heap -Key big -InputObject $rows -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedType,*'
        $heap.Size | Should -BeLessOrEqual $before
        (Get-Item -LiteralPath $path).Length | Should -BeLessOrEqual $before
        Get-AncientObject -Heap $heap -Key keep | Should -Be 'kept'
        Set-AncientObject -Heap $heap -Key next -InputObject @(1..50000)
        (Get-AncientObject -Heap $heap -Key next -NoEnumerate).Count | Should -Be 50000
    }
    # Stopped with Ctrl+C, the write ends the same way (no commit): the engine's xunit test
    # A_write_cancelled_after_growing_the_file_gives_the_growth_back_at_once cancels it deterministically.
}
