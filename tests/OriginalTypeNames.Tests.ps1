BeforeDiscovery {
    $Modes = @(@{ On = $true; Way = 'named after the original' }, @{ On = $false; Way = 'as bare views (the fallback)' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # A stored list or dictionary is handed out inside a PSObject that carries the original collection's type names
    # (src/AncientPS/Projection/OriginalTypeNames.cs, an internal member of PowerShell's, guarded). Behaviour is tested
    # both ways: with the names (the default) and with the switch off, as on a PowerShell without the member.
    $script:Switch = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.OriginalTypeNames', $true).GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')

    function Use-Names([bool] $On, [scriptblock] $Script) {
        $script:Switch.SetValue($null, $On)
        try { & $Script }
        finally { $script:Switch.SetValue($null, $true) }
    }

    function New-Rows { @(foreach ($i in 1..3) { [pscustomobject]@{ Id = $i; Name = "host$i"; Tags = @('a', "t$i") } }) }

    # What a script does with a list: one text for the comparison. $x is the list, reached one way or another.
    function Show-ListUse($x) {
        @(
            $x.Count, $x.Length, $x[1].Name, ($x[0..1].Name -join ','), ($x.Name -join ','), ($x.Tags -join ','),
            ($x.Where({ $_.Id -gt 1 }).Name -join ','), ($x.ForEach('Name') -join ','), $x.IndexOf($x[2]),
            (@($x | Sort-Object Id -Descending).Name -join ','), ($x[0].Tags -contains 't1'), "$($x[0].Tags)",
            ($x[0].Tags -join '+'), ($x | Measure-Object Id -Sum).Sum, (ConvertTo-Json -InputObject $x -Compress -Depth 3),
            @(foreach ($row in $x) { $row.Id }).Count, (($x | Group-Object Tags | ForEach-Object Name) -join ';'),
            ((Write-Host $x[0].Tags 6>&1) -join ''), (($x | Select-Object Tags -Unique).Count), ($x[0].Tags | Out-String)
        ) -join '|'
    }
}

Describe 'A stored list or dictionary, <Way>' -ForEach $Modes {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Anonymous
        $rows = New-Rows
        Set-AncientObject -Heap $heap -Key rows -InputObject $rows
        Set-AncientObject -Heap $heap -Key parent -InputObject ([pscustomobject]@{ Before = 1; Items = $rows })
        Set-AncientObject -Heap $heap -Key outer -InputObject @(, $rows)
    }
    AfterAll { Dismount-AncientHeap -Heap $heap }

    It 'is used as the original list is: read -NoEnumerate, as a property and as an element' {
        Use-Names $On {
            $expected = Show-ListUse (New-Rows)
            Show-ListUse (Get-AncientObject -Heap $heap rows -NoEnumerate) | Should -Be $expected
            Show-ListUse (Get-AncientObject -Heap $heap parent).Items | Should -Be $expected
            Show-ListUse (Get-AncientObject -Heap $heap outer -NoEnumerate)[0] | Should -Be $expected
            @(Get-AncientObject -Heap $heap rows).Count | Should -Be 3
        }
    }

    It 'stays read-only, with the module''s error' {
        Use-Names $On {
            $list = (Get-AncientObject -Heap $heap parent).Items
            { $list[0] = 1 } | Should -Throw '*read-only*'
            { $list.Add(1) } | Should -Throw '*read-only*'
            { $list[0].Tags[0] = 'x' } | Should -Throw '*read-only*'
        }
    }

    It 'is still a value read from the heap: Test-AncientObject, IsAncient, and storing it again' {
        Use-Names $On {
            $list = (Get-AncientObject -Heap $heap parent).Items
            Test-AncientObject $list | Should -BeTrue
            [AncientPS.Engine.MappedHeap]::IsAncient($list) | Should -BeTrue
            [AncientPS.Engine.MappedHeap]::IsAncient($list[0].Tags) | Should -BeTrue
            Set-AncientObject -Heap $heap -Key again -InputObject $list
            (Get-AncientObject -Heap $heap again -NoEnumerate).Name -join ',' | Should -Be 'host1,host2,host3'
        }
    }
}

Describe 'A stored collection carries the original''s type names' {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Anonymous
        $ints = [System.Collections.Generic.List[int]]::new(); $ints.Add(3); $ints.Add(1)
        $dictionary = [System.Collections.Generic.Dictionary[string, int]]::new(); $dictionary['one'] = 70001  # not a small integer: PowerShell and the module share those boxes, which other tests may have marked
        # Generic collections whose arguments live in another assembly than the collection (PowerShell's PSObject): the
        # most common list in scripts, and what Group-Object -AsHashTable holds.
        $psobjects = [System.Collections.Generic.List[psobject]]::new(); $psobjects.Add('x'); $psobjects.Add('y')
        $byName = [System.Collections.Generic.Dictionary[string, psobject]]::new(); $byName['a'] = 'b'
        $nested = [System.Collections.Generic.List[System.Collections.Generic.List[psobject]]]::new(); $nested.Add($psobjects)
        $script:originals = [ordered]@{
            array      = @('a', 'b')
            typed      = [int[]](4, 5)
            list       = $ints
            hashtable  = @{ k = 'v' }
            ordered    = [ordered]@{ z = 'last'; a = 'first' }
            dictionary = $dictionary
            psobjects  = $psobjects
            byName     = $byName
            nested     = $nested
            group      = ('p', 'q', 'p' | Group-Object -AsHashTable)['p']
        }
        foreach ($name in $originals.Keys) {
            Set-AncientObject -Heap $heap -Key $name -InputObject $originals[$name]
            Set-AncientObject -Heap $heap -Key "$name.parent" -InputObject ([pscustomobject]@{ Value = $originals[$name] })
            Set-AncientObject -Heap $heap -Key "$name.list" -InputObject @(, $originals[$name])
        }
        function Get-Ways([string] $Name) {
            , (Get-AncientObject -Heap $heap $Name -NoEnumerate)
            , (Get-AncientObject -Heap $heap "$Name.parent").Value
            , (Get-AncientObject -Heap $heap "$Name.list" -NoEnumerate)[0]
        }
    }
    AfterAll { Dismount-AncientHeap -Heap $heap }

    It 'in PSTypeNames, read every way (<_>)' -ForEach @('array', 'typed', 'list', 'hashtable', 'ordered', 'dictionary', 'psobjects', 'byName', 'nested', 'group') {
        $expected = $originals[$_].PSTypeNames -join ','
        foreach ($stored in Get-Ways $_) { $stored.PSTypeNames -join ',' | Should -Be $expected }
    }

    It 'in the serializer''s text, also when passed to it as a .NET argument (<_>)' -ForEach @('array', 'typed', 'hashtable', 'ordered', 'dictionary', 'psobjects', 'byName', 'group') {
        $expected = [System.Management.Automation.PSSerializer]::Serialize($originals[$_])
        foreach ($stored in Get-Ways $_) { [System.Management.Automation.PSSerializer]::Serialize($stored) | Should -Be $expected }
    }

    It 'across Start-Job: the job gets the original''s deserialized type names' {
        $names = @('array', 'list', 'hashtable', 'ordered', 'dictionary')
        $values = @(foreach ($name in $names) { , $originals[$name]; , (Get-AncientObject -Heap $heap "$name.parent").Value })
        $seen = Start-Job { foreach ($v in $args) { $v.PSTypeNames -join ',' } } -ArgumentList $values | Receive-Job -Wait -AutoRemoveJob
        $seen.Count | Should -Be $values.Count
        for ($i = 0; $i -lt $seen.Count; $i += 2) { $seen[$i + 1] | Should -Be $seen[$i] -Because $names[$i / 2] }
    }

    It 'in a bare collection''s text where PowerShell calls ToString: Get-Member, a hashtable entry (string.Format), CSV' {
        $original = [pscustomobject]@{ Tags = @('a', 'b'); Map = @{ inner = @(1, 2) } }
        # Write-Host and Group-Object ask the value itself whether it is a collection: the wrapper is one.
        Set-AncientObject -Heap $heap -Key text -InputObject $original
        $stored = Get-AncientObject -Heap $heap text
        ($stored | Get-Member Tags).Definition | Should -Be ($original | Get-Member Tags).Definition
        @($stored.Map.GetEnumerator())[0].ToString() | Should -Be @($original.Map.GetEnumerator())[0].ToString()
        "$($stored.Tags)" | Should -Be "$($original.Tags)"
        ($stored | ConvertTo-Csv) | Should -Be ($original | ConvertTo-Csv)
        (Write-Host $stored.Map 6>&1) -join '' | Should -Be ((Write-Host $original.Map 6>&1) -join '')
        ($stored | Group-Object Map).Name | Should -Be ($original | Group-Object Map).Name
    }

    It 'as the bare view where the names cannot be given (the switch off)' {
        Use-Names $false {
            $list = (Get-AncientObject -Heap $heap 'array.parent').Value
            $list.PSTypeNames[0] | Should -Be 'AncientPS.Engine.AncientArray'
            # A stored hashtable is a Hashtable of the module's: named by its class, a Hashtable's names after it.
            $table = (Get-AncientObject -Heap $heap 'hashtable.parent').Value
            $table.PSTypeNames[0] | Should -Be 'AncientPS.Projection.StoredHashtable'
            $table.PSTypeNames[1] | Should -Be 'System.Collections.Hashtable'
            $table -is [hashtable] | Should -BeTrue
        }
    }
}
