<#
.SYNOPSIS
Builds the module's offline help from the platyPS markdown in docs/en-US.

.DESCRIPTION
Converts every cmdlet page (platyPS v1, schema 2.0.0) into one MAML file, AncientPS.dll-Help.xml, with
the structure platyPS's New-ExternalHelp writes, and every about_*.md topic into about_*.help.txt,
wrapped at 80 columns. Malformed markdown throws, naming the file and line.

.EXAMPLE
./build/Build-Help.ps1 -DocsPath ./docs/en-US -OutputPath ./AncientPS/en-US
#>
[CmdletBinding()]
param(
    [string] $DocsPath = (Join-Path $PSScriptRoot '../docs/en-US'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../AncientPS/en-US'),
    [string] $HelpFileName = 'AncientPS.dll-Help.xml'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'HelpMarkdown.ps1')

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Para([System.Xml.XmlWriter] $Writer, [string] $Element, [string[]] $Paragraphs) {
    $prefix, $local = $Element -split ':'
    $Writer.WriteStartElement($prefix, $local, $(if ($prefix -eq 'maml') { $maml } else { $dev }))
    foreach ($paragraph in $Paragraphs) {
        # A list keeps one paragraph per item, so Get-Help shows the items on their own lines.
        foreach ($item in $paragraph -split "`n(?=\s*(?:[-*]|\d+\.)\s)") {
            $Writer.WriteElementString('maml', 'para', $maml, ($item -replace '\s*\n\s*', ' '))
        }
    }
    $Writer.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Parameter, $Metadata, [bool] $InSyntax) {
    $isSwitch = $Metadata.Type -eq 'SwitchParameter'
    $Writer.WriteStartElement('command', 'parameter', $command)
    $Writer.WriteAttributeString('required', $Metadata.Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', $Metadata.Globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Metadata.PipelineInput)
    $Writer.WriteAttributeString('position', $Metadata.Position.ToLowerInvariant())
    $Writer.WriteAttributeString('aliases', $(if ($Metadata.Aliases) { $Metadata.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    Write-Para $Writer 'maml:description' $Parameter.Description
    if ($Metadata.AcceptedValues) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $command)
        foreach ($value in $Metadata.AcceptedValues) {
            $Writer.WriteStartElement('command', 'parameterValue', $command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('command', 'variableLength', $command, 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    # As in platyPS, a switch has no value in the syntax.
    if (-not ($isSwitch -and $InSyntax)) {
        $Writer.WriteStartElement('command', 'parameterValue', $command)
        $Writer.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Metadata.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $dev)
    $Writer.WriteElementString('maml', 'name', $maml, $Metadata.Type)
    $Writer.WriteElementString('maml', 'uri', $maml, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $dev, $Metadata.DefaultValue)
    $Writer.WriteEndElement()
}

# The metadata block of a parameter that applies to one parameter set, or $null.
function Get-SetMetadata($Parameter, [string] $SetName) {
    $Parameter.Metadata | Where-Object { $_.ParameterSets -contains $SetName -or $_.ParameterSets -contains '(All)' } | Select-Object -First 1
}

function Write-TypeList([System.Xml.XmlWriter] $Writer, [string] $ListElement, [string] $ItemElement, $Types) {
    $Writer.WriteStartElement('command', $ListElement, $command)
    foreach ($type in $Types) {
        $Writer.WriteStartElement('command', $ItemElement, $command)
        $Writer.WriteStartElement('dev', 'type', $dev)
        $Writer.WriteElementString('maml', 'name', $maml, $type.Type)
        $Writer.WriteEndElement()
        Write-Para $Writer 'maml:description' $type.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-CommandHelp([System.Xml.XmlWriter] $Writer, $Help) {
    $Writer.WriteStartElement('command', 'command', $command)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $command)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

    $Writer.WriteStartElement('command', 'details', $command)
    $Writer.WriteElementString('command', 'name', $command, $Help.Name)
    $Writer.WriteElementString('command', 'verb', $command, $Help.Verb)
    $Writer.WriteElementString('command', 'noun', $command, $Help.Noun)
    Write-Para $Writer 'maml:description' $Help.Synopsis
    $Writer.WriteEndElement()

    Write-Para $Writer 'maml:description' $Help.Description

    # Like platyPS, the syntax comes from the parameters' metadata, not from the SYNTAX text:
    # positional parameters by position, then the rest in the order the page lists them.
    $Writer.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $Help.Syntax) {
        $Writer.WriteStartElement('command', 'syntaxItem', $command)
        $Writer.WriteElementString('maml', 'name', $maml, $Help.Name)
        $inSet = foreach ($parameter in $Help.Parameters) {
            $metadata = Get-SetMetadata $parameter $set.Name
            if ($metadata) { [pscustomobject]@{ Parameter = $parameter; Metadata = $metadata } }
        }
        $ordered = @($inSet | Where-Object { $_.Metadata.Position -ne 'Named' } | Sort-Object { [int]$_.Metadata.Position }) +
                   @($inSet | Where-Object { $_.Metadata.Position -eq 'Named' })
        foreach ($item in $ordered) { Write-Parameter $Writer $item.Parameter $item.Metadata $true }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $command)
    foreach ($parameter in $Help.Parameters) { Write-Parameter $Writer $parameter $parameter.Metadata[0] $false }
    $Writer.WriteEndElement()

    Write-TypeList $Writer 'inputTypes' 'inputType' $Help.Inputs
    Write-TypeList $Writer 'returnValues' 'returnValue' $Help.Outputs

    $Writer.WriteStartElement('maml', 'alertSet', $maml)
    Write-Para $Writer 'maml:alert' $Help.Notes
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $command)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $command)
        $Writer.WriteElementString('maml', 'title', $maml, "--------- $($example.Title) ---------")
        # platyPS joins an example's code blocks into dev:code, so the output reads as a console transcript.
        $code = if ($example.Output) { "$($example.Code)`n`n$($example.Output)" } else { $example.Code }
        $Writer.WriteElementString('dev', 'code', $dev, $code)
        # The empty last paragraph keeps a blank line between one example and the next title in Get-Help.
        Write-Para $Writer 'dev:remarks' (@($example.Remarks) + '')
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $command)
    if ($Help.Metadata['online version']) {
        $Writer.WriteStartElement('maml', 'navigationLink', $maml)
        $Writer.WriteElementString('maml', 'linkText', $maml, 'Online Version:')
        $Writer.WriteElementString('maml', 'uri', $maml, $Help.Metadata['online version'])
        $Writer.WriteEndElement()
    }
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $maml)
        $Writer.WriteElementString('maml', 'linkText', $maml, $link.Text)
        # A link to a sibling page (Mount-AncientHeap.md) means the command's own help offline.
        $Writer.WriteElementString('maml', 'uri', $maml, $(if ($link.Uri -match '^https?://') { $link.Uri } else { '' }))
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

# Wraps text to a width, indenting every line; a hanging indent lines up list items' continuation.
function Format-Wrapped([string] $Text, [int] $Indent, [int] $Hanging = 0, [int] $Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ' ' * $Indent
    $empty = $true
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $Width) {
            $lines.Add($line)
            $line = ' ' * ($Indent + $Hanging) + $word
        }
        else { $line += $(if ($empty) { $word } else { " $word" }) }
        $empty = $false
    }
    if (-not $empty) { $lines.Add($line) }
    $lines -join "`n"
}

# A markdown table becomes aligned columns, with the separator row drawn as dashes under each header.
function Format-AboutTable([string] $Text) {
    $rows = @($Text -split "`n" | ForEach-Object { , @($_.Trim().Trim('|') -split '\|' | ForEach-Object Trim) })
    $widths = foreach ($column in 0..($rows[0].Count - 1)) { ($rows | ForEach-Object { $_[$column].Length } | Measure-Object -Maximum).Maximum }
    $lines = foreach ($row in $rows) {
        $cells = if ($row[0] -match '^:?-+:?$') { foreach ($width in $widths) { '-' * $width } } else { $row }
        $padded = for ($column = 0; $column -lt $cells.Count; $column++) { $cells[$column].PadRight($widths[$column]) }
        ('    ' + ($padded -join '  ')).TrimEnd()
    }
    $lines -join "`n"
}

# An about topic is plain text in Get-Help: inline markdown goes (`code` and **bold** keep their text, a link
# [text](https://...) becomes "text (https://...)"), while code blocks stay as written.
function ConvertTo-PlainInline([string] $Text) {
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\((https?://[^)\s]+)\)', '$1 ($2)')
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\([^)]*\)', '$1')
    $Text = [regex]::Replace($Text, '\*\*([^*]+)\*\*', '$1')
    [regex]::Replace($Text, '(`+)(.+?)\1', '$2')
}

function Format-AboutBlock($Block) {
    switch ($Block.Kind) {
        'Heading' {
            # Sub-headings of the about topic sit at 4 columns, like its paragraphs, and are underlined.
            $title = ConvertTo-PlainInline $Block.Text
            "    $title`n    $('-' * $title.Length)"
        }
        'Fence' { ($Block.Text -split "`n" | ForEach-Object { if ($_) { "        $_" } else { '' } }) -join "`n" }
        'Text' {
            $Block = [pscustomobject]@{ Text = ConvertTo-PlainInline $Block.Text; IsTable = $Block.IsTable; IsList = $Block.IsList }
            if ($Block.IsTable) { Format-AboutTable $Block.Text }
            elseif ($Block.IsList) {
                $items = $Block.Text -split "`n(?=\s*(?:[-*]|\d+\.)\s)"
                ($items | ForEach-Object {
                        $null = $_ -match '(?s)^(\s*)((?:[-*]|\d+\.)\s+)(.*)$'
                        $depth = 4 + $Matches[1].Length
                        Format-Wrapped ($Matches[1] + $Matches[2] + ($Matches[3] -replace '\s*\n\s*', ' ')).Trim() $depth $Matches[2].Length
                    }) -join "`n"
            }
            else { Format-Wrapped $Block.Text 4 }
        }
    }
}

function ConvertTo-AboutText($About) {
    $out = [System.Text.StringBuilder]::new()
    $null = $out.Append("TOPIC`n    $($About.Name)`n")
    foreach ($section in $About.Sections) {
        $null = $out.Append("`n$($section.Title.ToUpperInvariant())`n")
        $parts = @($section.Blocks | ForEach-Object { Format-AboutBlock $_ })
        $null = $out.Append(($parts -join "`n`n") + "`n")
    }
    $out.ToString()
}

$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
$null = New-Item -ItemType Directory -Force -Path $OutputPath
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath

$pages = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object Name -NotLike 'about_*' | Sort-Object Name)
if ($pages.Count -eq 0) { throw "No cmdlet pages in $DocsPath." }
$helps = foreach ($page in $pages) { Read-CommandHelpMarkdown -Path $page.FullName }

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$mamlPath = Join-Path $OutputPath $HelpFileName
$writer = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($help in $helps) { Write-CommandHelp $writer $help }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }

$topics = foreach ($topic in Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md') {
    $about = Read-AboutHelpMarkdown -Path $topic.FullName
    $textPath = Join-Path $OutputPath "$($about.Name).help.txt"
    [IO.File]::WriteAllText($textPath, (ConvertTo-AboutText $about), [System.Text.UTF8Encoding]::new($false))
    $about.Name
}

Write-Host "Help: $(@($helps).Count) cmdlet pages and $(@($topics).Count) about topic(s) written to $OutputPath"
