BeforeAll { . (Join-Path $PSScriptRoot 'TestSupport.ps1') }

Describe 'The module' {
    It 'has a manifest that Test-ModuleManifest accepts' {
        $manifest = Test-ModuleManifest -Path (Join-Path $PSScriptRoot '../AncientPS.psd1')
        $manifest.Version | Should -Be '0.1.0'
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.Description | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly its cmdlets, and no functions, variables or aliases' {
        $module = Get-Module AncientPS
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @('Copy-AncientHeap', 'Dismount-AncientHeap', 'Get-AncientHeap', 'Get-AncientObject', 'Mount-AncientHeap', 'Remove-AncientObject', 'Set-AncientObject', 'Test-AncientHeap', 'Test-AncientObject')
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
    }

    It 'declares an output type on every cmdlet' {
        foreach ($command in Get-Command -Module AncientPS) {
            $command.OutputType | Should -Not -BeNullOrEmpty -Because "$($command.Name) should declare [OutputType]"
        }
    }

    It 'supports -WhatIf and -Confirm on Set, Remove and Dismount' {
        foreach ($name in 'Set-AncientObject', 'Remove-AncientObject', 'Dismount-AncientHeap') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf'
            (Get-Command $name).Parameters.Keys | Should -Contain 'Confirm'
        }
    }

    It 'references nothing beyond netstandard2.0, PowerShell Standard and its engine' {
        $assembly = [AncientPS.AncientHeap].Assembly
        $references = $assembly.GetReferencedAssemblies().Name | Sort-Object -Unique
        $references | Should -BeIn @('netstandard', 'System.Management.Automation', 'AncientPS.Engine')
        [AncientPS.Engine.MappedHeap].Assembly.GetReferencedAssemblies().Name | Should -BeIn @('netstandard')
    }
}

Describe 'Formatting' {
    BeforeAll {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'format.heap')
        Get-SampleRows 2 | Set-AncientObject -Heap $heap -Key rows
    }
    AfterAll { Dismount-AllHeaps }

    It 'shows heaps as a table of Path, Size, Used, Count and ReadOnly' {
        $text = $heap | Out-String -Width 250
        $text | Should -Match 'Path\s+Size\s+Used\s+Count\s+ReadOnly'
        $text | Should -Match ([regex]::Escape($heap.Path))
    }

    It 'shows entries as a table of Key, Type, Size and Written' {
        $text = Get-AncientObject -Heap $heap -ListAvailable | Out-String -Width 250
        $text | Should -Match 'Key\s+Type\s+Size\s+Written'
        $text | Should -Match 'rows\s+System\.Object\[\]'
    }

    It 'shows a stored list as its elements' {
        $text = Get-AncientObject -Heap $heap -Key rows -NoEnumerate | Out-String
        $text | Should -Be (Get-SampleRows 2 | Out-String)
    }

    It 'applies a user format view to stored records of that type' {
        $view = Join-Path $TestDrive 'Contoso.Format.ps1xml'
        Set-Content -LiteralPath $view -Value @'
<Configuration><ViewDefinitions><View><Name>Contoso.Server</Name><ViewSelectedBy><TypeName>Contoso.Server</TypeName></ViewSelectedBy>
<CustomControl><CustomEntries><CustomEntry><CustomItem><ExpressionBinding><ScriptBlock>"Server &lt;" + $_.Name + "&gt;"</ScriptBlock></ExpressionBinding></CustomItem></CustomEntry></CustomEntries></CustomControl>
</View></ViewDefinitions></Configuration>
'@
        Set-AncientObject -Heap $heap -Key server -InputObject ([pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = 'web1' })
        # In a runspace of its own: format data appended here would outlive $TestDrive and break later imports.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Manifest, $View, $Heap)
                    Import-Module $Manifest
                    Update-FormatData -AppendPath $View
                    (Get-AncientObject -Heap $Heap -Key server | Out-String).Trim()
                }).AddArgument((Join-Path $PSScriptRoot '../AncientPS.psd1')).AddArgument($view).AddArgument($heap)
            $ps.Invoke() | Should -Be 'Server <web1>'
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Tab completion' {
    BeforeAll {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'complete.heap')
        foreach ($k in 'alpha', 'alpine', 'with space', "it's", 'odd[1]') { Set-AncientObject -Heap $heap -Key $k -InputObject 1 }
        Set-Content -LiteralPath (Join-Path $TestDrive 'data.heap') -Value ''
        Set-Content -LiteralPath (Join-Path $TestDrive 'notes.txt') -Value ''
    }
    AfterAll { Dismount-AllHeaps }

    It 'completes -Key from the heap in -Heap' {
        $line = 'Get-AncientObject -Heap $heap -Key al'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('alpha', 'alpine')
    }

    It 'quotes keys that need quoting' {
        $line = 'Get-AncientObject -Heap $heap -Key wi'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @("'with space'")
        $line = 'Get-AncientObject -Heap $heap -Key it'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @("'it''s'")
    }

    It 'escapes wildcard characters where -Key takes patterns, and not for Set-AncientObject' {
        $line = 'Get-AncientObject -Heap $heap -Key od'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @("'odd``[1``]'")
        $line = 'Set-AncientObject -Heap $heap -Key od'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('odd[1]')
    }

    It 'completes -Key from the only mounted heap when -Heap is left out' {
        $line = 'Remove-AncientObject -Key alph'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('alpha')
    }

    It 'completes -Path to folders and *.heap files' {
        Push-Location $TestDrive
        try {
            $line = 'Mount-AncientHeap -Path ./'
            $texts = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $texts | Should -Contain './data.heap'
            $texts | Should -Contain './complete.heap'
            $texts | Should -Not -Contain './notes.txt'
        }
        finally { Pop-Location }
    }
}
