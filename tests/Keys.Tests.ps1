# Keys that hold wildcard characters: -LiteralKey on Get-AncientObject and Remove-AncientObject, a -Key that names an
# existing key exactly, an invalid pattern, and completion of the key-first form 'Get-AncientObject pr<Tab>'.
BeforeAll { . (Join-Path $PSScriptRoot 'TestSupport.ps1') }

Describe 'Keys with wildcard characters' {
    BeforeEach {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive "keys-$([guid]::NewGuid()).heap")
        Set-AncientObject -Heap $heap -Key 'web[1]' -InputObject 'bracketed'
        Set-AncientObject -Heap $heap -Key 'web1' -InputObject 'plain'
        Set-AncientObject -Heap $heap -Key 'a*b' -InputObject 'star'
        Set-AncientObject -Heap $heap -Key 'axb' -InputObject 'x'
    }
    AfterEach { Dismount-AllHeaps }

    It '-LiteralKey reads a key as written, wildcard characters and all' {
        Get-AncientObject -Heap $heap -LiteralKey 'web[1]' | Should -Be 'bracketed'
        Get-AncientObject -Heap $heap -LiteralKey 'a*b' | Should -Be 'star'
        Get-AncientObject -LiteralKey 'WEB[1]' | Should -Be 'bracketed' -Because 'keys ignore ASCII case, and -Heap may be left out'
        @(Get-AncientObject -Heap $heap -LiteralKey 'web[1]', 'a*b') | Should -Be @('bracketed', 'star')
    }

    It '-LiteralKey that is missing writes KeyNotFound, even with wildcard characters' {
        $value = Get-AncientObject -Heap $heap -LiteralKey 'web[2]' -ErrorVariable problems -ErrorAction SilentlyContinue
        $value | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotFound,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($problems[0])" | Should -Not -BeLike '*-LiteralKey*'
    }

    It '-LiteralKey takes -NoEnumerate, -Materialize and the heap from the pipeline' {
        Set-AncientObject -Heap $heap -Key 'rows[all]' -InputObject @(1, 2, 3)
        (Get-AncientObject -Heap $heap -LiteralKey 'rows[all]' -NoEnumerate).Count | Should -Be 3
        $copy = $heap | Get-AncientObject -LiteralKey 'rows[all]' -Materialize
        $copy | Should -Be @(1, 2, 3)
        Test-AncientObject $copy | Should -BeFalse
    }

    It 'a -Key that names an existing key exactly reads that key only' {
        Get-AncientObject -Heap $heap -Key 'web[1]' | Should -Be 'bracketed'
        Get-AncientObject -Heap $heap -Key 'a*b' | Should -Be 'star'
        Get-AncientObject -Key 'web[1]' | Should -Be 'bracketed'
        @(Get-AncientObject -Heap $heap -Key 'web[1]' -ListAvailable).Key | Should -Be 'web[1]'
    }

    It 'a -Key that names no key is still a pattern' {
        @(Get-AncientObject -Heap $heap -Key 'web[0-9]') | Should -Be @('plain')
        @(Get-AncientObject -Heap $heap -Key 'a?b' | Sort-Object) | Should -Be @('star', 'x')
        @(Get-AncientObject -Heap $heap -Key 'web*' -ListAvailable).Key | Should -Be @('web1', 'web[1]')
    }

    It 'entries piped from -ListAvailable read back their own keys' {
        $values = Get-AncientObject -Heap $heap -ListAvailable | Get-AncientObject
        @($values | Sort-Object) | Should -Be @('bracketed', 'plain', 'star', 'x')
    }

    It 'an invalid pattern is taken as a key, and a missing one points to -LiteralKey' {
        Set-AncientObject -Heap $heap -Key 'open[1' -InputObject 'unclosed'
        Get-AncientObject -Heap $heap -Key 'open[1' | Should -Be 'unclosed'
        @(Get-AncientObject -Heap $heap -Key 'open[1' -ListAvailable).Key | Should -Be 'open[1'

        $value = Get-AncientObject -Heap $heap -Key 'web[1' -ErrorVariable problems -ErrorAction SilentlyContinue
        $value | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotFound,*'
        "$($problems[0])" | Should -BeLike "*'web``[1' is not a valid wildcard pattern*-LiteralKey*"
        "$($problems[0])" | Should -Not -BeLike '*wildcard character pattern is not valid*'
        { Remove-AncientObject -Heap $heap -Key 'web[1' -ErrorAction Stop } | Should -Throw -ErrorId 'KeyNotFound,AncientPS.Commands.RemoveAncientObjectCommand'
        @(Get-AncientObject -Heap $heap -Key 'zz[' -ListAvailable) | Should -BeNullOrEmpty
    }

    It 'Remove-AncientObject -LiteralKey removes that key only' {
        Remove-AncientObject -Heap $heap -LiteralKey 'web[1]'
        @(Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('a*b', 'axb', 'web1')
        { Remove-AncientObject -LiteralKey 'web[1]' -ErrorAction Stop } | Should -Throw -ErrorId 'KeyNotFound,AncientPS.Commands.RemoveAncientObjectCommand'
        $heap | Remove-AncientObject -LiteralKey 'a*b'
        @(Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('axb', 'web1')
    }

    It 'Remove-AncientObject -Key that names an existing key exactly removes that key only' {
        Remove-AncientObject -Heap $heap -Key 'a*b'
        @(Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('axb', 'web1', 'web[1]')
        Remove-AncientObject -Key 'web[1]'
        @(Get-AncientObject -Heap $heap -ListAvailable).Key | Should -Be @('axb', 'web1')
    }

    It 'Remove-AncientObject -LiteralKey -WhatIf changes nothing' {
        Invoke-WithoutHost { param($heap) Remove-AncientObject -Heap $heap -LiteralKey 'web[1]' -WhatIf } $heap
        Get-AncientObject -Heap $heap -LiteralKey 'web[1]' | Should -Be 'bracketed'
    }
}

Describe 'Completing keys' {
    BeforeAll {
        $heap = Mount-AncientHeap -Path (Join-Path $TestDrive 'complete-keys.heap')
        foreach ($k in 'procs', 'prod', 'web[1]', 'zeta') { Set-AncientObject -Heap $heap -Key $k -InputObject 1 }
        function Complete([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText) }
    }
    AfterAll { Dismount-AllHeaps }

    It 'completes the key-first form as it completes -Key: <Line>' -TestCases @(
        @{ Line = 'Get-AncientObject pr'; Named = 'Get-AncientObject -Key pr' }
        @{ Line = 'Remove-AncientObject pr'; Named = 'Remove-AncientObject -Key pr' }
        @{ Line = 'Get-AncientObject we'; Named = 'Get-AncientObject -Key we' }
    ) {
        $named = Complete $Named
        $named.Count | Should -BeGreaterThan 0
        Complete $Line | Should -Be $named
    }

    It 'completes the key-first form with the keys that start with the word' {
        Complete 'Get-AncientObject pr' | Should -Be @('procs', 'prod')
        Complete 'Get-AncientObject web[' | Should -Be @("'web``[1``]'")
    }

    It 'completes -LiteralKey without escaping wildcard characters' {
        Complete 'Get-AncientObject -LiteralKey we' | Should -Be @('web[1]')
        Complete 'Remove-AncientObject -Heap $heap -LiteralKey we' | Should -Be @('web[1]')
    }

    It 'completes a key after a heap given by position' {
        Complete 'Get-AncientObject $heap pr' | Should -Be @('procs', 'prod')
    }
}
