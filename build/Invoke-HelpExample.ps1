<#
.SYNOPSIS
Runs the examples of one markdown file, in order, in this session, and shows what each one shows.

.DESCRIPTION
tests/Help.Tests.ps1 starts this script in a fresh pwsh process for each cmdlet page, with the module on
PSModulePath and imported, and an empty working directory; tests/Recipes.Tests.ps1 starts it for each cookbook
recipe (-Section) and for the README and about topics, with -NoImport, as a reader would run them from a built
clone. Within one run, each example sees what the earlier ones set up.

Each example's output goes to the host, between two marker lines naming the example's line, so that the
caller reads from this process's standard output what a console shows: formatted objects, -WhatIf
messages, Write-Host, warnings and errors. Whether an example threw, and the errors it wrote, go to
-ResultPath as JSON.
#>
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Only the examples under this level-2 heading (one cookbook recipe).
    [string] $Section,
    # Import nothing first: the examples load the module themselves, by path or by name, as a reader's would.
    [switch] $NoImport
)

. (Join-Path $PSScriptRoot 'HelpMarkdown.ps1')
$__examples = @(Get-MarkdownExample -Path $Path | Where-Object { -not $PSBoundParameters.ContainsKey('Section') -or $_.Section -eq $Section })
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
if (-not $NoImport) { Import-Module AncientPS -ErrorAction Stop }

# Errors are shown in the console's concise form: '<Command>: <message>', or '<Reason>: <message>' for an
# error that no command wrote. (The console also shows where the error happened, for errors past the
# first line of what was typed; the docs leave that out.)
$__showError = {
    if ($_ -isnot [System.Management.Automation.ErrorRecord]) { return $_ }
    $__errors.Add($_.ToString())
    $source = if ($_.InvocationInfo -and $_.InvocationInfo.MyCommand) { $_.InvocationInfo.MyCommand.Name }
    elseif ($_.Exception.GetType() -eq [System.Management.Automation.RuntimeException]) { 'Exception' }
    else { $_.CategoryInfo.Reason }
    "${source}: $_"
}

$__results = [System.Collections.Generic.List[object]]::new()
foreach ($__example in $__examples) {
    $__threw = $null
    $__errors = [System.Collections.Generic.List[string]]::new()
    Write-Host (Get-ExampleMarker -Line $__example.Line -Begin)
    # A nested pipeline in this runspace runs the code as the console runs what is typed at the prompt:
    # an error ends its statement only, and variables live on for the next example.
    $__pipeline = [powershell]::Create([System.Management.Automation.RunspaceMode]::CurrentRunspace)
    try {
        $null = $__pipeline.AddScript($__example.Code, $false)
        $__pipeline.Commands.Commands[0].MergeMyResults('Error', 'Output')
        $null = $__pipeline.AddCommand('ForEach-Object').AddParameter('Process', $__showError)
        # Format at a fixed width, that of a common console, whatever the width of this process's host.
        $null = $__pipeline.AddCommand('Out-String').AddParameter('Stream').AddParameter('Width', 120)
        $null = $__pipeline.AddCommand('Out-Default')
        $null = $__pipeline.Invoke()
    }
    catch {
        $__exception = $_.Exception
        while ($__exception -is [System.Management.Automation.MethodInvocationException] -and $__exception.InnerException) { $__exception = $__exception.InnerException }
        $__threw = $__exception.Message
    }
    finally { $__pipeline.Dispose() }
    Write-Host (Get-ExampleMarker -Line $__example.Line)
    $__results.Add([pscustomobject]@{ Line = $__example.Line; Errors = @($__errors); Threw = $__threw })
}
ConvertTo-Json -InputObject @($__results) -Depth 3 | Set-Content -LiteralPath $ResultPath -Encoding utf8
