# build/Demo.ps1 (build.ps1 Demo) says what it computes: which records each sum covers, and sizes a person reads.
BeforeAll { . (Join-Path $PSScriptRoot 'TestSupport.ps1') }

Describe 'The demo' {
    BeforeAll {
        $pwsh = Get-TestPwsh
        $demo = Join-Path $PSScriptRoot '../build/Demo.ps1'
        $lines = @(& $pwsh.FilePath @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-File', $demo, '-Count', '1000')) 6>&1 2>&1 |
                ForEach-Object { "$_" -replace "`e\[[0-9;]*m", '' })
        $exitCode = $LASTEXITCODE
        $text = $lines -join "`n"
    }

    It 'runs to the end' {
        $exitCode | Should -Be 0 -Because $text
        $text | Should -BeLike '*Done: stored 1,000 records once*'
    }

    It 'says which records the sum of step 3 covers, and gives the number apart from the condition' {
        # Cpu = Id * 0.5; Up for even Ids: 0.5 * (2 + 4 + ... + 1000) = 125,250.
        $lines | Should -Contain '   1,000 records, the last named host1000; the records whose Up is True have a total Cpu of 125,250.0'
        $text | Should -Not -Match 'Up=\d'
    }

    It 'explains why the runspaces'' sum differs: it covers every record' {
        # 0.5 * (1 + 2 + ... + 1000) = 250,250.
        $text | Should -BeLike '*the four quarters add up to a total Cpu of 250,250.0 over all the records, Up or not (the in-memory records give 250,250.0)*'
    }

    It 'shows sizes in KB or MB, and times written in UTC' {
        $text | Should -Match 'the heap file is [\d.,]+ [KM]B, of which [\d.,]+ KB in use, for 1 key'
        $text | Should -Match 'rows\s+System\.Object\[\]\s+[\d.,]+ KB \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC'
        $text | Should -Match 'write 1,000 records'
    }
}
