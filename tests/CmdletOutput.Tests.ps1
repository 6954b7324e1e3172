# What other cmdlets and .NET give a script, stored as it comes (several of these kinds once failed Set with a raw
# exception, were refused, or came back as something else than Import-Clixml's copy). Each is stored at depths 1 and 2,
# read back by Get and by -Materialize;
# its properties, their kinds and its text must be the copy's (for a value a script built itself, the original's).
# Values that change between two reads (a process's CPU time, a drive's free space) are compared by name only, and so
# are Get-FormatData's (its view definitions' text differs from Import-Clixml's live objects under -Materialize), and
# Get-Help's (a typed PSObject[] in it reads back as an object[], whose text differs).
BeforeDiscovery {
    $script:kinds = @(
        @{ Kind = 'Select-String matches'; Live = $false }
        @{ Kind = 'XML elements'; Live = $false }
        @{ Kind = 'Select-Xml results'; Live = $false }
        @{ Kind = 'DataTable'; Live = $false }
        @{ Kind = 'DataRow array'; Live = $false }
        @{ Kind = 'Group-Object groups'; Live = $false }
        @{ Kind = 'Measure-Object result'; Live = $false }
        @{ Kind = 'Get-FileHash result'; Live = $false }
        @{ Kind = 'Get-Verb'; Live = $false }
        @{ Kind = 'Get-Culture'; Live = $false }
        @{ Kind = 'Import-PowerShellDataFile'; Live = $false }
        @{ Kind = 'a Regex'; Live = $false }
        @{ Kind = 'an exited process'; Live = $true }
        @{ Kind = 'Get-Process | Select-Object *'; Live = $true }
        @{ Kind = 'Get-Item of a directory'; Live = $true }
        @{ Kind = 'Get-Command of every command type'; Live = $false }
        @{ Kind = 'Get-Module'; Live = $false }
        @{ Kind = 'a thread job'; Live = $true }
        @{ Kind = 'Get-Host'; Live = $false }
        @{ Kind = 'Get-PSCallStack'; Live = $true }
        @{ Kind = 'Get-Runspace'; Live = $false }
        @{ Kind = 'Get-Location'; Live = $false }
        @{ Kind = 'Get-PSProvider'; Live = $false }
        @{ Kind = 'Get-Variable'; Live = $false }
        @{ Kind = 'Get-Alias'; Live = $false }
        @{ Kind = 'Get-TypeData'; Live = $false }
        @{ Kind = 'Get-FormatData'; Live = $true }
        @{ Kind = 'Get-ExperimentalFeature'; Live = $false }
        @{ Kind = 'Get-TimeZone'; Live = $false }
        @{ Kind = 'Resolve-Path'; Live = $false }
        @{ Kind = 'ConvertFrom-Markdown'; Live = $false }
        @{ Kind = 'an error record'; Live = $false }
        @{ Kind = 'Get-PSDrive'; Live = $true }
        @{ Kind = 'New-TimeSpan'; Live = $false }
        @{ Kind = 'Get-Member'; Live = $false }
        @{ Kind = 'Get-Help'; Live = $true }
        @{ Kind = 'Get-Content lines'; Live = $false }
        @{ Kind = 'Get-Date -DisplayHint'; Live = $false }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:heap = Mount-AncientHeap -Anonymous
    $script:folder = Join-Path $TestDrive 'cmdlet-output'
    $null = New-Item -ItemType Directory -Path $script:folder
    $script:textFile = Join-Path $script:folder 'lines.txt'
    Set-Content -LiteralPath $script:textFile -Value 'alpha', 'beta', 'gamma'
    $script:scriptFile = Join-Path $script:folder 'tool.ps1'
    Set-Content -LiteralPath $script:scriptFile -Value 'param($a) $a'

    function New-Value([string] $Kind) {
        switch ($Kind) {
            'Select-String matches' { @(Select-String -LiteralPath $script:textFile -Pattern '(?<v>a)(.)' -AllMatches) }
            'XML elements' { @(([xml]'<r xmlns:p="urn:p"><s n="1"><p:z>eu</p:z></s><s n="2"/></r>').r.s) }
            'Select-Xml results' { @(Select-Xml -Content '<r><s n="1"/><s n="2"/></r>' -XPath '//s') }
            'DataTable' {
                $table = [System.Data.DataTable]::new('T')
                $null = $table.Columns.Add('Id', [int]); $null = $table.Columns.Add('Name', [string])
                $null = $table.Rows.Add(1, 'a'); $null = $table.Rows.Add(2, [DBNull]::Value)
                , $table
            }
            'DataRow array' {
                $table = [System.Data.DataTable]::new('T')
                $null = $table.Columns.Add('Id', [int]); $null = $table.Rows.Add(7)
                @($table.Rows)
            }
            'Group-Object groups' { @(1..6 | Group-Object { $_ % 2 }) }
            'Measure-Object result' { 1..6 | Measure-Object -Sum -Average -Maximum }
            'Get-FileHash result' { Get-FileHash -LiteralPath $script:textFile }
            'Get-Verb' { @(Get-Verb -Verb Get, Set) }
            'Get-Culture' { [cultureinfo]::GetCultureInfo('de-DE') }
            'Import-PowerShellDataFile' { Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot '../AncientPS.psd1') }
            'a Regex' { [regex]'a+b' }
            'an exited process' {
                $process = Start-Process -FilePath (Join-Path $PSHOME 'pwsh') -ArgumentList '-NoProfile', '-Command', 'exit 0' -PassThru
                $process.WaitForExit()
                $process
            }
            'Get-Process | Select-Object *' { @(Get-Process -Id $PID | Select-Object *) }
            'Get-Item of a directory' { Get-Item -LiteralPath $script:folder }
            'Get-Command of every command type' {
                @(Get-Command -Name Get-Item -CommandType Cmdlet; Get-Command -Name gci -CommandType Alias; Get-Command -Name prompt -CommandType Function; Get-Command -Name $script:scriptFile)
            }
            'Get-Module' { Get-Module -Name Pester }
            'Get-Host' { $Host }
            'Get-PSCallStack' { @(Get-PSCallStack) }
            'Get-Runspace' { Get-Runspace -Id 1 }
            'Get-Location' { Get-Location }
            'Get-PSProvider' { Get-PSProvider -PSProvider FileSystem }
            'Get-Variable' { Get-Variable -Name PSHOME }
            'Get-Alias' { Get-Alias -Name gci }
            'Get-TypeData' { Get-TypeData -TypeName System.IO.FileInfo }
            'Get-FormatData' { Get-FormatData -TypeName System.IO.FileInfo }
            'Get-ExperimentalFeature' { @(Get-ExperimentalFeature) }
            'Get-TimeZone' { [System.TimeZoneInfo]::Utc }
            'Resolve-Path' { Resolve-Path -LiteralPath $script:folder }
            'ConvertFrom-Markdown' { ConvertFrom-Markdown -InputObject '# hi' }
            'an error record' { try { Get-Item -LiteralPath '/nonexistent/x' -ErrorAction Stop } catch { $_ } }
            'Get-PSDrive' { Get-PSDrive -Name Temp }
            'New-TimeSpan' { New-TimeSpan -Minutes 90 }
            'Get-Member' { @(Get-Member -InputObject 'x' -MemberType Property) }
            'Get-Help' { Get-Help -Name Get-Item }
            'Get-Content lines' { @(Get-Content -LiteralPath $script:textFile) }
            'Get-Date -DisplayHint' { Get-Date -Date ([datetime]::new(2024, 3, 4, 5, 6, 7, [DateTimeKind]::Utc)) -DisplayHint Date }
            'a thread job' { $job = Start-ThreadJob -ScriptBlock { 1 }; $null = Wait-Job -Job $job; $job }
        }
    }

    function Get-Kinds($Value) {
        @($Value) | ForEach-Object { @($_.PSObject.Properties | ForEach-Object { "$($_.Name):$($_.MemberType)" }) -join ',' }
    }
}

AfterAll { Dismount-AncientHeap -Heap $script:heap }

Describe 'Objects other cmdlets give, stored as they come' {
    It 'stores <Kind> at depth <Depth> and reads it back as Import-Clixml''s copy' -ForEach @(
        foreach ($kind in $kinds) { foreach ($depth in 1, 2) { @{ Kind = $kind.Kind; Live = $kind.Live; Depth = $depth } } }
    ) {
        $value = New-Value $Kind
        $reference = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($value, $Depth))
        $key = "k$([guid]::NewGuid().ToString('N'))"
        { Set-AncientObject -Heap $script:heap -Key $key -InputObject $value -Depth $Depth -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Not -Throw
        $stored = Get-AncientObject -Heap $script:heap -Key $key -NoEnumerate
        $copy = Get-AncientObject -Heap $script:heap -Key $key -NoEnumerate -Materialize

        # XML elements are the elements themselves (better than the copy's list of child nodes), and a hashtable a script
        # holds is its own reference: against the original.
        # Get-Help's objects are property bags a cmdlet built: the original too. A date with notes is a scalar, kept as it
        # is (Import-Clixml's copy loses the DisplayHint's type, and so shows the time a Date hint leaves out).
        if ($Kind -in 'XML elements', 'Import-PowerShellDataFile', 'Get-Help', 'Get-Date -DisplayHint') { $reference = $value }
        @(Get-Kinds $stored) | Should -Be @(Get-Kinds $reference)
        # -Materialize gives PSCustomObjects whose properties are all notes (they can be changed): the same names.
        @(Get-Kinds $copy) -replace ':\w+', '' | Should -Be (@(Get-Kinds $stored) -replace ':\w+', '')
        if ($Kind -in 'Get-Command of every command type', 'Get-Module', 'Get-TypeData') {
            # A list or dictionary inside a .NET object is named as Get's (Deserialized.*) in the copy too.
            $namesOf = { param($x) @(@($x) | ForEach-Object { foreach ($p in $_.PSObject.Properties) { if ($p.Value -is [System.Collections.IEnumerable] -and $p.Value -isnot [string]) { "$($p.Name):$(@($p.Value.PSTypeNames)[0])" } } }) }
            (& $namesOf $copy) | Should -Be (& $namesOf $stored)
        }
        if (-not $Live) {
            ($stored | Format-List | Out-String -Width 250) | Should -BeExactly ($reference | Format-List | Out-String -Width 250)
            # A materialized Hashtable lists its entries in its own table's order, which a copy cannot take from the
            # stored order: for kinds holding dictionaries the first entries Format-List shows of a collection are masked.
            if ($Kind -in 'Import-PowerShellDataFile', 'Get-Command of every command type', 'Get-Module', 'Get-TypeData') {
                $masked = { param($text) $text -replace '\{[^}]*\}', '{...}' }
                if ($Kind -eq 'Import-PowerShellDataFile') { $masked = { param($text) @($text -split '\r?\n' | Sort-Object) } }
                (& $masked ($copy | Format-List | Out-String -Width 250)) | Should -Be (& $masked ($stored | Format-List | Out-String -Width 250))
            }
            else {
                ($copy | Format-List | Out-String -Width 250) | Should -BeExactly ($stored | Format-List | Out-String -Width 250)
            }
        }
        { $stored | ConvertTo-Json -Depth $Depth -WarningAction SilentlyContinue } | Should -Not -Throw
        { $stored | Format-Table | Out-String } | Should -Not -Throw
    }
}
