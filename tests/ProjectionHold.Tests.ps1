BeforeDiscovery {
    $Modes = @(@{ Internal = $true; Way = 'its own member count' }, @{ Internal = $false; Way = 'the public way' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # A list (or dictionary) read from a heap holds a record its first enumeration handed out (foreach, the pipeline,
    # member enumeration, Where-Object ...) only while the script holds it, unless the script changed it (Add-Member,
    # PSTypeNames) while it had it in hand; a record read by index or key, or met by a later pass over the same list, is
    # held as long as the list. Telling a changed
    # record reads PowerShell's internal member table (PropertyBagReader.MayHaveChanged); with the shortcut off (the
    # public way, what a PowerShell without those members gets), a list holds every record it hands out, as before.
    $script:Reader = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.PropertyBagReader', $true)
    $script:UseInternal = $script:Reader.GetProperty('UseInternalMembers', [Reflection.BindingFlags]'NonPublic,Static')

    function Use-Way([bool] $Internal, [scriptblock] $Script) {
        $script:UseInternal.SetValue($null, $Internal)
        try { & $Script }
        finally { $script:UseInternal.SetValue($null, $true) }
    }

    function Invoke-FullCollection { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect() }

    function New-Rows([int] $Count) {
        foreach ($i in 1..$Count) { [pscustomobject]@{ Id = $i; Name = "host$i"; Up = ($i % 2 -eq 0) } }
    }

    # The same script over the original rows and over the stored ones: what it shows must match.
    function Invoke-OnBoth([scriptblock] $Script, [int] $Count = 3000) {
        $original = @(New-Rows $Count)
        Set-AncientObject -Heap $heap -Key rows -InputObject (New-Rows $Count)
        $stored = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        [pscustomobject]@{ Original = & $Script $original; Stored = & $Script $stored }
    }
}

Describe 'Records a stored list hands out, changed or held by a script (<Way>)' -ForEach $Modes {
    BeforeEach { $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "hold-$([guid]::NewGuid()).heap") }
    AfterEach { Dismount-AncientHeap -Heap $heap }

    It 'keeps a member Add-Member gave a record in a foreach loop, found again by index and by enumeration' {
        Use-Way $Internal {
            $seen = Invoke-OnBoth {
                param($rows)
                foreach ($r in $rows) { if ($r.Id % 500 -eq 7) { $r | Add-Member -NotePropertyName Seen -NotePropertyValue "loop $($r.Id)" } }
                Invoke-FullCollection
                $rows[6].Seen
                $rows[1006].Seen
                ($rows | Where-Object Seen | ForEach-Object { '{0}={1}' -f $_.Id, $_.Seen }) -join ','
                $rows[6] | ConvertTo-Json -Compress
            }
            $seen.Stored | Should -Be $seen.Original
            $seen.Original[0] | Should -Be 'loop 7'
        }
    }

    It 'keeps a member added in the pipeline, on the record a loop stopped at, one replaced with -Force, and type names a loop inserted' {
        Use-Way $Internal {
            $seen = Invoke-OnBoth {
                param($rows)
                $rows | ForEach-Object { if ($_.Id -eq 11) { $_ | Add-Member -NotePropertyName Seen -NotePropertyValue piped } }
                foreach ($r in $rows) { if ($r.Id -eq 13) { $r | Add-Member -NotePropertyName Seen -NotePropertyValue stopped; break } }
                $rows | Select-Object -First 20 | ForEach-Object { if ($_.Id -eq 17) { $_ | Add-Member -NotePropertyName Seen -NotePropertyValue first } }
                foreach ($r in $rows) { if ($r.Id -eq 9) { $r.PSTypeNames.Insert(0, 'AncientPS.Tests.Marked') } }
                foreach ($r in $rows) { if ($r.Id -eq 19) { $r | Add-Member -NotePropertyName Name -NotePropertyValue replaced -Force } }
                Invoke-FullCollection
                $rows[10].Seen; $rows[12].Seen; $rows[16].Seen; $rows[18].Name
                $rows[8].PSTypeNames -join ','
                ($rows | Where-Object { $_.PSTypeNames[0] -eq 'AncientPS.Tests.Marked' }).Id
            }
            $seen.Stored | Should -Be $seen.Original
            $seen.Original[0..3] | Should -Be 'piped', 'stopped', 'first', 'replaced'
        }
    }

    It 'gives back the same object for a record the script still holds, whichever way it is read again' {
        Use-Way $Internal {
            $seen = Invoke-OnBoth {
                param($rows)
                $subset = $rows | Where-Object { $_.Id -in 5, 700, 2999 }
                $groups = $rows | Group-Object Up
                $kept = @{}; foreach ($r in $rows) { if ($r.Id -eq 42) { $kept[$r] = 'mine' } }
                Invoke-FullCollection
                $subset[1] -in $rows
                [object]::ReferenceEquals($subset[1], $rows[699])
                [object]::ReferenceEquals($groups[0].Group[3], ($rows | Where-Object Id -EQ $groups[0].Group[3].Id))
                $kept.ContainsKey($rows[41])
                $rows.IndexOf($subset[2])
                (Compare-Object $subset ($rows | Where-Object { $_.Id -in 5, 700 }) -Property Id | ForEach-Object Id) -join ','
            }
            $seen.Stored | Should -Be $seen.Original
        }
    }

    It 'keeps what a script did to a record of a stored dictionary it enumerated' {
        Use-Way $Internal {
            $map = @{}; foreach ($i in 1..500) { $map["k$i"] = [pscustomobject]@{ Id = $i } }
            Set-AncientObject -Heap $heap -Key map -InputObject $map
            $stored = Get-AncientObject -Heap $heap -Key map
            $stored.GetEnumerator() | ForEach-Object { if ($_.Value.Id -eq 3) { $_.Value | Add-Member -NotePropertyName Seen -NotePropertyValue entry } }
            foreach ($v in $stored.Values) { if ($v.Id -eq 4) { $v | Add-Member -NotePropertyName Seen -NotePropertyValue value } }
            Invoke-FullCollection
            $stored['k3'].Seen | Should -Be 'entry'
            $stored.k4.Seen | Should -Be 'value'
        }
    }

    It 'keeps a member given to a record read by index' {
        Use-Way $Internal {
            Set-AncientObject -Heap $heap -Key rows -InputObject (New-Rows 2000)
            $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
            $rows[1500] | Add-Member -NotePropertyName Seen -NotePropertyValue indexed
            $null = foreach ($r in $rows) { $r.Name }
            Invoke-FullCollection
            $rows[1500].Seen | Should -Be 'indexed'
            ($rows | Where-Object Seen).Id | Should -Be 1501
        }
    }
}

Describe 'What a scan of a stored list keeps alive' {
    BeforeEach { $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "scan-$([guid]::NewGuid()).heap") }
    AfterEach { Dismount-AncientHeap -Heap $heap }

    It 'lets a record the script did not keep go, where the public way keeps every record the list handed out' {
        Set-AncientObject -Heap $heap -Key rows -InputObject (New-Rows 1000)
        foreach ($internal in $true, $false) {
            Use-Way $internal {
                $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
                $weak = $null
                $sum = 0; foreach ($r in $rows) { $sum += $r.Id; if ($r.Id -eq 10) { $weak = [WeakReference]::new($r) } }
                $r = $null
                $read = [WeakReference]::new($rows[20])
                Invoke-FullCollection
                $sum | Should -Be 500500
                $weak.IsAlive | Should -Be (-not $internal) -Because "internal: $internal"
                $read.IsAlive | Should -BeTrue
                $rows[9].Id | Should -Be 10
            }
        }
    }

    It 'lets the records that <Operation> read from a list go' -ForEach @(
        @{ Operation = 'ConvertTo-Json'; Script = { param($rows) ConvertTo-Json -InputObject $rows -Compress } }
        @{ Operation = 'Where-Object'; Script = { param($rows) @($rows | Where-Object Up).Count } }
        @{ Operation = 'member enumeration'; Script = { param($rows) $rows.Name[-1] } }
        @{ Operation = 'Format-Table'; Script = { param($rows) ($rows | Format-Table | Out-String).Length } }
        @{ Operation = 'a search'; Script = { param($rows) $rows.IndexOf(42) } }
    ) {
        Set-AncientObject -Heap $heap -Key rows -InputObject (New-Rows 3000)
        $original = & $Script @(New-Rows 3000)
        $null = & $Script (Get-AncientObject -Heap $heap -Key rows -NoEnumerate) # PowerShell's own first-time costs
        Invoke-FullCollection
        $before = [GC]::GetTotalMemory($true)
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $seen = & $Script $rows
        Invoke-FullCollection
        $afterFirst = [GC]::GetTotalMemory($true)
        # A second pass over the same list holds its records (about 1 KB each): the measure of holding them.
        $again = & $Script $rows
        Invoke-FullCollection
        $afterSecond = [GC]::GetTotalMemory($true)
        $seen | Should -Be $original
        $again | Should -Be $original
        ($afterFirst - $before) | Should -BeLessThan (($afterSecond - $afterFirst) / 4) -Because "the first pass kept $($afterFirst - $before) bytes, the second $($afterSecond - $afterFirst)"
        ($afterSecond - $afterFirst) | Should -BeGreaterThan (3000 * 500)
    }

    It 'holds the records of a list a script goes over again, so that later passes are fast' {
        Set-AncientObject -Heap $heap -Key rows -InputObject (New-Rows 1000)
        $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
        $first = foreach ($r in $rows) { if ($r.Id -eq 300) { [WeakReference]::new($r) } }
        Invoke-FullCollection
        $first.IsAlive | Should -BeFalse
        $second = foreach ($r in $rows) { if ($r.Id -eq 300) { [WeakReference]::new($r) } }
        Invoke-FullCollection
        $second.IsAlive | Should -BeTrue
        [object]::ReferenceEquals($second.Target, ($rows | Where-Object Id -EQ 300)) | Should -BeTrue
    }
}
