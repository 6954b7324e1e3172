# The recipes of README.md, docs/cookbook.md and the about topics run verbatim from a built clone, each in a fresh pwsh
# as a reader would start it: a fresh HOME, no AncientPS on PSModulePath but what the docs say to do.
# - README.md runs in a folder laid out as a built clone (./AncientPS.psd1 and ./AncientPS), and imports by path.
# - Each cookbook recipe (a level-2 section) and each about topic runs in its own pwsh, in an empty folder, after
#   'build.ps1 Install' (build/Install-Module.ps1) has put the module in that HOME's user module folder: runspaces,
#   jobs and processes then load it by name. Nothing is imported for them first.
# Output is compared as tests/Help.Tests.ps1 compares it (build/HelpMarkdown.ps1).
# And importing from a clone that has not been built says to run ./build.ps1 first.

BeforeDiscovery {
    $repoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $repoRoot 'build/HelpMarkdown.ps1')
    $recipeRuns = foreach ($file in Get-RecipeSourceFile -RepoRoot $repoRoot) {
        $examples = @(Get-MarkdownExample -Path $file)
        $isCookbook = (Split-Path -Leaf $file) -eq 'cookbook.md'
        $groups = if ($isCookbook) { $examples | Group-Object Section } else { , [pscustomobject]@{ Name = ''; Group = $examples } }
        foreach ($group in $groups) {
            @{
                Path     = $file
                File     = Split-Path -Leaf $file
                Section  = $group.Name
                Title    = if ($group.Name) { "$(Split-Path -Leaf $file): $($group.Name)" } else { Split-Path -Leaf $file }
                Examples = @($group.Group | ForEach-Object { @{ Line = $_.Line; Output = $_.Output } })
            }
        }
    }
}

BeforeAll {
    $repoRoot = Split-Path -Parent $PSScriptRoot
    . (Join-Path $repoRoot 'build/HelpMarkdown.ps1')
    $windows = $IsWindows -or $PSVersionTable.PSVersion.Major -lt 6
    $testRoot = Join-Path ([IO.Path]::GetTempPath()) "AncientPS-recipes-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $testRoot

    # The command line that starts a pwsh like this one: 'pwsh', or 'dotnet pwsh.dll' for the .NET tool.
    function Get-PwshCommandLine {
        $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $process, (Join-Path $PSHOME 'pwsh.dll') } else { , $process }
    }

    # A fresh HOME. With -Install, 'build.ps1 Install' has put the module in its user module folder (the default
    # destination; on Windows, where Documents does not follow HOME, a folder put on PSModulePath instead), beside
    # Pester, which the cookbook's fixture recipe runs.
    function New-ReaderHome([string] $Name, [switch] $Install) {
        $home_ = Join-Path $testRoot $Name
        $modules = if ($windows) { Join-Path $home_ 'Modules' } else { Join-Path $home_ '.local/share/powershell/Modules' }
        $null = New-Item -ItemType Directory -Path $modules -Force
        if ($Install) {
            $installed = & (Join-Path $repoRoot 'build/Install-Module.ps1') -Root $repoRoot -Destination $modules 6>$null 3>$null
            $installed.ModuleFolder | Should -Exist
            $pester = Get-Module Pester
            if ($pester) { $null = New-Item -ItemType $(if ($windows) { 'Junction' } else { 'SymbolicLink' }) -Path (Join-Path $modules 'Pester') -Target $pester.ModuleBase }
        }
        @{ Home = $home_; Modules = $modules }
    }

    # A folder laid out as a built clone: ./AncientPS.psd1 and ./AncientPS of this repository.
    function New-CloneFolder([string] $Name) {
        $folder = Join-Path $testRoot $Name
        $null = New-Item -ItemType Directory -Path $folder
        $folderLink = if ($windows) { 'Junction' } else { 'SymbolicLink' }
        $fileLink = if ($windows) { 'HardLink' } else { 'SymbolicLink' }
        $null = New-Item -ItemType $fileLink -Path (Join-Path $folder 'AncientPS.psd1') -Target (Join-Path $repoRoot 'AncientPS.psd1')
        $null = New-Item -ItemType $folderLink -Path (Join-Path $folder 'AncientPS') -Target (Join-Path $repoRoot 'AncientPS')
        $folder
    }

    # Starts a fresh pwsh in $WorkingDirectory with HOME $ReaderHome that runs one file's examples (or one section's);
    # Receive-Recipe waits for it and reads what each example showed.
    function Start-Recipe([string] $Path, [string] $Section, [hashtable] $ReaderHome, [string] $WorkingDirectory) {
        $result = Join-Path $testRoot "result-$([guid]::NewGuid().ToString('n').Substring(0, 8)).json"
        $pwsh = @(Get-PwshCommandLine)
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        $arguments = @($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-File',
        (Join-Path $repoRoot 'build/Invoke-HelpExample.ps1'), '-Path', $Path, '-ResultPath', $result, '-NoImport'
        if ($Section) { $arguments += '-Section', $Section }
        foreach ($argument in $arguments) { $start.ArgumentList.Add($argument) }
        $start.WorkingDirectory = $WorkingDirectory
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        # A reader's pwsh: its module path comes from its HOME, not from the session that runs these tests.
        $null = $start.Environment.Remove('PSModulePath')
        $null = $start.Environment.Remove('XDG_DATA_HOME')
        $start.Environment['HOME'] = $ReaderHome.Home
        if ($windows) { $start.Environment['PSModulePath'] = $ReaderHome.Modules }
        $process = [System.Diagnostics.Process]::Start($start)
        [pscustomobject]@{
            Key     = "$Path|$Section"
            Path    = $Path
            Result  = $result
            Process = $process
            Stdout  = $process.StandardOutput.ReadToEndAsync()
            Stderr  = $process.StandardError.ReadToEndAsync()
        }
    }

    function Receive-Recipe($Run) {
        if (-not $Run.Process.WaitForExit(600000)) { $Run.Process.Kill($true); throw "The recipes of $($Run.Path) did not finish within 10 minutes." }
        if (-not (Test-Path -LiteralPath $Run.Result)) { throw "The recipes of $($Run.Path) did not run: $($Run.Stdout.Result) $($Run.Stderr.Result)" }
        $shown = Split-ExampleOutput $Run.Stdout.Result
        Get-Content -LiteralPath $Run.Result -Raw | ConvertFrom-Json | ForEach-Object {
            $_ | Add-Member -NotePropertyName Output -NotePropertyValue $shown[[int]$_.Line] -PassThru
        }
    }

    # Every run in its own process, all at once: most of the time goes to starting pwsh and to the recipes' jobs.
    $installedHome = New-ReaderHome 'installed-home' -Install
    $plainHome = New-ReaderHome 'plain-home'
    $runs = @{}
    foreach ($file in Get-RecipeSourceFile -RepoRoot $repoRoot) {
        if ((Split-Path -Leaf $file) -eq 'README.md') {
            $run = Start-Recipe -Path $file -ReaderHome $plainHome -WorkingDirectory (New-CloneFolder 'clone')
            $runs[$run.Key] = $run
            continue
        }
        $sections = if ((Split-Path -Leaf $file) -eq 'cookbook.md') { @(Get-MarkdownExample -Path $file | ForEach-Object Section | Select-Object -Unique) } else { @('') }
        foreach ($section in $sections) {
            $work = Join-Path $testRoot "work-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
            $null = New-Item -ItemType Directory -Path $work
            $run = Start-Recipe -Path $file -Section $section -ReaderHome $installedHome -WorkingDirectory $work
            $runs[$run.Key] = $run
        }
    }
}

AfterAll {
    foreach ($run in $runs.Values) { if (-not $run.Process.HasExited) { $run.Process.Kill($true) } }
    Remove-Item -LiteralPath $testRoot -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The recipes of <Title>, from a built clone' -ForEach $recipeRuns {
    BeforeAll {
        $results = @(Receive-Recipe $runs["$Path|$Section"])
    }

    It 'runs the example at line <Line> and prints what the docs show' -ForEach $Examples {
        Assert-ExampleRun ($results | Where-Object Line -EQ $Line) $Output
    }
}

Describe 'build.ps1 Install' {
    It 'puts the module where a new pwsh loads it by name, and ForEach-Object -Parallel and Start-Job too' {
        $script = @'
$ErrorActionPreference = 'Stop'
"base=$((Get-Module AncientPS -ListAvailable | Select-Object -First 1).ModuleBase)"
$heap = Mount-AncientHeap -Anonymous
Set-AncientObject -Heap $heap -Key n -InputObject 21
"parallel=$(1..2 | ForEach-Object -Parallel { (Get-AncientObject -Heap $using:heap -Key n) * 2 } | Select-Object -First 1)"
"job=$(Start-Job { (Get-Command Mount-AncientHeap).Source } | Receive-Job -Wait -AutoRemoveJob)"
'@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $pwsh = @(Get-PwshCommandLine)
        $start = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded) { $start.ArgumentList.Add($argument) }
        $start.WorkingDirectory = $testRoot
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $null = $start.Environment.Remove('PSModulePath')
        $null = $start.Environment.Remove('XDG_DATA_HOME')
        $start.Environment['HOME'] = $installedHome.Home
        if ($windows) { $start.Environment['PSModulePath'] = $installedHome.Modules }
        $process = [System.Diagnostics.Process]::Start($start)
        $stderr = $process.StandardError.ReadToEndAsync()
        $lines = @($process.StandardOutput.ReadToEnd() -split "`r?`n")
        $process.WaitForExit()
        $process.ExitCode | Should -Be 0 -Because $stderr.Result
        $version = (Import-PowerShellDataFile (Join-Path $repoRoot 'AncientPS.psd1')).ModuleVersion
        $lines | Should -Contain "base=$(Join-Path $installedHome.Modules "AncientPS/$version")"
        $lines | Should -Contain 'parallel=42'
        $lines | Should -Contain 'job=AncientPS'
    }

    It 'replaces an earlier install of the same version' {
        $modules = Join-Path $testRoot 'reinstall'
        $first = & (Join-Path $repoRoot 'build/Install-Module.ps1') -Root $repoRoot -Destination $modules 6>$null 3>$null
        Set-Content -LiteralPath (Join-Path $first.ModuleFolder 'stale.txt') -Value 'left over'
        $second = & (Join-Path $repoRoot 'build/Install-Module.ps1') -Root $repoRoot -Destination $modules 6>$null 3>$null
        $second.ModuleFolder | Should -Be $first.ModuleFolder
        Join-Path $second.ModuleFolder 'stale.txt' | Should -Not -Exist
        Join-Path $second.ModuleFolder 'AncientPS.dll' | Should -Exist
        Join-Path $second.ModuleFolder 'AncientPS.Preflight.psm1' | Should -Not -Exist
    }
}

Describe 'Importing from a clone that has not been built' {
    It 'says to run ./build.ps1 first, not that an assembly cannot be loaded' {
        $clone = Join-Path $testRoot 'unbuilt'
        $null = New-Item -ItemType Directory -Path (Join-Path $clone 'AncientPS')
        Copy-Item -LiteralPath (Join-Path $repoRoot 'AncientPS.psd1') -Destination $clone
        Get-ChildItem -LiteralPath (Join-Path $repoRoot 'AncientPS') -File | Where-Object Extension -In '.ps1xml', '.psm1' |
            Copy-Item -Destination (Join-Path $clone 'AncientPS')
        $script = "try { Import-Module '$(Join-Path $clone 'AncientPS.psd1')' -ErrorAction Stop; 'imported' } catch { `"id=`$(`$_.FullyQualifiedErrorId)`"; `"category=`$(`$_.CategoryInfo.Category)`"; `"message=`$_`" }; `"loaded=`$(@(Get-Module AncientPS).Count)`""
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $pwsh = @(Get-PwshCommandLine)
        $lines = @(& $pwsh[0] @(@($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded) 2>&1 | ForEach-Object { "$_" })
        $lines | Should -Contain 'id=ModuleNotBuilt,Microsoft.PowerShell.Commands.ImportModuleCommand'
        $lines | Should -Contain 'category=ObjectNotFound'
        $lines | Should -Contain 'loaded=0'
        $message = $lines | Where-Object { $_ -like 'message=*' }
        $message | Should -BeLike "*not built*'$clone'*./build.ps1*"
        $message | Should -Not -BeLike '*Could not load file or assembly*'
    }
}
