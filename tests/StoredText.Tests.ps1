BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $folder = Join-Path $TestDrive 'files'
    $null = New-Item -ItemType Directory -Path (Join-Path $folder 'sub')
    'one' | Set-Content -Path (Join-Path $folder 'a.txt')
    'two' | Set-Content -Path (Join-Path $folder 'b.log')
    $files = @(Get-ChildItem -Path $folder | Sort-Object Name)
    $command = Get-Command Get-ChildItem

    # The reference for a .NET object stored at a depth: what Import-Clixml gives back at the same depth.
    $clixmlPath = Join-Path $TestDrive 'files.xml'
    $files | Export-Clixml -Path $clixmlPath -Depth 1
    $clixml = @(Import-Clixml -Path $clixmlPath)

    $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'text.heap')
    Set-AncientObject -Heap $heap -Key files -InputObject $files -Depth 1
    Set-AncientObject -Heap $heap -Key parent -InputObject ([pscustomobject]@{ First = $files[0]; All = $files }) -Depth 2
    Set-AncientObject -Heap $heap -Key command -InputObject $command -Depth 1
}
AfterAll { Dismount-AllHeaps }

Describe 'A stored .NET object gives the text of the original' {
    It 'the reference holds: Import-Clixml gives each file''s own text' {
        # Guards the comparison below: Get-ChildItem's objects are not their property bags as text.
        for ($i = 0; $i -lt $files.Count; $i++) { "$($clixml[$i])" | Should -BeExactly "$($files[$i])" }
    }

    It 'piped from Get-AncientObject: "$x", [string], ToString(), -join and Join-String' {
        $stored = @(Get-AncientObject -Heap $heap -Key files)
        $stored.Count | Should -Be $files.Count
        for ($i = 0; $i -lt $files.Count; $i++) {
            "$($stored[$i])" | Should -BeExactly "$($files[$i])"
            [string]$stored[$i] | Should -BeExactly ([string]$files[$i])
            $stored[$i].ToString() | Should -BeExactly $clixml[$i].ToString()
        }
        ($stored -join '|') | Should -BeExactly ($files -join '|')
        (Get-AncientObject -Heap $heap -Key files | Join-String -Separator ';') | Should -BeExactly ($files | Join-String -Separator ';')
        (Get-AncientObject -Heap $heap -Key files | ForEach-Object { "$_" }) | Should -Be ($clixml | ForEach-Object { "$_" })
    }

    It 'read with -NoEnumerate: list elements, first and last' {
        $list = Get-AncientObject -Heap $heap -Key files -NoEnumerate
        "$($list[0])" | Should -BeExactly "$($files[0])"
        [string]$list[-1] | Should -BeExactly ([string]$files[-1])
        $list[1].ToString() | Should -BeExactly $files[1].ToString()
        ($list -join ',') | Should -BeExactly ($files -join ',')
        "$($list | Sort-Object | Select-Object -First 1)" | Should -BeExactly "$($clixml | Sort-Object | Select-Object -First 1)"
    }

    It 'as a parent''s property and inside a list in a property' {
        $parent = Get-AncientObject -Heap $heap -Key parent
        "$($parent.First)" | Should -BeExactly "$($files[0])"
        [string]$parent.First | Should -BeExactly ([string]$files[0])
        $parent.First.ToString() | Should -BeExactly $files[0].ToString()
        ($parent.All -join ';') | Should -BeExactly ($files -join ';')
        "$($parent.All[-1])" | Should -BeExactly "$($files[-1])"
    }

    It 'a Get-Command result gives its name as text, as the original does' {
        $stored = Get-AncientObject -Heap $heap -Key command
        "$stored" | Should -BeExactly "$command"
        $stored.ToString() | Should -BeExactly $command.ToString()
    }

    It 'a property bag still shows its properties, as a PSCustomObject does' {
        $row = [pscustomobject]@{ Id = 1; Name = 'x' }
        Set-AncientObject -Heap $heap -Key row -InputObject $row
        $stored = Get-AncientObject -Heap $heap -Key row
        "$stored" | Should -BeExactly "$row"
        $stored.ToString() | Should -BeExactly $row.ToString()
        @($stored.PSObject.Methods | Where-Object MemberType -eq 'CodeMethod').Count | Should -Be 0
    }

    It 'the text survives storing the stored object again' {
        $stored = Get-AncientObject -Heap $heap -Key files -NoEnumerate
        Set-AncientObject -Heap $heap -Key again -InputObject $stored
        (Get-AncientObject -Heap $heap -Key again -NoEnumerate) -join '|' | Should -BeExactly ($files -join '|')
    }

    It 'an object whose ToString throws stores no text and reads as Import-Clixml gives it' {
        if (-not ('AncientTests.TextThrower' -as [type])) {
            Add-Type -TypeDefinition 'namespace AncientTests { public class TextThrower { public string Name { get { return "x"; } } public override string ToString() { throw new System.InvalidOperationException("no text"); } } }'
        }
        $thrower = [AncientTests.TextThrower]::new()
        Set-AncientObject -Heap $heap -Key thrower -InputObject $thrower -Depth 1
        $reference = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($thrower, 1))
        $stored = Get-AncientObject -Heap $heap -Key thrower
        $stored.Name | Should -Be 'x'
        "$stored" | Should -BeExactly "$reference"
    }
}

Describe 'A stored .NET object''s text crosses with it, as Import-Clixml''s object''s does' {
    BeforeAll {
        # The internal member PowerShell's serializer reads (src/AncientPS/Projection/DeserializedText.cs), and its switch.
        $text = [AncientPS.Commands.SetAncientObjectCommand].Assembly.GetType('AncientPS.Projection.DeserializedText', $true)
        $script:UseMember = $text.GetProperty('UseInternalMember', [Reflection.BindingFlags]'NonPublic,Static')
        $script:Available = $text.GetProperty('IsAvailable', [Reflection.BindingFlags]'NonPublic,Static')
        function Copy-BySerializer($Value) { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Value)) }
    }
    AfterEach { $UseMember.SetValue($null, $true) }

    It 'this PowerShell has the member' {
        $Available.GetValue($null) | Should -BeTrue
    }

    It 'a copy made by the serializer (Start-Job, remoting) gives the original''s text' {
        $stored = @(Get-AncientObject -Heap $heap -Key files)
        for ($i = 0; $i -lt $files.Count; $i++) {
            $expected = "$(Copy-BySerializer $clixml[$i])"
            $expected | Should -BeExactly "$($files[$i])"
            "$(Copy-BySerializer $stored[$i])" | Should -BeExactly $expected
        }
        "$(Copy-BySerializer (Get-AncientObject -Heap $heap -Key command))" | Should -BeExactly "$(Copy-BySerializer $command)"
    }

    It 'without the member (switched off, as on a PowerShell without it): the stored object keeps its text, a serialized copy shows its properties' {
        $UseMember.SetValue($null, $false)
        $stored = @(Get-AncientObject -Heap $heap -Key files)
        "$($stored[0])" | Should -BeExactly "$($files[0])"
        $stored[0].ToString() | Should -BeExactly $clixml[0].ToString()
        # As a PSCustomObject's copy does: "@{Name=...}".
        "$(Copy-BySerializer $stored[0])" | Should -BeLike '@{*'
        "$(Copy-BySerializer $stored[0])" | Should -Not -BeLike "*$($files[0])"
        $stored[0].Name | Should -Be $files[0].Name
    }
}
