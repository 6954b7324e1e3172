# Stored [ordered] and generic dictionaries are ordinary dictionaries to PowerShell (src/AncientPS/Projection/StoredDictionary.cs):
# not dynamic objects, so that PowerShell's property expressions treat them as they treat the originals. Every expectation
# is the original's own output in this process, in three access modes: read -NoEnumerate, as a record's property and as
# a list's element.
BeforeDiscovery {
    $Shapes = @(
        @{ Name = '[ordered]'; Make = { [ordered]@{ zeta = 1; alpha = 'two'; mid = $true } } }
        @{ Name = 'Dictionary[string,int]'; Make = { $d = [System.Collections.Generic.Dictionary[string, int]]::new(); $d['one'] = 1; $d['two'] = 2; $d } }
        @{ Name = 'SortedDictionary[string,object]'; Make = { $d = [System.Collections.Generic.SortedDictionary[string, object]]::new(); $d['b'] = 'x'; $d['a'] = 2; $d } }
        # Generic dictionaries outside System.Collections.Generic: their entries are KeyValuePairs too (Key and Value columns).
        @{ Name = 'ConcurrentDictionary[string,object]'; Make = { $d = [System.Collections.Concurrent.ConcurrentDictionary[string, object]]::new(); $null = $d.TryAdd('b', 'x'); $null = $d.TryAdd('a', 2); $d } }
        @{ Name = 'ReadOnlyDictionary[string,int]'; Make = { $d = [System.Collections.Generic.Dictionary[string, int]]::new(); $d['one'] = 1; [System.Collections.ObjectModel.ReadOnlyDictionary[string, int]]::new($d) } }
    )
    $Modes = @('NoEnumerate', 'Property', 'Element')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:heap = Mount-AncientHeap -Anonymous

    # The stored copy of $Value, reached the way $Mode says.
    function Get-StoredCopy($Value, [string] $Mode) {
        $key = "k$([guid]::NewGuid().ToString('N'))"
        switch ($Mode) {
            'NoEnumerate' { Set-AncientObject -Heap $heap -Key $key -InputObject $Value; , (Get-AncientObject -Heap $heap -Key $key -NoEnumerate) }
            'Property' { Set-AncientObject -Heap $heap -Key $key -InputObject ([pscustomobject]@{ Before = 1; Child = $Value }); , (Get-AncientObject -Heap $heap -Key $key).Child }
            'Element' { Set-AncientObject -Heap $heap -Key $key -InputObject @(, $Value); , (Get-AncientObject -Heap $heap -Key $key -NoEnumerate)[0] }
        }
    }

    # A call's value, or its error's id (a generic Dictionary's Contains takes a KeyValuePair; an [ordered] has no ContainsKey).
    function Get-Outcome([scriptblock] $Call) { try { & $Call } catch { "error $($_.FullyQualifiedErrorId)" } }

    # What scripts do with a dictionary and its keys as property names: one text, compared with the original's.
    function Show-DictionaryUse($d) {
        $names = @(@($d.Keys | Select-Object -First 2 | ForEach-Object { "$_" }) + 'Count')
        @(
            ($d | Select-Object -Property $names | ConvertTo-Json -Compress),
            (($d | Group-Object -Property $names[0] | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ';'),
            ($d | Measure-Object -Property $names[0] -ErrorAction SilentlyContinue).Count,
            ($d | Select-Object -ExpandProperty $names[0] -ErrorAction SilentlyContinue | ConvertTo-Json -Compress),
            ($d | Sort-Object -Property $names[0] | ConvertTo-Json -Compress),
            ($d.($names[0]) | ConvertTo-Json -Compress), $d.Count, (@($d.Keys) -join ','),
            ($d | Format-List | Out-String), ($d | Format-Table | Out-String), ($d | ConvertTo-Csv) -join "`n",
            ($d | Get-Member | ForEach-Object { "$($_.Name) $($_.MemberType) $($_.Definition)" }) -join "`n",
            ($d.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.TypeNameOfValue)" }) -join ',',
            ($d.PSTypeNames -join ','), (Get-Outcome { $d.Contains($names[0]) }), (Get-Outcome { $d.ContainsKey('nothing') })
        ) -join "`n|"
    }
}

AfterAll { Dismount-AllHeaps }

Describe 'A stored <Name> behaves as the original dictionary' -ForEach $Shapes {
    It 'to property expressions, Format-List, CSV and member reads: <_>' -ForEach $Modes {
        $original = & $Make
        $stored = Get-StoredCopy (& $Make) $_
        # Get-Member lists a generic dictionary's own methods (typed ones, TrimExcess...), which one class for every key
        # and value type cannot have; the comparison drops them for the generic shapes.
        $expected = Show-DictionaryUse $original
        $actual = Show-DictionaryUse $stored
        if ($Name -ne '[ordered]') {
            $strip = { param($text) ($text -split "`n" | Where-Object { $_ -notmatch '^\S+ (Method|ParameterizedProperty) ' -and $_ -notmatch '^(Comparer|Capacity) Property' }) -join "`n" -replace '(Keys|Values):[^,]+', '$1' -replace '(Comparer|Capacity):[^,]+,', '' }
            $expected = & $strip $expected
            $actual = & $strip $actual
        }
        $actual | Should -BeExactly $expected
    }
}

Describe 'A stored [ordered] dictionary' {
    BeforeAll {
        $script:original = [ordered]@{ zeta = 1; alpha = 'two'; mid = $true }
        $script:stored = Get-StoredCopy $original 'NoEnumerate'
    }

    It 'gives a value by position, from the start or the end, as OrderedDictionary''s int indexer does' {
        foreach ($i in 0, 1, 2, -1, -3) { $stored[$i] | Should -Be $original[$i] -Because "[$i]" }
        $stored[5] | Should -Be $original[5]
        $stored.Item(1) | Should -Be $original.Item(1)
    }

    It 'reads an int key of a generic dictionary as a key, not a position' {
        $byNumber = [System.Collections.Generic.Dictionary[int, string]]::new(); $byNumber[5] = 'five'; $byNumber[0] = 'zero'
        $copy = Get-StoredCopy $byNumber 'NoEnumerate'
        $copy[0] | Should -Be $byNumber[0]
        $copy[5] | Should -Be $byNumber[5]
        $copy.ContainsKey(5) | Should -Be $byNumber.ContainsKey(5)
        $value = $null
        $copy.TryGetValue(5, [ref] $value) | Should -BeTrue
        $value | Should -Be 'five'
    }

    It 'refuses every change with the read-only error and keeps what is stored: <Name>' -TestCases @(
        @{ Name = 'a key set'; Change = { $stored['zeta'] = 2 } }
        @{ Name = 'a member set'; Change = { $stored.zeta = 2 } }
        @{ Name = 'a position set'; Change = { $stored[0] = 2 } }
        @{ Name = 'Add'; Change = { $stored.Add('new', 1) } }
        @{ Name = 'Insert'; Change = { $stored.Insert(0, 'new', 1) } }
        @{ Name = 'Remove'; Change = { $stored.Remove('zeta') } }
        @{ Name = 'RemoveAt'; Change = { $stored.RemoveAt(0) } }
        @{ Name = 'Clear'; Change = { $stored.Clear() } }
    ) {
        $Change | Should -Throw '*read-only*Materialize*'
        $stored | ConvertTo-Json -Compress | Should -BeExactly ($original | ConvertTo-Json -Compress)
    }

    It 'gives AsReadOnly() as an OrderedDictionary with the same entries, in order, as the original''s' {
        $copy = $stored.AsReadOnly()
        $copy.GetType() | Should -Be $original.AsReadOnly().GetType()
        $copy.IsReadOnly | Should -BeTrue
        @($copy.Keys) | Should -Be @($original.Keys)
        $copy['ZETA'] | Should -Be 1 -Because 'keys compare ignoring case, as in the original'
    }

    It 'crosses into Start-ThreadJob and Start-Job as an OrderedDictionary, in its order' {
        $thread = Start-ThreadJob -ScriptBlock { param($d) ($d.PSTypeNames[0]), (@($d.Keys) -join ','), $d.alpha } -ArgumentList (, $stored) | Wait-Job | Receive-Job
        $thread | Should -Be @('System.Collections.Specialized.OrderedDictionary', (@($original.Keys) -join ','), 'two')
        $job = Start-Job -ScriptBlock { param($d) $d.GetType().FullName, (@($d.Keys) -join ',') } -ArgumentList (, $stored) | Wait-Job -Timeout 120 | Receive-Job
        $job | Should -Be @('System.Collections.Specialized.OrderedDictionary', (@($original.Keys) -join ','))
    }

    It 'is still described and recognised as a stored value' {
        [AncientPS.Engine.MappedHeap]::IsAncient($stored) | Should -BeTrue
        [AncientPS.Engine.AncientValue]::Describe($stored).TypeName | Should -BeExactly 'System.Collections.Specialized.OrderedDictionary'
    }
}

Describe 'Lookups in stored dictionaries' {
    # A member read is Contains(key) then this[key]; the value the first finds is kept for the second (StoredLookup).
    It 'give each key''s own value whatever was looked up before, in this or another dictionary: <Name>' -TestCases @(
        @{ Name = 'hashtable'; Make = { param($v) @{ a = "a$v"; b = "b$v" } } }
        @{ Name = '[ordered]'; Make = { param($v) [ordered]@{ a = "a$v"; b = "b$v" } } }
        @{ Name = 'Dictionary'; Make = { param($v) $d = [System.Collections.Generic.Dictionary[string, string]]::new(); $d['a'] = "a$v"; $d['b'] = "b$v"; $d } }
    ) {
        $one = Get-StoredCopy (& $Make 1) 'NoEnumerate'
        $two = Get-StoredCopy (& $Make 2) 'NoEnumerate'
        $one.Contains('a') | Should -BeTrue
        $one['b'] | Should -Be 'b1'
        $one.Contains('a') | Should -BeTrue
        $two['a'] | Should -Be 'a2'
        $key = 'a'
        $one.Contains($key) | Should -BeTrue
        $one[$key] | Should -Be 'a1'
        $one[$key] | Should -Be 'a1' -Because 'a second read of the same key reads the view again'
        @($one.a, $two.a, $one.b, $two.b) | Should -Be @('a1', 'a2', 'b1', 'b2')
        $one.nothing | Should -BeNullOrEmpty
        $one['a'] | Should -Be 'a1'
    }
}

Describe 'A stored [ordered] or generic dictionary of a dismounted heap' {
    It 'reports the dismount on a member read and a method call, naming the error: <Name>' -TestCases @(
        @{ Name = '[ordered]'; Value = [ordered]@{ a = 1 } }
        @{ Name = 'Dictionary'; Value = & { $d = [System.Collections.Generic.Dictionary[string, int]]::new(); $d['a'] = 1; $d } }
    ) {
        $own = Mount-AncientHeap -Path (Join-Path $TestDrive "gone-$([guid]::NewGuid().ToString('N')).heap")
        Set-AncientObject -Heap $own -Key d -InputObject $Value
        $stored = Get-AncientObject -Heap $own -Key d -NoEnumerate
        $stored.a | Should -Be 1
        Dismount-AncientHeap -Heap $own
        foreach ($read in { $stored.a }, { $stored.Count }, { $stored.Contains('a') }, { foreach ($e in $stored.GetEnumerator()) { } }, { $stored | ConvertTo-Json }) {
            $caught = $null
            try { & $read } catch { $caught = $_ }
            $caught | Should -Not -BeNullOrEmpty -Because "$read"
            $inner = $caught.Exception
            while ($inner -and $inner -isnot [AncientPS.Engine.AncientHeapDismountedException]) { $inner = $inner.InnerException }
            $inner | Should -BeOfType ([AncientPS.Engine.AncientHeapDismountedException]) -Because "$read"
        }
        # A member read: the module's error record, with a stable id.
        $err = $null
        try { $null = $stored.a } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'HeapNotMounted*'
        $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $err.Exception.Message | Should -BeLike '*dismounted*Mount-AncientHeap*'
    }
}
