# Checks that the help tells the truth: the cmdlet pages in docs/en-US match the cmdlets' real metadata,
# every example in the docs runs and prints what the docs show, and Get-Help serves the built help offline.
#
# Conventions for whoever writes docs (build/HelpMarkdown.ps1 implements them):
# - An example is a ```powershell block. The ```Output block right after it, if any, is what it prints;
#   without one, the example must simply run without errors. A block whose first line is '# not run'
#   is shown to readers and skipped here.
# - Output is compared modulo whitespace (lines trimmed, blank runs collapsed, empty lines dropped).
#   A value that changes from run to run is written as a placeholder: a lower-case word in angle brackets,
#   such as <path>, <size> or <time>, which matches any text within one line.
# - The examples of one cmdlet page run in order in one fresh pwsh process, with AncientPS on PSModulePath and
#   imported (README.md, docs/cookbook.md and the about topics run as readers run them from a clone, in
#   tests/Recipes.Tests.ps1), so an example may use what an earlier one in the file set up. They run in a temporary folder
#   that holds nothing but ./AncientPS.psd1 and ./AncientPS, as a clone does after a build. What an example
#   shows is what a 120-column console shows, -WhatIf messages and Write-Host included; an error shows in
#   the console's concise form, '<Command>: <message>'.

BeforeDiscovery {
    $repoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $repoRoot 'build/HelpMarkdown.ps1')
    $exported = @((Import-PowerShellDataFile (Join-Path $repoRoot 'AncientPS.psd1')).CmdletsToExport)
    $docs = Join-Path $repoRoot 'docs/en-US'
    $pages = @(Get-ChildItem -LiteralPath $docs -Filter '*.md' | Where-Object Name -NotLike 'about_*')

    $cmdletCases = @($exported | ForEach-Object { @{ Name = $_; Page = Join-Path $docs "$_.md" } })
    $undocumentedPages = @($pages | Where-Object BaseName -NotIn $exported | ForEach-Object { @{ Name = $_.BaseName } })

    $exampleFiles = Get-ExampleSourceFile -RepoRoot $repoRoot -Cmdlet $exported |
        ForEach-Object {
            $examples = @(Get-MarkdownExample -Path $_ | ForEach-Object { @{ Line = $_.Line; Code = $_.Code; Output = $_.Output } })
            @{ Path = $_; File = Split-Path -Leaf $_; Examples = $examples }
        }
}

BeforeAll {
    $repoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $repoRoot 'build/HelpMarkdown.ps1')
    Import-Module (Join-Path $repoRoot 'AncientPS.psd1') -ErrorAction Stop
    $commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + 'UseTransaction'

    # Every way the documented metadata of a cmdlet differs from the real one, as readable lines.
    function Get-ParameterDrift([System.Management.Automation.CmdletInfo] $Command, $Help) {
        $allSets = @($Command.ParameterSets.Name)
        $real = @($Command.Parameters.Values | Where-Object Name -NotIn $commonParameters)
        foreach ($name in $real.Name) {
            if ($name -notin $Help.Parameters.Name) { "-$name exists but is not documented" }
        }
        foreach ($doc in $Help.Parameters) {
            $parameter = $real | Where-Object Name -EQ $doc.Name
            if (-not $parameter) { "-$($doc.Name) is documented but does not exist"; continue }
            $meta = $doc.Metadata[0]
            $type = $parameter.ParameterType
            foreach ($block in $doc.Metadata) {
                if ($block.Type -notin $type.Name, $type.FullName) { "-$($doc.Name): Type is $($type.Name), not $($block.Type)" }
            }
            $realAliases = @($parameter.Aliases | Sort-Object)
            if (($realAliases -join ',') -ne (@($meta.Aliases | Sort-Object) -join ',')) {
                "-$($doc.Name): Aliases are '$($realAliases -join ', ')', not '$($meta.Aliases -join ', ')'"
            }
            $wildcards = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            if ($wildcards -ne $meta.Globbing) { "-$($doc.Name): Accept wildcard characters is $wildcards (the [SupportsWildcards()] attribute)" }

            # The sets the parameter belongs to, and how it binds in each of them.
            $realSets = if ($parameter.ParameterSets.ContainsKey('__AllParameterSets')) { $allSets } else { @($parameter.ParameterSets.Keys) }
            $covered = @()
            foreach ($block in $doc.Metadata) {
                $sets = if ($block.ParameterSets -contains '(All)') { $allSets } else { $block.ParameterSets }
                foreach ($set in $sets) {
                    $covered += $set
                    if ($set -notin $realSets) { "-$($doc.Name): is not in parameter set '$set'"; continue }
                    $binding = if ($parameter.ParameterSets.ContainsKey($set)) { $parameter.ParameterSets[$set] } else { $parameter.ParameterSets['__AllParameterSets'] }
                    $position = if ($binding.Position -eq [int]::MinValue) { 'Named' } else { "$($binding.Position)" }
                    if ($binding.IsMandatory -ne $block.Required) { "-$($doc.Name) in ${set}: Required is $($binding.IsMandatory)" }
                    if ($position -ne $block.Position) { "-$($doc.Name) in ${set}: Position is $position, not $($block.Position)" }
                    if ($binding.ValueFromPipeline -ne $block.ByValue) { "-$($doc.Name) in ${set}: ByValue pipeline input is $($binding.ValueFromPipeline)" }
                    if ($binding.ValueFromPipelineByPropertyName -ne $block.ByPropertyName) { "-$($doc.Name) in ${set}: ByPropertyName pipeline input is $($binding.ValueFromPipelineByPropertyName)" }
                }
            }
            foreach ($set in $realSets) {
                if ($set -notin $covered) { "-$($doc.Name): its parameter set '$set' is not documented" }
            }
        }
    }

    # Get-Command writes types by their accelerators (<string>, <long>); platyPS pages use type names (<String>, <Int64>).
    function ConvertTo-PlatyPSSyntax([string] $Syntax) {
        $accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')::Get
        $named = [regex]::Replace($Syntax, '<(\w+)(\[\])?>', {
                param($match)
                $type = $accelerators[$match.Groups[1].Value]
                if ($type) { "<$($type.Name)$($match.Groups[2].Value)>" } else { $match.Value }
            })
        ConvertTo-ComparableOutput $named
    }

    # The command line that starts a pwsh like this one: 'pwsh', or 'dotnet pwsh.dll' for the .NET tool.
    function Get-PwshCommandLine {
        $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $process, (Join-Path $PSHOME 'pwsh.dll') } else { , $process }
    }

    # A PSModulePath folder in which AncientPS resolves to this clone, so that runspaces, jobs and child
    # processes started by the examples can load the module by name, as they would once it is installed.
    # The examples run in that module folder, which holds ./AncientPS.psd1 as a clone does: code that
    # imports the module by that path, as the README's does, loads the very module loaded by name.
    function New-ExampleFolder([string] $Root) {
        $modules = Join-Path $Root 'Modules'
        $work = Join-Path $modules 'AncientPS'
        $null = New-Item -ItemType Directory -Path $work
        $windows = $IsWindows -or $PSVersionTable.PSVersion.Major -lt 6
        $folderLink = if ($windows) { 'Junction' } else { 'SymbolicLink' }
        $fileLink = if ($windows) { 'HardLink' } else { 'SymbolicLink' }
        $null = New-Item -ItemType $fileLink -Path (Join-Path $work 'AncientPS.psd1') -Target (Join-Path $repoRoot 'AncientPS.psd1')
        $null = New-Item -ItemType $folderLink -Path (Join-Path $work 'AncientPS') -Target (Join-Path $repoRoot 'AncientPS')
        # The cookbook runs a Pester suite of its own, with the Pester that runs this one.
        $pester = Get-Module Pester
        if ($pester) { $null = New-Item -ItemType $folderLink -Path (Join-Path $modules 'Pester') -Target $pester.ModuleBase }
        @{ Modules = $modules; Work = $work }
    }

    # Starts a pwsh that runs the examples of one file; Receive-ExampleFile waits for it and reads the results.
    function Start-ExampleFile([string] $Path) {
        $root = Join-Path ([IO.Path]::GetTempPath()) "AncientPS-help-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
        $folder = New-ExampleFolder $root
        $result = Join-Path $root 'result.json'
        $pwsh = @(Get-PwshCommandLine)
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-File',
            (Join-Path $repoRoot 'build/Invoke-HelpExample.ps1'), '-Path', $Path, '-ResultPath', $result) {
            $start.ArgumentList.Add($argument)
        }
        $start.WorkingDirectory = $folder.Work
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['PSModulePath'] = $folder.Modules + [IO.Path]::PathSeparator + $env:PSModulePath
        $process = [System.Diagnostics.Process]::Start($start)
        [pscustomobject]@{
            Path    = $Path
            Root    = $root
            Result  = $result
            Process = $process
            Stdout  = $process.StandardOutput.ReadToEndAsync()
            Stderr  = $process.StandardError.ReadToEndAsync()
        }
    }

    function Receive-ExampleFile($Run) {
        try {
            if (-not $Run.Process.WaitForExit(600000)) { $Run.Process.Kill($true); throw "The examples of $($Run.Path) did not finish within 10 minutes." }
            if (-not (Test-Path -LiteralPath $Run.Result)) { throw "The examples of $($Run.Path) did not run: $($Run.Stdout.Result) $($Run.Stderr.Result)" }
            $shown = Split-ExampleOutput $Run.Stdout.Result
            Get-Content -LiteralPath $Run.Result -Raw | ConvertFrom-Json | ForEach-Object {
                $_ | Add-Member -NotePropertyName Output -NotePropertyValue $shown[[int]$_.Line] -PassThru
            }
        }
        finally { Remove-Item -LiteralPath $Run.Root -Recurse -Force -ErrorAction SilentlyContinue }
    }

    # Every file's examples run in their own process, all at once: most of the time goes to starting pwsh.
    $exported = @((Import-PowerShellDataFile (Join-Path $repoRoot 'AncientPS.psd1')).CmdletsToExport)
    $exampleRuns = @{}
    foreach ($file in Get-ExampleSourceFile -RepoRoot $repoRoot -Cmdlet $exported) { $exampleRuns[$file] = Start-ExampleFile $file }
}

AfterAll {
    foreach ($run in $exampleRuns.Values) {
        if (-not $run.Process.HasExited) { $run.Process.Kill($true) }
        Remove-Item -LiteralPath $run.Root -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Describe 'The cmdlet page of <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $command = Get-Command -Module AncientPS -Name $Name -CommandType Cmdlet
        $help = if (Test-Path -LiteralPath $Page) { Read-CommandHelpMarkdown -Path $Page }
    }

    It 'exists in docs/en-US, as the module exports the cmdlet' {
        $Page | Should -Exist
    }

    It 'names the real parameter sets in SYNTAX, with the default one marked (Default)' {
        $realSets = @($command.ParameterSets.Name | Sort-Object)
        @($help.Syntax.Name | Sort-Object) | Should -Be $realSets
        if ($command.ParameterSets.Count -gt 1) {
            @($help.Syntax | Where-Object IsDefault).Name | Should -Be $command.DefaultParameterSet
        }
    }

    It 'shows the syntax Get-Command shows for each parameter set' {
        foreach ($set in $command.ParameterSets) {
            $documented = ($help.Syntax | Where-Object Name -EQ $set.Name).Text
            ConvertTo-ComparableOutput $documented | Should -Be (ConvertTo-PlatyPSSyntax "$Name $set") -Because "the syntax of set '$($set.Name)'"
        }
    }

    It 'documents every parameter as the cmdlet declares it: type, sets, mandatory, position, pipeline, aliases, wildcards' {
        @(Get-ParameterDrift -Command $command -Help $help) | Should -BeNullOrEmpty
    }

    It 'lists in OUTPUTS every type the cmdlet declares with [OutputType]' {
        foreach ($type in $command.OutputType.Name) {
            $documented = if ($type -eq 'System.Void') { 'None' } else { $type }
            $help.Outputs.Type | Should -Contain $documented
        }
    }

    It 'describes the common parameters and at least two examples' {
        $help.HasCommonParameters | Should -BeTrue
        $help.Examples.Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'A page for a cmdlet the module does not export (<Name>)' -ForEach $undocumentedPages {
    It 'is not checked until the module exports the cmdlet' -Skip { }
}

Describe 'The examples in <File>' -ForEach $exampleFiles {
    BeforeAll {
        $runs = @(Receive-ExampleFile $exampleRuns[$Path])
    }

    It 'runs the example at line <Line> and prints what the docs show' -ForEach $Examples {
        Assert-ExampleRun ($runs | Where-Object Line -EQ $Line) $Output
    }
}

Describe 'Get-Help for <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $help = Read-CommandHelpMarkdown -Path $Page
    }

    It 'gives the documented synopsis, not the syntax stub' {
        $synopsis = (Get-Help -Name $Name -Full).Synopsis
        ConvertTo-ComparableOutput $synopsis | Should -Be (ConvertTo-ComparableOutput $help.Synopsis)
    }

    It 'shows the description, examples, inputs, outputs and notes with -Full' {
        $full = ConvertTo-ComparableOutput (Get-Help -Name $Name -Full | Out-String -Width 4000)
        $expected = @(ConvertTo-ComparableOutput $help.Description[0]) + $help.Examples.Title + $help.Inputs.Type + $help.Outputs.Type + @(ConvertTo-ComparableOutput $help.Notes[0])
        foreach ($text in $expected) { $full.Contains($text) | Should -BeTrue -Because "Get-Help -Full should show '$text'" }
    }

    It 'lists every documented example with -Examples' {
        $examples = @((Get-Help -Name $Name -Examples).examples.example)
        $examples.Count | Should -Be $help.Examples.Count
        foreach ($i in 0..($examples.Count - 1)) {
            (ConvertTo-ComparableOutput $examples[$i].code).StartsWith((ConvertTo-ComparableOutput $help.Examples[$i].Code)) | Should -BeTrue
        }
    }

    It 'describes each parameter with -Parameter' {
        foreach ($parameter in $help.Parameters) {
            $shown = Get-Help -Name $Name -Parameter $parameter.Name
            $shown.name | Should -Be $parameter.Name
            ConvertTo-ComparableOutput ($shown.description.Text -join ' ') | Should -Be (ConvertTo-ComparableOutput ($parameter.Description -join ' '))
        }
    }
}

Describe 'The about_AncientPS topic' {
    It 'is served by Get-Help offline, starting with its short description' {
        $about = Read-AboutHelpMarkdown -Path (Join-Path $repoRoot 'docs/en-US/about_AncientPS.md')
        $text = (Get-Help -Name about_AncientPS | Out-String) -replace '\s+', ' '
        $text.Trim().StartsWith("TOPIC about_AncientPS SHORT DESCRIPTION $($about.Synopsis -replace '\s+', ' ') LONG DESCRIPTION") | Should -BeTrue
    }

    It 'shows plain text in Get-Help, not markdown: no backticks, bold marks or link syntax outside its code' {
        $lines = @((Get-Help -Name about_AncientPS | Out-String) -split "`r?`n" | Where-Object { $_ -notmatch '^ {8}' })
        $lines.Count | Should -BeGreaterThan 50
        @($lines | Where-Object { $_ -match '`|\*\*|\]\(' }) | Should -BeNullOrEmpty
        ($lines -join ' ') | Should -Match 'A heap is mounted with Mount-AncientHeap\.'
    }
}

Describe 'Build-Help' {
    It 'writes MAML with one command per page, each with details, syntax, parameters and examples' {
        $candidates = (Join-Path (Get-Module AncientPS).ModuleBase 'en-US/AncientPS.dll-Help.xml'), (Join-Path $repoRoot 'AncientPS/en-US/AncientPS.dll-Help.xml')
        $path = $candidates | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
        $path | Should -Not -BeNullOrEmpty -Because 'the build writes the MAML help'
        $maml = [xml](Get-Content -Raw -LiteralPath $path)
        $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $pages = @(Get-ChildItem (Join-Path $repoRoot 'docs/en-US') -Filter *.md | Where-Object Name -NotLike 'about_*')
        $commands = @($maml.SelectNodes('//command:command', $ns))
        $commands.Count | Should -Be $pages.Count
        foreach ($node in $commands) {
            $node.SelectSingleNode('command:details/maml:description/maml:para', $ns).InnerText | Should -Not -BeNullOrEmpty
            $node.SelectNodes('command:syntax/command:syntaxItem', $ns).Count | Should -BeGreaterThan 0
            $node.SelectNodes('command:examples/command:example', $ns).Count | Should -BeGreaterOrEqual 2
        }
    }

    It 'refuses a malformed page, naming the file and line' {
        $docs = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'docs')
        Copy-Item (Join-Path $repoRoot 'docs/en-US/Mount-AncientHeap.md') $docs
        $page = Join-Path $docs 'Mount-AncientHeap.md'
        (Get-Content -Raw $page) -replace 'Accept pipeline input: False', 'Accept pipeline input: Maybe' | Set-Content $page
        { & (Join-Path $repoRoot 'build/Build-Help.ps1') -DocsPath $docs -OutputPath (Join-Path $TestDrive 'out') 6>$null } |
            Should -Throw '*Mount-AncientHeap.md:*Accept pipeline input*'
    }
}
