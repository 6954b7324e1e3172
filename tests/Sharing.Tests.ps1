BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
}

Describe 'Sharing a heap' {
    BeforeEach {
        $path = Join-Path $TestDrive "shared-$([guid]::NewGuid()).heap"
        $heap = Mount-AncientHeap -Path $path
        Get-SampleRows 100 | Set-AncientObject -Heap $heap -Key rows
    }
    AfterEach { Dismount-AllHeaps }

    It 'with a second pwsh process, both ways' {
        $output = Invoke-InChildProcess @"
`$h = Mount-AncientHeap -LiteralPath '$path'
`$rows = Get-AncientObject -Heap `$h -Key rows -NoEnumerate
"count=`$(`$rows.Count) last=`$(`$rows[-1].Name)"
Set-AncientObject -Heap `$h -Key fromChild -InputObject ([pscustomobject]@{ Pid = `$PID })
Dismount-AncientHeap `$h
"@
        $output | Should -Contain 'count=100 last=host100'
        (Get-AncientObject -Heap $heap -Key fromChild).Pid | Should -Not -Be $PID
    }

    It 'with ForEach-Object -Parallel runspaces through $using:' {
        $results = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:manifest
            $rows = Get-AncientObject -Heap $using:heap -Key rows -NoEnumerate
            ($rows | Where-Object Up | Measure-Object).Count
        }
        $results | Should -Be @(50, 50, 50, 50)
    }

    It 'with ForEach-Object -Parallel runspaces through the default heap' {
        $results = 1..2 | ForEach-Object -Parallel {
            Import-Module $using:manifest
            (Get-AncientObject -Key rows -NoEnumerate).Count
        }
        $results | Should -Be @(100, 100)
    }

    It 'with Start-ThreadJob -ArgumentList' -Skip:(-not (Get-Command Start-ThreadJob -ErrorAction SilentlyContinue)) {
        $job = Start-ThreadJob -ScriptBlock {
            param($Manifest, $Heap)
            Import-Module $Manifest
            Set-AncientObject -Heap $Heap -Key fromJob -InputObject 'written in a thread job'
            (Get-AncientObject -Heap $Heap -Key rows -NoEnumerate)[0].Name
        } -ArgumentList $manifest, $heap
        $job | Wait-Job -Timeout 60 | Receive-Job | Should -Be 'host1'
        $job | Remove-Job
        Get-AncientObject -Heap $heap -Key fromJob | Should -Be 'written in a thread job'
    }

    It 'with records read in one runspace and used in another' {
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $names = 1..2 | ForEach-Object -Parallel {
            Import-Module $using:manifest
            ($using:rows)[$_].Name
        }
        # ForEach-Object -Parallel writes in the order the runspaces finish.
        $names | Sort-Object | Should -Be @('host2', 'host3')
    }

    It 'with Start-Job: the heap passed as an argument mounts the same file in the job, and stored records arrive as the originals would' {
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $original = @(Get-SampleRows 100)
        $job = Start-Job -ArgumentList $manifest, $heap, $rows[0], $original[0] -ScriptBlock {
            param($manifest, $passedHeap, $storedRow, $originalRow)
            Import-Module $manifest
            (Get-AncientObject -Heap $passedHeap -Key rows -NoEnumerate)[99].Name
            ($storedRow | ConvertTo-Json -Compress) -ceq ($originalRow | ConvertTo-Json -Compress)
            $storedRow.PSTypeNames -join ','
            $originalRow.PSTypeNames -join ','
        }
        $out = @($job | Wait-Job | Receive-Job)
        $job | Remove-Job
        $out[0] | Should -Be 'host100'
        $out[1] | Should -BeTrue
        $out[2] | Should -Be $out[3]
    }

    It 'with Start-Job: entries from -ListAvailable carry their heap, and piped into Get-AncientObject or Remove-AncientObject there mount its file' {
        Set-AncientObject -Heap $heap -Key scratch -InputObject 'to be removed'
        $entries = @(Get-AncientObject -Heap $heap -ListAvailable)
        $anonymous = Mount-AncientHeap -Anonymous
        Set-AncientObject -Heap $anonymous -Key lost -InputObject 'stays here'
        $anonymousEntry = Get-AncientObject -Heap $anonymous -ListAvailable
        $job = Start-Job -ArgumentList $manifest, $entries, $anonymousEntry -ScriptBlock {
            param($manifest, $entries, $anonymousEntry)
            Import-Module $manifest
            "heaps=$(@(Get-AncientHeap).Count)"
            "rows=$(@($entries | Where-Object Key -EQ rows | Get-AncientObject).Count)"
            "heaps=$(@(Get-AncientHeap).Count)"
            $entries | Where-Object Key -EQ scratch | Remove-AncientObject
            # With a heap of the job's own mounted, an entry whose heap cannot cross is an error, not a read of that heap.
            $own = Mount-AncientHeap -Anonymous
            Set-AncientObject -Heap $own -Key lost -InputObject 'the job''s own'
            try { $anonymousEntry | Get-AncientObject -ErrorAction Stop; 'no error' } catch { "id=$($_.FullyQualifiedErrorId)"; "category=$($_.CategoryInfo.Category)"; "message=$_" }
        }
        $out = @($job | Wait-Job | Receive-Job)
        $job | Remove-Job
        $out[0..2] | Should -Be @('heaps=0', 'rows=100', 'heaps=1')
        @(Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Not -Contain scratch
        $out | Should -Contain 'id=HeapCannotCross,AncientPS.Commands.GetAncientObjectCommand'
        $out | Should -Contain 'category=InvalidArgument'
        ($out | Where-Object { $_ -like 'message=*' }) | Should -BeLike '*anonymous heap*Mount a heap file*'
    }

    It 'with Start-Job: an anonymous heap cannot cross, and the error says what to do' {
        $anonymous = Mount-AncientHeap -Anonymous
        $job = Start-Job -ArgumentList $manifest, $anonymous -ScriptBlock {
            param($manifest, $passedHeap)
            Import-Module $manifest
            try { Get-AncientObject -Heap $passedHeap -ListAvailable -ErrorAction Stop; 'no error' } catch { "$_" }
        }
        $message = "$(@($job | Wait-Job | Receive-Job))"
        $job | Remove-Job
        $message | Should -BeLike '*anonymous heap*Mount a heap file*'
    }
}
