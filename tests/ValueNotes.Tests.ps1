BeforeDiscovery {
    $Ways = @(@{ Internal = $true; Way = 'PowerShell''s internal member' }, @{ Internal = $false; Way = 'the public way' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # A value with notes of its own (a line Get-Content gives, a number a script gave a note) is stored with its notes
    # (format 1.5) and read back as the value in a PSObject with them (src/AncientPS/Projection/ValueNotes.cs). Whether a
    # wrapped value has notes is asked through an internal member where PowerShell has it (guarded), else the public way:
    # every test runs both ways.
    $script:ValueNotes = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.ValueNotes', $true)
    $script:UseInternal = $script:ValueNotes.GetProperty('UseInternalMembers', [Reflection.BindingFlags]'NonPublic,Static')

    function Use-Way([bool] $Internal, [scriptblock] $Script) {
        $script:UseInternal.SetValue($null, $Internal)
        try { & $Script }
        finally { $script:UseInternal.SetValue($null, $true) }
    }

    # What PowerShell shows of a value, in text, through the paths a script takes to it.
    function Format-Seen($Value) {
        @(
            $Value | ConvertTo-Json -Depth 1 -Compress -WarningAction Ignore
            ($Value | Format-List | Out-String)
            ($Value | Format-Table | Out-String)
            "$Value"
            ($Value.PSTypeNames -join ',')
            ($Value.PSObject.Properties | Where-Object MemberType -eq 'NoteProperty' | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value }) -join ';'
            ($Value | Get-Member -MemberType NoteProperty | Out-String)
            [System.Management.Automation.PSSerializer]::Serialize($Value, 1)
        ) -join "`n---`n"
    }

    # Lines of a file as Get-Content gives them, and values a script gave notes, each in a box or string of its own.
    function New-NotedValues {
        $file = Join-Path $TestDrive 'notes.txt'
        if (-not (Test-Path -LiteralPath $file)) { 'first line', 'second line', 'third' | Set-Content -LiteralPath $file }
        [pscustomobject]@{
            Lines = @(Get-Content -LiteralPath $file)
            Number = [int]::Parse('731') | Add-Member -NotePropertyName Unit -NotePropertyValue 'kg' -PassThru
            Text = 'tagged' | Add-Member -NotePropertyName Owner -NotePropertyValue 'ops' -PassThru | Add-Member -NotePropertyName Rank -NotePropertyValue 2 -PassThru
            Date = Get-Date -Date ([datetime]::new(2024, 3, 4, 5, 6, 7, [DateTimeKind]::Utc)) -DisplayHint Date
        }
    }
}
AfterAll { Dismount-AllHeaps }

Describe 'Values with notes, <Way>' -ForEach $Ways {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Path (Join-Path $TestDrive "notes-$Internal.heap")
        $script:original = New-NotedValues
        Use-Way $Internal {
            Set-AncientObject -Heap $heap -Key all -InputObject $original
            $original.Lines | Set-AncientObject -Heap $heap -Key lines
            Set-AncientObject -Heap $heap -Key number -InputObject $original.Number
            Set-AncientObject -Heap $heap -Key date -InputObject $original.Date
        }
    }
    AfterAll { Dismount-AncientHeap -Heap $heap }

    It 'is asked the way this run asks for' {
        if ($Internal -and -not $script:ValueNotes.GetProperty('IsAvailable', [Reflection.BindingFlags]'NonPublic,Static').GetValue($null)) {
            Set-ItResult -Skipped -Because 'this PowerShell has no PSObject.HasInstanceMembers'
            return
        }
        Use-Way $Internal { $script:UseInternal.GetValue($null) } | Should -Be $Internal
    }

    It 'keeps the notes of Get-Content''s lines, piped, -NoEnumerate and through a parent''s property' {
        $piped = @(Get-AncientObject -Heap $heap -Key lines)
        $whole = Get-AncientObject -Heap $heap -Key lines -NoEnumerate
        $parent = Get-AncientObject -Heap $heap -Key all
        foreach ($copy in $piped, $whole, $parent.Lines) {
            $copy.Count | Should -Be $original.Lines.Count
            for ($i = 0; $i -lt $original.Lines.Count; $i++) {
                $line = $original.Lines[$i]
                $copy[$i] | Should -BeOfType [string]
                $copy[$i] | Should -BeExactly $line
                $copy[$i].PSPath | Should -BeExactly $line.PSPath
                $copy[$i].PSChildName | Should -BeExactly $line.PSChildName
                $copy[$i].ReadCount | Should -Be $line.ReadCount
                $copy[$i].PSDrive.Name | Should -BeExactly $line.PSDrive.Name
                $copy[$i].PSProvider.Name | Should -BeExactly $line.PSProvider.Name
                (@($copy[$i].PSObject.Properties.Name) -join ',') | Should -BeExactly (@($line.PSObject.Properties.Name) -join ',')
            }
        }
        ($piped | Select-Object PSChildName, ReadCount | ConvertTo-Csv) | Should -Be ($original.Lines | Select-Object PSChildName, ReadCount | ConvertTo-Csv)
        @($piped | Where-Object ReadCount -GE 2).Count | Should -Be 2
    }

    It 'shows a value with notes as the original shows it: <Name>' -ForEach @(
        @{ Name = 'Number' }, @{ Name = 'Text' }, @{ Name = 'Date' }
    ) {
        $stored = Get-AncientObject -Heap $heap -Key all
        Format-Seen $stored.$Name | Should -BeExactly (Format-Seen $original.$Name)
    }

    It 'shows a value with notes stored as the root as the original shows it' {
        Format-Seen (Get-AncientObject -Heap $heap -Key number) | Should -BeExactly (Format-Seen $original.Number)
        Format-Seen (Get-AncientObject -Heap $heap -Key date) | Should -BeExactly (Format-Seen $original.Date)
        (Get-AncientObject -Heap $heap -Key date | Out-String) | Should -BeExactly ($original.Date | Out-String)
    }

    It 'writes a number''s notes beside it in JSON, as ConvertTo-Json does for the original' {
        $stored = Get-AncientObject -Heap $heap -Key all
        ($stored | ConvertTo-Json -Depth 2 -Compress -WarningAction Ignore) | Should -BeExactly ($original | ConvertTo-Json -Depth 2 -Compress -WarningAction Ignore)
        (Get-AncientObject -Heap $heap -Key number | ConvertTo-Json -Compress) | Should -BeExactly '{"value":731,"Unit":"kg"}'
    }

    It 'reads the same with its own member table and without it (MemberTable off: the public way)' {
        $memberTable = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.MemberTable', $true).GetProperty('Enabled', [Reflection.BindingFlags]'NonPublic,Static')
        $seen = foreach ($on in $true, $false) {
            $memberTable.SetValue($null, $on)
            try {
                $stored = Get-AncientObject -Heap $heap -Key all
                , @((Format-Seen $stored.Number), (Format-Seen $stored.Lines[1]), $stored.Lines[2].PSObject.Copy().ReadCount)
            }
            finally { $memberTable.SetValue($null, $true) }
        }
        $seen[1] | Should -Be $seen[0]
        # A line's drive is a live object in the original and Import-Clixml's copy in the stored one: the number and the
        # copy's note against the original.
        $seen[0][0] | Should -BeExactly (Format-Seen $original.Number)
        $seen[0][2] | Should -Be $original.Lines[2].ReadCount
    }

    It 'is the value itself to operators, casts and .NET methods' {
        $number = Get-AncientObject -Heap $heap -Key number
        $number + 1 | Should -Be 732
        $number | Should -BeOfType [int]
        [math]::Max($number, 3) | Should -Be 731
        $list = [System.Collections.Generic.List[object]]::new()
        $list.Add($number)
        $list[0].GetType() | Should -Be ([int])
        $text = (Get-AncientObject -Heap $heap -Key all).Text
        $text.ToUpper() | Should -BeExactly 'TAGGED'
        $text -eq 'tagged' | Should -BeTrue
        @{ tagged = 'found' }[$text] | Should -BeExactly 'found'
        # A .NET method given the value gets the value, as it gets the original's (PowerShell passes a PSObject's base object).
        [System.Management.Automation.PSSerializer]::Serialize($text, 1) | Should -BeExactly ([System.Management.Automation.PSSerializer]::Serialize($original.Text, 1))
    }

    It 'keeps type names a script gave the value' {
        $tagged = 'x' | Add-Member -NotePropertyName A -NotePropertyValue 1 -PassThru
        $tagged.PSTypeNames.Insert(0, 'Contoso.Tagged')
        Use-Way $Internal { Set-AncientObject -Heap $heap -Key tagged -InputObject $tagged }
        $stored = Get-AncientObject -Heap $heap -Key tagged
        $stored.PSTypeNames | Should -Be @('Contoso.Tagged', 'System.String', 'System.Object')
        $stored.A | Should -Be 1
    }

    It 'refuses a change to a note with the read-only error, and a copy can be changed' {
        $number = Get-AncientObject -Heap $heap -Key number
        $failure = { $number.Unit = 'lb' } | Should -Throw -PassThru
        $failure.Exception.Message | Should -Match 'read-only.*-Materialize'
        $number.Unit | Should -BeExactly 'kg'
        $copy = $number.PSObject.Copy()
        $copy.Unit = 'lb'
        $copy.Unit | Should -BeExactly 'lb'
        $copy + 0 | Should -Be 731
    }

    It 'gives values with notes with -Materialize, which can be changed' {
        $copy = Get-AncientObject -Heap $heap -Key all -Materialize
        $copy.Lines[1].PSPath | Should -BeExactly $original.Lines[1].PSPath
        $copy.Lines[1].ReadCount | Should -Be 2
        $copy.Number.Unit | Should -BeExactly 'kg'
        $copy.Number.Unit = 'lb'
        $copy.Number.Unit | Should -BeExactly 'lb'
        Format-Seen $copy.Date | Should -BeExactly (Format-Seen $original.Date)
    }

    It 'stores a value with notes read from a heap again, and the file verifies' {
        $stored = Get-AncientObject -Heap $heap -Key all
        Use-Way $Internal { Set-AncientObject -Heap $heap -Key again -InputObject $stored }
        $again = Get-AncientObject -Heap $heap -Key again
        $again.Lines[2].ReadCount | Should -Be 3
        $again.Number.Unit | Should -BeExactly 'kg'
        Test-AncientHeap -Path $heap.Path -Quiet | Should -BeTrue
    }

    It 'stores a value without notes as the value alone' {
        Use-Way $Internal { 1..3 | Set-AncientObject -Heap $heap -Key plain }
        $plain = Get-AncientObject -Heap $heap -Key plain -NoEnumerate
        @($plain | ForEach-Object { @($_.PSObject.Properties | Where-Object MemberType -eq 'NoteProperty').Count }) | Should -Be @(0, 0, 0)
        @($plain)[0].GetType() | Should -Be ([int])
    }
}

Describe 'Arrays with notes (Get-Content -ReadCount), <Way>' -ForEach $Ways {
    BeforeAll {
        $script:heap = Mount-AncientHeap -Path (Join-Path $TestDrive "arrays-$Internal.heap")
        $script:file = Join-Path $TestDrive "read-count-$Internal.txt"
        1..5 | ForEach-Object { "line $_" } | Set-Content -LiteralPath $file
        # One array of every line, and arrays of two, each with the file's six notes; a script's own array with notes.
        $script:all = Get-Content -LiteralPath $file -ReadCount 0
        $script:pairs = @(Get-Content -LiteralPath $file -ReadCount 2)
        $script:tagged = Write-Output -NoEnumerate @('a', 'b') | Add-Member -NotePropertyName Source -NotePropertyValue 'import' -PassThru
        Use-Way $Internal {
            Set-AncientObject -Heap $heap -Key all -InputObject $all
            Get-Content -LiteralPath $file -ReadCount 2 | Set-AncientObject -Heap $heap -Key pairs
            Set-AncientObject -Heap $heap -Key parent -InputObject ([pscustomobject]@{ Lines = $all; Tagged = $tagged })
        }

        # What a script sees of an array of lines: its notes, its items, its text and its count (the notes' .NET objects, a
        # drive and a provider, come back as Import-Clixml gives them, as for a line with notes).
        function Format-Array($Value) {
            @(
                $Value.PSPath, $Value.PSChildName, $Value.ReadCount, $Value.Count, $Value[1], "$Value", ($Value -join '|'),
                ($Value | Measure-Object).Count, ($Value.PSTypeNames -join ','), ($Value | Out-String), $Value.PSDrive.Name, $Value.PSProvider.Name
            ) -join "`n---`n"
        }
    }
    AfterAll { Dismount-AncientHeap -Heap $heap }

    It 'keeps an array''s notes, -NoEnumerate and through a parent''s property' {
        $expected = Format-Array $all
        Format-Array (Get-AncientObject -Heap $heap -Key all -NoEnumerate) | Should -BeExactly $expected
        $parent = Get-AncientObject -Heap $heap -Key parent
        Format-Array $parent.Lines | Should -BeExactly $expected
        (ConvertTo-Json -InputObject $parent.Tagged -Compress) | Should -BeExactly (ConvertTo-Json -InputObject $tagged -Compress)
        ([System.Management.Automation.PSSerializer]::Serialize($parent.Tagged, 1)) | Should -BeExactly ([System.Management.Automation.PSSerializer]::Serialize($tagged, 1))
    }

    It 'keeps the notes of each array piped in' {
        $stored = Get-AncientObject -Heap $heap -Key pairs -NoEnumerate
        $stored.Count | Should -Be $pairs.Count
        for ($i = 0; $i -lt $pairs.Count; $i++) { Format-Array $stored[$i] | Should -BeExactly (Format-Array $pairs[$i]) }
    }

    It 'keeps them in -Materialize and in a value stored again' {
        $expected = Format-Array $all
        Format-Array (Get-AncientObject -Heap $heap -Key all -Materialize) | Should -BeExactly $expected
        Use-Way $Internal { Set-AncientObject -Heap $heap -Key again -InputObject (Get-AncientObject -Heap $heap -Key all -NoEnumerate) }
        Format-Array (Get-AncientObject -Heap $heap -Key again -NoEnumerate) | Should -BeExactly $expected
        Test-AncientHeap -Path $heap.Path -Quiet | Should -BeTrue
    }
}

Describe 'Values with notes that lead back to themselves' {
    BeforeAll { $script:heap = Mount-AncientHeap -Anonymous }
    AfterAll { Dismount-AncientHeap -Heap $heap }

    It 'are one object wherever the stored graph meets them, as in the original' {
        $a = 'first' | Add-Member -NotePropertyName Rank -NotePropertyValue 1 -PassThru
        $b = 'second' | Add-Member -NotePropertyName Other -NotePropertyValue $a -PassThru
        $a | Add-Member -NotePropertyName Self -NotePropertyValue $a
        $a | Add-Member -NotePropertyName Other -NotePropertyValue $b
        Set-AncientObject -Heap $heap -Key cycle -InputObject @($a, $b, $a)
        $s = Get-AncientObject -Heap $heap -Key cycle -NoEnumerate
        # A .NET method gets a PSObject's value: one PSObject, one value read for it.
        [object]::ReferenceEquals($s[0].Self, $s[0]) | Should -BeTrue
        [object]::ReferenceEquals($s[0].Other.Other, $s[0]) | Should -BeTrue
        [object]::ReferenceEquals($s[1].Other, $s[0]) | Should -BeTrue
        [object]::ReferenceEquals($s[2], $s[0]) | Should -BeTrue
        $s[0].Self.Other.Rank | Should -BeNullOrEmpty
        $s[0].Self.Rank | Should -Be 1
        "$($s[1].Other.Self.Other)" | Should -BeExactly 'second'
    }
}

Describe 'A long chain of values with notes' {
    It 'is read without deepening the stack (a child process, so that a crash fails the test)' {
        $output = Invoke-InChildProcess -Script @'
$path = Join-Path ([IO.Path]::GetTempPath()) "notes-chain-$PID.heap"
$heap = Mount-AncientHeap -Path $path
$value = 'end'
for ($i = 1; $i -le 10000; $i++) { $value = "n$i" | Add-Member -NotePropertyName Next -NotePropertyValue $value -PassThru }
Set-AncientObject -Heap $heap -Key chain -InputObject $value
$read = Get-AncientObject -Heap $heap -Key chain
$steps = 0
while ($null -ne $read.Next) { $read = $read.Next; $steps++ }
"$steps $read"
Dismount-AncientHeap -Heap $heap
Remove-Item -LiteralPath $path
'@
        @($output)[-1] | Should -BeExactly '10000 end'
    }
}
