# What a value read before Dismount-AncientHeap says when touched: the heap's path, that Get-AncientObject must be
# called again after mounting (values read before stay dead), and no "Object name: 'AncientHeap'." tail.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    function Get-ThrownMessage([scriptblock] $Script) {
        try { & $Script; $null } catch { "$($_.Exception.Message)" }
    }
}

Describe 'Errors after a dismount' {
    BeforeEach {
        $path = Join-Path $TestDrive "gone-$([guid]::NewGuid().ToString('n').Substring(0, 8)).heap"
        $heap = Mount-AncientHeap -Path $path
        Set-AncientObject -Heap $heap -Key rows -InputObject @([pscustomobject]@{ Name = 'a' }, [pscustomobject]@{ Name = 'b' })
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        Dismount-AncientHeap -Heap $heap
    }
    AfterEach { Dismount-AllHeaps }

    It 'names the path and says to call Get-AncientObject again: <Name>' -TestCases @(
        @{ Name = 'a list''s method'; Script = { $rows.IndexOf($null) } }
        @{ Name = 'foreach'; Script = { foreach ($r in $rows) { } } }
        @{ Name = 'the pipeline'; Script = { $rows | ForEach-Object { $_ } } }
    ) {
        $message = Get-ThrownMessage $Script
        $message | Should -Not -BeNullOrEmpty
        $message | Should -BeLike "*'$path'*"
        $message | Should -BeLike '*Get-AncientObject again*Mount-AncientHeap*'
        $message | Should -Not -BeLike '*Object name*'
        $message | Should -Not -BeLike '*..*'
    }

    It 'is an ObjectDisposedException that carries the path' {
        try { foreach ($r in $rows) { }; throw 'no error' }
        catch {
            $exception = $_.Exception
            while ($exception -and $exception -isnot [ObjectDisposedException]) { $exception = $exception.InnerException }
            $exception | Should -BeOfType ([AncientPS.Engine.AncientHeapDismountedException])
            $exception.Path | Should -Be $path
        }
    }

    It 'names the path in the HeapNotMounted error of a cmdlet given the dismounted heap' {
        $err = $null
        try { Get-AncientObject -Heap $heap -Key rows } catch { $err = @($_) }
        $err[0].FullyQualifiedErrorId | Should -BeLike 'HeapNotMounted,*'
        "$($err[0])" | Should -BeLike "*'$path'*Mount-AncientHeap*Get-AncientObject again*"
        "$($err[0])" | Should -Not -BeLike '*..*'
    }

    It 'reading again after mounting again works' {
        $heap = Mount-AncientHeap -Path $path
        (Get-AncientObject -Heap $heap -Key rows -NoEnumerate).Count | Should -Be 2
        { foreach ($r in $rows) { } } | Should -Throw '*dismounted*'
    }

    It 'says an anonymous heap''s values are gone, and how to keep them' {
        $anonymous = Mount-AncientHeap -Anonymous
        Set-AncientObject -Heap $anonymous -Key rows -InputObject @(1, 2, 3)
        $list = Get-AncientObject -Heap $anonymous -Key rows -NoEnumerate
        Dismount-AncientHeap -Heap $anonymous
        $message = Get-ThrownMessage { foreach ($x in $list) { } }
        $message | Should -BeLike '*anonymous heap*dismounted*-Materialize*'
        $message | Should -Not -BeLike '*Object name*'
    }
}

# Issue 18: a Fast heap is left to the page cache at dismount, as at every commit (no fsync); a Flushed heap is forced
# to disk. The count of disk flushes is the engine's own (FileHeapMemory.FlushCount), read through reflection.
Describe 'Disk flushes at dismount' {
    BeforeAll {
        function Get-FlushCounter($heap) {
            $flags = [Reflection.BindingFlags]'Instance, NonPublic, Public'
            $engine = $heap.GetType().GetProperty('Engine', $flags).GetValue($heap)
            $core = $engine.GetType().GetProperty('Core', $flags).GetValue($engine)
            $memory = $core.GetType().GetProperty('Memory', $flags).GetValue($core)
            $property = $memory.GetType().GetProperty('FlushCount', $flags)
            { $property.GetValue($memory) }.GetNewClosure()
        }
        $rows = @(foreach ($i in 1..2000) { [pscustomobject]@{ Id = $i; Name = "host$i" } })
    }
    AfterEach { Dismount-AllHeaps }

    It 'does not flush a Fast heap after a Set, and the rows are there on the next mount' {
        $path = Join-Path $TestDrive 'fast.heap'
        $heap = Mount-AncientHeap -Path $path
        $flushes = Get-FlushCounter $heap
        $before = & $flushes
        Set-AncientObject -Heap $heap -Key rows -InputObject $rows
        Dismount-AncientHeap -Heap $heap
        & $flushes | Should -Be $before
        $heap = Mount-AncientHeap -Path $path -ReadOnly
        (Get-AncientObject -Heap $heap -Key rows -NoEnumerate)[1999].Name | Should -Be 'host2000'
        Dismount-AncientHeap -Heap $heap
        Test-AncientHeap -LiteralPath $path -Quiet | Should -BeTrue
    }

    It 'flushes a Flushed heap at dismount' {
        $path = Join-Path $TestDrive 'flushed.heap'
        $heap = Mount-AncientHeap -Path $path -Durability Flushed
        $flushes = Get-FlushCounter $heap
        Set-AncientObject -Heap $heap -Key rows -InputObject $rows
        $afterSet = & $flushes
        $afterSet | Should -BeGreaterOrEqual 2 -Because 'a Flushed commit flushes its data, then its meta page'
        Dismount-AncientHeap -Heap $heap
        & $flushes | Should -BeGreaterThan $afterSet
    }
}
