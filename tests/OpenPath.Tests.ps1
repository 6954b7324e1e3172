BeforeAll { . (Join-Path $PSScriptRoot 'TestSupport.ps1') }

# Issue 18's open path: Get-AncientObject -Path reads a heap file in one cmdlet call, and a file mounted read-only
# moments ago is taken up again without opening it anew (on Linux), but never in place of a file that changed.
Describe 'Get-AncientObject -Path and -LiteralPath' {
    BeforeAll {
        function New-TestHeap([string] $Name, [object] $Rows = (Get-SampleRows 5)) {
            $path = Join-Path $TestDrive $Name
            $heap = Mount-AncientHeap -LiteralPath $path
            Set-AncientObject -Heap $heap -Key rows -InputObject $Rows
            Set-AncientObject -Heap $heap -Key title -InputObject 'inventory'
            Dismount-AncientHeap -Heap $heap
            $path
        }
        # The heap files this process has open, from /proc (Linux).
        function Get-OpenHeapFile([string] $Path) {
            @(Get-ChildItem -LiteralPath /proc/self/fd -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -eq $Path })
        }
    }
    AfterEach { Dismount-AllHeaps }

    It 'reads a value from a heap file without a mount, and leaves no heap mounted' {
        $path = New-TestHeap 'plain.heap'
        $rows = Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate
        $rows.Count | Should -Be 5
        $rows[-1].Name | Should -Be 'host5'
        Get-AncientObject -LiteralPath $path -Key title | Should -Be 'inventory'
        @(Get-AncientHeap).Count | Should -Be 0
    }

    It 'takes -Path with wildcards, the key by position, and files from the pipeline' {
        $path = New-TestHeap 'wild.heap'
        (Get-AncientObject rows -Path (Join-Path $TestDrive 'wi*.heap') | Select-Object -Last 1).Name | Should -Be 'host5'
        (Get-Item -LiteralPath $path | Get-AncientObject -Key title) | Should -Be 'inventory'
        Push-Location $TestDrive
        try { Get-AncientObject -Path ./wild.heap -Key title | Should -Be 'inventory' }
        finally { Pop-Location }
    }

    It 'reads keys by pattern, enumerates lists, and copies with -Materialize' {
        $path = New-TestHeap 'keys.heap'
        @(Get-AncientObject -LiteralPath $path -Key r*).Count | Should -Be 5
        $copy = Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate -Materialize
        $copy.GetType().FullName | Should -Be 'System.Object[]'
        $copy[0].Name = 'changed'
        $copy[0].Name | Should -Be 'changed'
    }

    It 'keeps the values it wrote readable for as long as they are held' {
        $path = New-TestHeap 'held.heap' (Get-SampleRows 2000)
        $rows = Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate
        $firstTwo = Get-AncientObject -LiteralPath $path -Key rows | Select-Object -First 2
        foreach ($i in 1..3) { [GC]::Collect(); [GC]::WaitForPendingFinalizers() }
        $rows[1999].Name | Should -Be 'host2000'
        $firstTwo[1].Name | Should -Be 'host2'
    }

    It 'lets the file go once nothing read from it is held' -Skip:(-not $IsLinux) {
        $path = New-TestHeap 'released.heap'
        $rows = Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate
        $rows.Count | Should -Be 5
        (Get-OpenHeapFile $path).Count | Should -BeGreaterThan 0
        $rows = $null
        # A read-only mapping stays idle for about 2 s after its last handle goes; waited for, not timed.
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            [GC]::Collect(); [GC]::WaitForPendingFinalizers()
            Start-Sleep -Milliseconds 200
        } while ((Get-OpenHeapFile $path).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline)
        (Get-OpenHeapFile $path).Count | Should -Be 0
    }

    It 'sees what another process wrote after a read-only mount of the same file was dismounted' {
        $path = New-TestHeap 'fresh.heap'
        $heap = Mount-AncientHeap -LiteralPath $path -ReadOnly
        Get-AncientObject -Heap $heap -Key title | Should -Be 'inventory'
        Dismount-AncientHeap -Heap $heap
        $null = Invoke-InChildProcess "`$h = Mount-AncientHeap -LiteralPath '$path'; Set-AncientObject -Heap `$h -Key title -InputObject 'changed'; Dismount-AncientHeap `$h"
        Get-AncientObject -LiteralPath $path -Key title | Should -Be 'changed'
        $heap = Mount-AncientHeap -LiteralPath $path -ReadOnly
        Get-AncientObject -Heap $heap -Key title | Should -Be 'changed'
    }

    It 'reads the new file when the dismounted one was replaced at its path' {
        $path = New-TestHeap 'replaced.heap'
        $other = New-TestHeap 'replacement.heap' (Get-SampleRows 7)
        (Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate).Count | Should -Be 5
        Move-Item -LiteralPath $other -Destination $path -Force
        (Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate).Count | Should -Be 7
    }

    It 'reads a heap written anew in place of the dismounted one' {
        $path = New-TestHeap 'rewritten.heap'
        $other = New-TestHeap 'source.heap' (Get-SampleRows 9)
        $heap = Mount-AncientHeap -LiteralPath $path -ReadOnly
        (Get-AncientObject -Heap $heap -Key rows -NoEnumerate).Count | Should -Be 5
        Dismount-AncientHeap -Heap $heap
        # A dismounted heap leaves the file to others at once (Copy-Item opens it exclusively), though its mapping may idle.
        Copy-Item -LiteralPath $other -Destination $path -Force
        (Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate).Count | Should -Be 9

        # Values read with -Path hold the file until they are collected.
        $third = New-TestHeap 'third.heap' (Get-SampleRows 3)
        $rows = Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate
        $rows = $null
        foreach ($i in 1..3) { [GC]::Collect(); [GC]::WaitForPendingFinalizers() }
        Copy-Item -LiteralPath $third -Destination $path -Force
        (Get-AncientObject -LiteralPath $path -Key rows -NoEnumerate).Count | Should -Be 3
    }

    It 'refuses a missing file, a folder and a file that is not a heap with clear errors' {
        $missing = Join-Path $TestDrive 'missing.heap'
        Get-AncientObject -LiteralPath $missing -Key rows -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike '*does not exist*'
        Test-Path -LiteralPath $missing | Should -BeFalse

        Get-AncientObject -LiteralPath $TestDrive -Key rows -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'

        $text = Join-Path $TestDrive 'notes.txt'
        Set-Content -LiteralPath $text -Value 'not a heap'
        Get-AncientObject -LiteralPath $text -Key rows -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NotAHeap,*'
        Get-Content -LiteralPath $text | Should -Be 'not a heap'
    }

    It 'reports a missing key and reads the others' {
        $path = New-TestHeap 'missing-key.heap'
        $values = @(Get-AncientObject -LiteralPath $path -Key nokey, title -ErrorVariable err -ErrorAction SilentlyContinue)
        $values | Should -Be @('inventory')
        $err[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotFound,*'
        # The way to list the keys it names works as written.
        $err[0].Exception.Message | Should -BeLike "*Get-AncientObject -LiteralPath '$path' -ListAvailable lists its keys.*"
        $listed = @(Get-AncientObject -LiteralPath $path -ListAvailable)
        $listed.Key | Should -Be @('rows', 'title')
    }

    It 'lists the keys of a heap file with -ListAvailable, by pattern, and from the pipeline' {
        $path = New-TestHeap 'listed.heap'
        $mounted = Mount-AncientHeap -LiteralPath $path -ReadOnly
        $expected = @(Get-AncientObject -Heap $mounted -ListAvailable | ForEach-Object { "$($_.Key)|$($_.TypeName)|$($_.StoredSize)" })
        Dismount-AncientHeap -Heap $mounted
        @(Get-AncientObject -Path $path -ListAvailable | ForEach-Object { "$($_.Key)|$($_.TypeName)|$($_.StoredSize)" }) | Should -Be $expected
        (Get-AncientObject -Path $path -ListAvailable -Key t*).Key | Should -Be 'title'
        (Get-AncientObject t* -LiteralPath $path -ListAvailable).Key | Should -Be 'title'
        (Get-Item -LiteralPath $path | Get-AncientObject -ListAvailable).Key | Should -Be @('rows', 'title')
        # An entry read this way reads its value when piped on.
        Get-AncientObject -LiteralPath $path -ListAvailable -Key title | Get-AncientObject | Should -Be 'inventory'
        @(Get-AncientHeap).Count | Should -Be 0
    }

    It 'leaves a heap mounted for writing in this process as it was' {
        $path = New-TestHeap 'shared.heap'
        $heap = Mount-AncientHeap -LiteralPath $path
        Get-AncientObject -LiteralPath $path -Key title | Should -Be 'inventory'
        Set-AncientObject -Heap $heap -Key title -InputObject 'after'
        Get-AncientObject -LiteralPath $path -Key title | Should -Be 'after'
        $heap.IsMounted | Should -BeTrue
    }
}
