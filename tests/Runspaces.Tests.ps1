BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
}

Describe 'Many runspaces on one heap' {
    BeforeEach {
        $path = Join-Path $TestDrive "runspaces-$([guid]::NewGuid()).heap"
        $heap = Mount-AncientHeap -Path $path
    }
    AfterEach { Dismount-AllHeaps }

    It 'lets 8 parallel runspaces read and write 20 keys, and every value read verifies its own checksum' {
        $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:manifest
            $h = $using:heap
            $random = [Random]::new($_)
            $sha = [Security.Cryptography.SHA256]::Create()
            $writes = 0; $reads = 0; $bad = @()
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while ($clock.Elapsed.TotalSeconds -lt 4) {
                $key = "key$($random.Next(20))"
                if ($random.Next(3) -eq 0) {
                    $body = "runspace $_ write $writes " + ('x' * $random.Next(1, 500))
                    $sum = [Convert]::ToBase64String($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($body)))
                    Set-AncientObject -Heap $h -Key $key -InputObject ([pscustomobject]@{ Body = $body; Sum = $sum })
                    $writes++
                }
                else {
                    $value = Get-AncientObject -Heap $h -Key $key -ErrorAction SilentlyContinue
                    if ($null -ne $value) {
                        $expected = [Convert]::ToBase64String($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($value.Body)))
                        if ($expected -ne $value.Sum) { $bad += "$key has a body that fails its checksum" }
                        $reads++
                    }
                }
            }
            [pscustomobject]@{ Writes = $writes; Reads = $reads; Bad = $bad }
        }
        $results.Count | Should -Be 8
        @($results.Bad) | Where-Object { $_ } | Should -BeNullOrEmpty
        ($results | Measure-Object Writes -Sum).Sum | Should -BeGreaterThan 0
        ($results | Measure-Object Reads -Sum).Sum | Should -BeGreaterThan 0
        (Get-AncientObject -Heap $heap -ListAvailable).Count | Should -BeLessOrEqual 20
    }

    It 'reads record properties correctly in 4 runspaces at once, over rows of two shapes and one list shared by all' {
        $rows = foreach ($i in 1..3000) {
            if ($i % 3) { [pscustomobject]@{ Id = $i; Cpu = $i * 0.5; Name = "host$i" } }
            else { [pscustomobject]@{ Name = "other$i"; Cpu = $i * 2 } }
        }
        Set-AncientObject -Heap $heap -Key rows -InputObject $rows
        $expectedCpu = ($rows | Measure-Object Cpu -Sum).Sum
        $expectedIds = ($rows | Where-Object { $null -ne $_.Id } | Measure-Object Id -Sum).Sum
        $shared = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $results = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:manifest
            $own = Get-AncientObject -Heap $using:heap -Key rows -NoEnumerate
            $sums = foreach ($list in $own, $using:shared) {
                foreach ($pass in 1..5) {
                    $cpu = 0; $ids = 0; $names = 0
                    foreach ($r in $list) { $cpu += $r.Cpu; $ids += $r.Id; if ($r.NAME -like 'host*' -or $r.name -like 'other*') { $names++ } }
                    "$cpu/$ids/$names"
                }
            }
            @($sums | Sort-Object -Unique)
        }
        @($results | Sort-Object -Unique) | Should -Be @("$expectedCpu/$expectedIds/3000")
    }

    It 'fails readers in other runspaces with the documented error when the heap is dismounted under them' {
        1..2000 | ForEach-Object { [pscustomobject]@{ Id = $_; Name = "n$_" } } | Set-AncientObject -Heap $heap -Key rows
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $readers = 1..3 | ForEach-Object {
            Start-ThreadJob -ArgumentList $rows, $manifest -ScriptBlock {
                param($rows, $manifest)
                Import-Module $manifest
                $errors = [Collections.Generic.List[string]]::new()
                $clock = [Diagnostics.Stopwatch]::StartNew()
                while ($clock.Elapsed.TotalSeconds -lt 20) {
                    try {
                        $sum = 0
                        foreach ($row in $rows) { $sum += $row.Id }
                    }
                    catch {
                        $inner = $_.Exception
                        while ($inner.InnerException) { $inner = $inner.InnerException }
                        $errors.Add($inner.GetType().FullName)
                        break
                    }
                }
                , $errors.ToArray()
            }
        }
        Start-Sleep -Milliseconds 500
        Dismount-AncientHeap -Heap $heap
        $outcomes = $readers | Wait-Job -Timeout 60 | Receive-Job
        $readers | Remove-Job -Force
        $outcomes | Should -Not -BeNullOrEmpty
        # ObjectDisposedException, or the AncientHeapDismountedException kind of it that names the heap's path.
        foreach ($outcome in $outcomes | Sort-Object -Unique) {
            $type = [System.AppDomain]::CurrentDomain.GetAssemblies().ForEach({ $_.GetType($outcome) }).Where({ $_ }, 'First')[0]
            $type | Should -Not -BeNullOrEmpty -Because "$outcome is a type"
            [ObjectDisposedException].IsAssignableFrom($type) | Should -BeTrue -Because "$outcome is what a reader got"
        }
    }
}
