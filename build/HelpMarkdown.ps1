# Reads the help markdown under docs/: platyPS v1 cmdlet pages (schema 2.0.0), about topics, and the
# examples of any markdown file, and compares what an example shows with what the docs say it shows.
# build/Build-Help.ps1, build/Invoke-HelpExample.ps1 and tests/Help.Tests.ps1 dot-source this file, so
# the help that ships and the tests that check it read the docs the same way.
#
# Every problem throws "<file>:<line>: <what is wrong>", so a malformed page fails the build.

# The H2 sections a cmdlet page must have, in platyPS's order.
$script:CommandSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'

# The keys of a parameter's yaml block. 'Accepted values' is optional, as in platyPS.
$script:ParameterKeys = 'Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters'

function Stop-HelpMarkdown([string] $File, [int] $Line, [string] $Message) {
    throw "${File}:${Line}: $Message"
}

# Splits markdown into a flat list of blocks: front matter, headings, fenced code and paragraphs.
# Lists keep one item per line; every other paragraph is unwrapped into one line.
function ConvertTo-MarkdownBlock {
    param([Parameter(Mandatory)] [string] $Path)

    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    if ($lines.Count -gt 0 -and $lines[0] -eq '---') {
        $meta = [ordered]@{}
        for ($i = 1; $i -lt $lines.Count -and $lines[$i] -ne '---'; $i++) {
            if ($lines[$i] -match '^\s*$') { continue }
            if ($lines[$i] -notmatch '^([^:]+):\s*(.*)$') { Stop-HelpMarkdown $Path ($i + 1) "front matter line is not 'key: value'" }
            $meta[$Matches[1].Trim()] = $Matches[2].Trim()
        }
        if ($i -ge $lines.Count) { Stop-HelpMarkdown $Path 1 'front matter has no closing ---' }
        $blocks.Add([pscustomobject]@{ Kind = 'FrontMatter'; Line = 1; Data = $meta })
        $i++
    }

    $paragraph = [System.Collections.Generic.List[string]]::new()
    $paragraphLine = 0
    $flush = {
        if ($paragraph.Count -eq 0) { return }
        $isList = $paragraph[0] -match '^\s*([-*]|\d+\.)\s'
        $isTable = $paragraph[0] -match '^\s*\|'
        $text = if ($isList -or $isTable) { $paragraph -join "`n" } else { ($paragraph | ForEach-Object Trim) -join ' ' }
        $blocks.Add([pscustomobject]@{ Kind = 'Text'; Line = $paragraphLine; Text = $text; IsList = $isList; IsTable = $isTable })
        $paragraph.Clear()
    }

    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^(```+|~~~+)\s*([\w+-]*)\s*$') {
            . $flush
            $fence = $Matches[1]; $info = $Matches[2]; $start = $i + 1
            $body = [System.Collections.Generic.List[string]]::new()
            for ($i++; $i -lt $lines.Count -and $lines[$i].TrimEnd() -ne $fence; $i++) { $body.Add($lines[$i]) }
            if ($i -ge $lines.Count) { Stop-HelpMarkdown $Path $start "code fence $fence is never closed" }
            $blocks.Add([pscustomobject]@{ Kind = 'Fence'; Line = $start; Info = $info; Text = $body -join "`n" })
        }
        elseif ($line -match '^(#{1,6})\s+(.*?)\s*#*\s*$') {
            . $flush
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Line = $i + 1; Level = $Matches[1].Length; Text = $Matches[2] })
        }
        elseif ($line -match '^\s*$') { . $flush }
        else {
            # A list item that starts a new item ends any plain paragraph before it.
            if ($paragraph.Count -gt 0 -and $line -match '^\s*([-*]|\d+\.)\s' -and $paragraph[0] -notmatch '^\s*([-*]|\d+\.)\s') { . $flush }
            if ($paragraph.Count -eq 0) { $paragraphLine = $i + 1 }
            $paragraph.Add($line)
        }
    }
    . $flush
    $blocks
}

# Groups blocks under the headings of one level: returns one entry per heading with the blocks below it.
function Split-MarkdownSection {
    param([object[]] $Blocks, [int] $Level, [string] $File)

    $sections = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Heading' -and $block.Level -eq $Level) {
            $current = [pscustomobject]@{ Title = $block.Text; Line = $block.Line; Blocks = [System.Collections.Generic.List[object]]::new() }
            $sections.Add($current)
        }
        elseif ($block.Kind -eq 'Heading' -and $block.Level -lt $Level) {
            Stop-HelpMarkdown $File $block.Line "heading '$($block.Text)' is not expected here"
        }
        elseif ($null -eq $current) {
            Stop-HelpMarkdown $File $block.Line "text found before the first level-$Level heading"
        }
        else { $current.Blocks.Add($block) }
    }
    $sections
}

function Get-MarkdownParagraph([object[]] $Blocks) {
    @($Blocks | Where-Object Kind -EQ 'Text' | ForEach-Object Text)
}

function ConvertFrom-ParameterYaml([string] $Text, [string] $File, [int] $Line) {
    $data = [ordered]@{}
    foreach ($entry in $Text -split "`n") {
        if ($entry -match '^\s*$') { continue }
        if ($entry -notmatch '^([A-Za-z ]+):\s*(.*)$') { Stop-HelpMarkdown $File $Line "yaml line '$entry' is not 'key: value'" }
        $data[$Matches[1].Trim()] = $Matches[2].Trim()
    }
    foreach ($key in $script:ParameterKeys) {
        if (-not $data.Contains($key)) { Stop-HelpMarkdown $File $Line "parameter yaml lacks '${key}:'" }
    }
    if ($data['Required'] -notin 'True', 'False') { Stop-HelpMarkdown $File $Line "Required must be True or False, not '$($data['Required'])'" }
    if ($data['Position'] -notmatch '^(\d+|Named)$') { Stop-HelpMarkdown $File $Line "Position must be a number or Named, not '$($data['Position'])'" }
    if ($data['Accept pipeline input'] -notmatch '^(False|True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\))$') {
        Stop-HelpMarkdown $File $Line "Accept pipeline input must be False or True (ByValue, ByPropertyName), not '$($data['Accept pipeline input'])'"
    }
    if ($data['Accept wildcard characters'] -notin 'True', 'False') { Stop-HelpMarkdown $File $Line 'Accept wildcard characters must be True or False' }
    $pipeline = $data['Accept pipeline input']
    [pscustomobject]@{
        Type           = $data['Type']
        ParameterSets  = @($data['Parameter Sets'] -split ',\s*' | Where-Object { $_ })
        Aliases        = @(if ($data['Aliases'] -ne 'None') { $data['Aliases'] -split ',\s*' | Where-Object { $_ } })
        AcceptedValues = @(if ($data.Contains('Accepted values')) { $data['Accepted values'] -split ',\s*' })
        Required       = $data['Required'] -eq 'True'
        Position       = $data['Position']
        DefaultValue   = $data['Default value']
        PipelineInput  = $pipeline
        ByValue        = $pipeline -match 'ByValue'
        ByPropertyName = $pipeline -match 'ByPropertyName'
        Globbing       = $data['Accept wildcard characters'] -eq 'True'
        Line           = $Line
    }
}

# Reads one example's blocks: the powershell code, the Output block shown after it (if any),
# and the prose before and after, which becomes the remarks.
function ConvertFrom-ExampleBlock([string] $Title, [object[]] $Blocks, [string] $File, [int] $Line) {
    $code = @($Blocks | Where-Object { $_.Kind -eq 'Fence' -and $_.Info -eq 'powershell' })
    $output = @($Blocks | Where-Object { $_.Kind -eq 'Fence' -and $_.Info -eq 'Output' })
    if ($code.Count -ne 1) { Stop-HelpMarkdown $File $Line "example '$Title' needs exactly one powershell code block, found $($code.Count)" }
    if ($output.Count -gt 1) { Stop-HelpMarkdown $File $Line "example '$Title' has more than one Output block" }
    $other = @($Blocks | Where-Object { $_.Kind -eq 'Fence' -and $_.Info -notin 'powershell', 'Output' })
    if ($other) { Stop-HelpMarkdown $File $other[0].Line "example code blocks must be 'powershell' or 'Output', not '$($other[0].Info)'" }
    [pscustomobject]@{
        Title   = $Title
        Code    = $code[0].Text
        Output  = if ($output) { $output[0].Text } else { $null }
        Remarks = Get-MarkdownParagraph $Blocks
        File    = $File
        Line    = $code[0].Line
    }
}

# Reads a platyPS v1 cmdlet page into one object: Name, Synopsis, Syntax, Description, Examples,
# Parameters (each with its yaml blocks), Inputs, Outputs, Notes and Links.
function Read-CommandHelpMarkdown {
    param([Parameter(Mandatory)] [string] $Path)

    $file = Split-Path -Leaf $Path
    $blocks = @(ConvertTo-MarkdownBlock -Path $Path)
    if ($blocks.Count -eq 0 -or $blocks[0].Kind -ne 'FrontMatter') { Stop-HelpMarkdown $file 1 'the page must start with --- front matter' }
    $meta = $blocks[0].Data
    if ($meta['schema'] -ne '2.0.0') { Stop-HelpMarkdown $file 1 "front matter needs 'schema: 2.0.0'" }
    if (-not $meta['external help file']) { Stop-HelpMarkdown $file 1 "front matter needs 'external help file:'" }
    if (-not $meta.Contains('Module Name')) { Stop-HelpMarkdown $file 1 "front matter needs 'Module Name:'" }

    $top = @(Split-MarkdownSection -Blocks $blocks[1..($blocks.Count - 1)] -Level 1 -File $file)
    if ($top.Count -ne 1) { Stop-HelpMarkdown $file 1 "the page needs exactly one '# <Cmdlet name>' heading" }
    $name = $top[0].Title
    if ($name -ne [IO.Path]::GetFileNameWithoutExtension($file)) { Stop-HelpMarkdown $file $top[0].Line "the heading '$name' must match the file name" }
    if ($name -notmatch '^(\w+)-(\w+)$') { Stop-HelpMarkdown $file $top[0].Line "'$name' is not a Verb-Noun name" }
    $verb, $noun = $Matches[1], $Matches[2]

    $sections = @{}
    foreach ($section in Split-MarkdownSection -Blocks $top[0].Blocks -Level 2 -File $file) {
        if ($section.Title -notin $script:CommandSections) { Stop-HelpMarkdown $file $section.Line "unknown section '## $($section.Title)'" }
        if ($sections.ContainsKey($section.Title)) { Stop-HelpMarkdown $file $section.Line "section '## $($section.Title)' appears twice" }
        $sections[$section.Title] = $section
    }
    foreach ($title in $script:CommandSections) {
        if (-not $sections.ContainsKey($title)) { Stop-HelpMarkdown $file 1 "the page lacks '## $title'" }
    }

    $synopsis = (Get-MarkdownParagraph $sections['SYNOPSIS'].Blocks) -join ' '
    if (-not $synopsis) { Stop-HelpMarkdown $file $sections['SYNOPSIS'].Line 'SYNOPSIS is empty' }

    $syntax = foreach ($set in Split-MarkdownSection -Blocks $sections['SYNTAX'].Blocks -Level 3 -File $file) {
        $fence = @($set.Blocks | Where-Object Kind -EQ 'Fence')
        if ($fence.Count -ne 1) { Stop-HelpMarkdown $file $set.Line "syntax '$($set.Title)' needs one code block" }
        [pscustomobject]@{
            Name      = $set.Title -replace '\s*\(Default\)$'
            IsDefault = $set.Title -match '\(Default\)$'
            Text      = $fence[0].Text
        }
    }
    $syntax = @($syntax)
    if ($syntax.Count -eq 0) { Stop-HelpMarkdown $file $sections['SYNTAX'].Line 'SYNTAX has no parameter set' }

    $examples = foreach ($example in Split-MarkdownSection -Blocks $sections['EXAMPLES'].Blocks -Level 3 -File $file) {
        if ($example.Title -notmatch '^Example \d+: \S') { Stop-HelpMarkdown $file $example.Line "example heading must read '### Example N: <title>'" }
        ConvertFrom-ExampleBlock -Title $example.Title -Blocks $example.Blocks -File $file -Line $example.Line
    }

    $hasCommonParameters = $false
    $parameters = foreach ($parameter in Split-MarkdownSection -Blocks $sections['PARAMETERS'].Blocks -Level 3 -File $file) {
        if ($parameter.Title -eq 'CommonParameters') { $hasCommonParameters = $true; continue }
        if ($parameter.Title -notmatch '^-(\w+)$') { Stop-HelpMarkdown $file $parameter.Line "parameter heading must read '### -Name', not '$($parameter.Title)'" }
        $yaml = @($parameter.Blocks | Where-Object { $_.Kind -eq 'Fence' -and $_.Info -eq 'yaml' })
        if ($yaml.Count -eq 0) { Stop-HelpMarkdown $file $parameter.Line "parameter $($parameter.Title) has no yaml block" }
        [pscustomobject]@{
            Name        = $Matches[1]
            Description = Get-MarkdownParagraph $parameter.Blocks
            Metadata    = @($yaml | ForEach-Object { ConvertFrom-ParameterYaml -Text $_.Text -File $file -Line $_.Line })
        }
    }

    $typeList = {
        param($section)
        foreach ($type in Split-MarkdownSection -Blocks $section.Blocks -Level 3 -File $file) {
            [pscustomobject]@{ Type = $type.Title; Description = Get-MarkdownParagraph $type.Blocks }
        }
    }

    $links = foreach ($text in Get-MarkdownParagraph $sections['RELATED LINKS'].Blocks) {
        foreach ($line in $text -split "`n") {
            if ($line -notmatch '^\s*(?:[-*]\s+)?\[([^\]]+)\]\(([^)]*)\)\s*$') { Stop-HelpMarkdown $file $sections['RELATED LINKS'].Line "related link '$line' is not [text](uri)" }
            [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }
        }
    }

    [pscustomobject]@{
        Name                = $name
        Verb                = $verb
        Noun                = $noun
        File                = $file
        Metadata            = $meta
        Synopsis            = $synopsis
        Syntax              = $syntax
        Description         = Get-MarkdownParagraph $sections['DESCRIPTION'].Blocks
        Examples            = @($examples)
        Parameters          = @($parameters)
        HasCommonParameters = $hasCommonParameters
        Inputs              = @(& $typeList $sections['INPUTS'])
        Outputs             = @(& $typeList $sections['OUTPUTS'])
        Notes               = Get-MarkdownParagraph $sections['NOTES'].Blocks
        Links               = @($links)
    }
}

# Reads an about topic in platyPS's about schema: '# about_Name', '## Short description',
# '## Long description' (with ### subtopics), further '##' sections, and '## See also'.
function Read-AboutHelpMarkdown {
    param([Parameter(Mandatory)] [string] $Path)

    $file = Split-Path -Leaf $Path
    $blocks = @(ConvertTo-MarkdownBlock -Path $Path | Where-Object Kind -NE 'FrontMatter')
    $top = @(Split-MarkdownSection -Blocks $blocks -Level 1 -File $file)
    $name = [IO.Path]::GetFileNameWithoutExtension($file)
    if ($top.Count -ne 1 -or $top[0].Title -ne $name) { Stop-HelpMarkdown $file 1 "the topic needs exactly one '# $name' heading" }
    $sections = @(Split-MarkdownSection -Blocks $top[0].Blocks -Level 2 -File $file)
    foreach ($required in 'Short description', 'Long description', 'See also') {
        if (-not ($sections | Where-Object Title -EQ $required)) { Stop-HelpMarkdown $file 1 "the topic lacks '## $required'" }
    }
    if ($sections[0].Title -ne 'Short description' -or $sections[1].Title -ne 'Long description') {
        Stop-HelpMarkdown $file $sections[0].Line "'## Short description' and '## Long description' must come first"
    }
    [pscustomobject]@{
        Name     = $name
        File     = $file
        Synopsis = (Get-MarkdownParagraph $sections[0].Blocks) -join ' '
        Sections = $sections
    }
}

# Finds the runnable examples of any markdown file: every ```powershell block, with the ```Output
# block that directly follows it, if there is one. A ```powershell block whose first line is
# '# not run' is shown to readers but skipped.
function Get-MarkdownExample {
    param([Parameter(Mandatory)] [string] $Path)

    $file = Split-Path -Leaf $Path
    $blocks = @(ConvertTo-MarkdownBlock -Path $Path)
    # Section: the level-2 heading an example is under (a cookbook recipe); empty before the first one.
    $section = ''
    for ($i = 0; $i -lt $blocks.Count; $i++) {
        $block = $blocks[$i]
        if ($block.Kind -eq 'Heading' -and $block.Level -eq 2) { $section = $block.Text; continue }
        if ($block.Kind -ne 'Fence' -or $block.Info -ne 'powershell') { continue }
        if ($block.Text -match '^\s*# not run') { continue }
        $next = if ($i + 1 -lt $blocks.Count) { $blocks[$i + 1] }
        $output = if ($next -and $next.Kind -eq 'Fence' -and $next.Info -eq 'Output') { $next.Text }
        [pscustomobject]@{ File = $file; Line = $block.Line; Code = $block.Text; Output = $output; Section = $section }
    }
}

# Example output is compared modulo whitespace: each line is trimmed, runs of blanks become one space and
# empty lines are dropped. In the expected text, a placeholder such as <path>, <size> or <time> (a
# lower-case word in angle brackets) stands for a value that changes from run to run, and matches any
# text within one line.
function ConvertTo-ComparableOutput([string] $Text) {
    @(($Text -replace "`r") -split "`n" | ForEach-Object { ($_ -replace '\s+', ' ').Trim() } | Where-Object { $_ }) -join "`n"
}

function Test-ExampleOutput([string] $Expected, [string] $Actual) {
    $expectedText = ConvertTo-ComparableOutput $Expected
    $pattern = (([regex]'<[a-z][a-z0-9-]*>').Split($expectedText) | ForEach-Object { [regex]::Escape($_) }) -join '[^\n]*?'
    [regex]::IsMatch((ConvertTo-ComparableOutput $Actual), "^$pattern$")
}

# For the Pester suites that run examples (tests/Help.Tests.ps1, tests/Recipes.Tests.ps1): one example's run must not
# throw, must print what the docs show when they show output, and must write no error when they show none.
function Assert-ExampleRun($Run, $Output) {
    $Run | Should -Not -BeNullOrEmpty
    $Run.Threw | Should -BeNullOrEmpty -Because 'the example must not throw'
    if ($null -ne $Output) {
        $shown = ConvertTo-ComparableOutput $Output
        $printed = ConvertTo-ComparableOutput $Run.Output
        Test-ExampleOutput -Expected $Output -Actual $Run.Output | Should -BeTrue -Because "it should print`n$shown`n---- but printed ----`n$printed`n----"
    }
    else {
        @($Run.Errors) | Should -BeNullOrEmpty -Because 'an example without shown output must run without errors'
    }
}

# The lines build/Invoke-HelpExample.ps1 writes around what one example shows.
function Get-ExampleMarker([int] $Line, [switch] $Begin) {
    "##### example at line $Line $(if ($Begin) { 'begins' } else { 'ends' }) #####"
}

# Cuts the standard output of build/Invoke-HelpExample.ps1 into what each example showed, by line.
function Split-ExampleOutput([string] $Text) {
    $shown = @{}
    $pattern = '(?ms)^##### example at line (\d+) begins #####\r?\n(.*?)^##### example at line \1 ends #####'
    foreach ($match in [regex]::Matches($Text, $pattern)) { $shown[[int]$match.Groups[1].Value] = $match.Groups[2].Value }
    $shown
}

# The markdown files whose examples the help tests run: the pages of the given cmdlets (the exported ones),
# the about topics, the cookbook and the README.
# The cmdlet pages, whose examples tests/Help.Tests.ps1 runs with the module imported, as Get-Help readers have it.
function Get-ExampleSourceFile([string] $RepoRoot, [string[]] $Cmdlet) {
    $docs = Join-Path $RepoRoot 'docs/en-US'
    @(Get-ChildItem -LiteralPath $docs -Filter '*.md' | Where-Object { $_.BaseName -in $Cmdlet }).FullName |
        Where-Object { Test-Path -LiteralPath $_ }
}

# The recipes that readers run from a clone, which tests/Recipes.Tests.ps1 runs as they would: the cookbook, the
# README and the about topics.
function Get-RecipeSourceFile([string] $RepoRoot) {
    @(Join-Path $RepoRoot 'README.md') + @(Join-Path $RepoRoot 'docs/cookbook.md') +
        @(Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'docs/en-US') -Filter 'about_*.md').FullName |
        Where-Object { Test-Path -LiteralPath $_ }
}
