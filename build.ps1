<#
.SYNOPSIS
Builds, tests, demonstrates, benchmarks, cleans and packages AncientPS.

.DESCRIPTION
Needs only the .NET SDK: run `dotnet tool restore` once, then `dotnet pwsh ./build.ps1 <Task>`.

  Build    compiles the solution and lays the module out in AncientPS/ (the default).
  Test     builds, runs the xunit and Pester suites, and prints `tests: N passed, N failed` last.
  Demo     builds and runs build/Demo.ps1: 100,000 records through a heap file, next to Export-Clixml.
  Bench    builds and runs the benchmarks (-Quick: the shorter run), the peers harness (SQLite, LiteDB, LMDB) included.
  Stress   kills a writer process at random moments, -Kills times or for -Minutes minutes (default 60), whichever comes
           first, and checks after every kill that the heap mounts, verifies and holds every committed value.
  Fuzz     runs the AFL++ fuzzer over the heap reader for -Minutes minutes (default 10).
  Clean    removes build output.
  Package  builds out/AncientPS/<version>/ and a .nupkg of it, and packs the engine as a NuGet library.
  Install  builds and puts the module on PSModulePath: in -Destination, or by default in the current user's module
           folder (~/.local/share/powershell/Modules, Documents\PowerShell\Modules on Windows), as AncientPS/<version>/.
           Runspaces, jobs and new processes then load it by name, as the cookbook's recipes do.

A task that fails exits non-zero.

.EXAMPLE
dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Stress', 'Fuzz', 'Clean', 'Package', 'Install')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Build into this folder (dotnet --artifacts-path) instead of each project's bin/ and obj/.
    [string] $ArtifactsPath,

    # Stress: how many times to kill the writer.
    [int] $Kills = 10000,

    # Fuzz: how long AFL++ runs (build/Fuzz.ps1, default 10). Stress: the most minutes to kill for (default 60).
    [int] $Minutes = 10,

    # Install: the PSModulePath folder to install into (default: the current user's module folder).
    [string] $Destination,

    # Bench: the shorter run (build/Bench.ps1 -Quick: no 1,000,000-record runs, fewer iterations and rounds).
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$script:MinutesGiven = $PSBoundParameters.ContainsKey('Minutes')

$Root = $PSScriptRoot
$ModuleFolder = Join-Path $Root 'AncientPS'
$OutFolder = Join-Path $Root 'out'
$PesterVersion = '5.7.1'
$XunitProject = Join-Path $Root 'tests/units/AncientPS.Engine.Tests/AncientPS.Engine.Tests.csproj'

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-ArtifactsArgument {
    if ($ArtifactsPath) { @('--artifacts-path', $ArtifactsPath) } else { @() }
}

# The PowerShell that runs this script; under `dotnet pwsh` the process is dotnet, so look in $PSHOME.
function Get-ChildPwsh {
    $apphost = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if (Test-Path -LiteralPath $apphost) {
        if ($IsWindows -or ((Get-Item -LiteralPath $apphost).UnixFileMode -band [System.IO.UnixFileMode]::UserExecute)) {
            return @{ FilePath = $apphost; Prefix = @() }
        }
    }
    @{ FilePath = 'dotnet'; Prefix = @(Join-Path $PSHOME 'pwsh.dll') }
}

function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $File, [string[]] $ArgumentList = @(), [switch] $AllowFailure)
    $pwsh = Get-ChildPwsh
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList
    Write-Host "> pwsh $File $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    $code = $LASTEXITCODE
    if ($code -ne 0 -and -not $AllowFailure) { throw "'$File' failed with exit code $code." }
    $code
}

function Get-ProjectOutput([string] $ProjectName, [string] $TargetFramework) {
    if ($ArtifactsPath) {
        Join-Path $ArtifactsPath "bin/$ProjectName/$($Configuration.ToLowerInvariant())"
    }
    else {
        Join-Path $Root "src/$ProjectName/bin/$Configuration/$TargetFramework"
    }
}

function Invoke-BuildTask {
    Invoke-Native dotnet (@('build', (Join-Path $Root 'AncientPS.slnx'), '-c', $Configuration, '-nologo', '-v', 'minimal') + (Get-ArtifactsArgument))

    $output = Get-ProjectOutput 'AncientPS' 'netstandard2.0'
    foreach ($name in 'AncientPS.dll', 'AncientPS.pdb', 'AncientPS.Engine.dll', 'AncientPS.Engine.pdb') {
        $source = Join-Path $output $name
        if (-not (Test-Path -LiteralPath $source)) {
            if ($name -like '*.dll') { throw "The build did not produce '$source'." }
            continue
        }
        $target = Join-Path $ModuleFolder $name
        # Replace rather than overwrite: a process that has the old DLL mapped keeps its own copy intact.
        if (Test-Path -LiteralPath $target) { Remove-Item -LiteralPath $target -Force }
        Copy-Item -LiteralPath $source -Destination $target
    }

    $helpBuilder = Join-Path $Root 'build/Build-Help.ps1'
    if (Test-Path -LiteralPath $helpBuilder) {
        Write-Host '> build/Build-Help.ps1' -ForegroundColor DarkGray
        & $helpBuilder -DocsPath (Join-Path $Root 'docs/en-US') -OutputPath (Join-Path $ModuleFolder 'en-US')
        # Get-Help looks for a binary module's help beside the manifest that loaded it. In a clone that is the root
        # AncientPS.psd1 (whose RootModule is AncientPS/AncientPS.dll), so a copy goes there too (git-ignored).
        $cloneHelp = Join-Path $Root 'en-US'
        New-Item -ItemType Directory -Path $cloneHelp -Force | Out-Null
        Copy-Item -Path (Join-Path $ModuleFolder 'en-US/*') -Destination $cloneHelp -Force
    }
    Write-Host "Module laid out in $ModuleFolder; import it with: Import-Module $(Join-Path $Root 'AncientPS.psd1')"
}

function Get-PesterModulePath {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'build/tools.proj'), '-nologo', '-v', 'quiet')
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = @(& dotnet nuget locals global-packages --list) -match '^global-packages:' | Select-Object -First 1
        if (-not $line) { throw 'Cannot find the NuGet global packages folder (dotnet nuget locals global-packages --list).' }
        $packages = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $pester = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $pester)) { throw "Pester $PesterVersion was restored, but '$pester' is missing." }
    $pester
}

function Invoke-XunitSuite {
    if (-not (Test-Path -LiteralPath $XunitProject)) {
        Write-Warning "The xunit project '$XunitProject' is missing."
        return $null
    }
    $results = Join-Path $OutFolder 'TestResults/xunit'
    if (Test-Path -LiteralPath $results) { Remove-Item -LiteralPath $results -Recurse -Force }
    $arguments = @('test', $XunitProject, '-c', $Configuration, '--no-build', '-nologo',
        '--logger', 'trx;LogFileName=xunit.trx', '--logger', 'console;verbosity=normal',
        '--results-directory', $results) + (Get-ArtifactsArgument)
    Write-Host "> dotnet $($arguments -join ' ')" -ForegroundColor DarkGray
    $lines = & dotnet @arguments 2>&1 | ForEach-Object { $line = "$_"; Write-Host $line; $line }

    $trx = Get-ChildItem -LiteralPath $results -Filter *.trx -Recurse -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($trx) {
        [xml] $report = Get-Content -LiteralPath $trx.FullName -Raw
        $counters = $report.TestRun.ResultSummary.Counters
        return [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted }
    }
    # Microsoft.Testing.Platform and VSTest console summaries, when no TRX was written.
    $summary = $lines | Select-String -Pattern 'Failed:\s*(\d+),\s*Passed:\s*(\d+)' | Select-Object -Last 1
    if ($summary) {
        return [pscustomobject]@{ Passed = [int]$summary.Matches[0].Groups[2].Value; Failed = [int]$summary.Matches[0].Groups[1].Value }
    }
    $summary = $lines | Select-String -Pattern 'total:\s*(\d+).*failed:\s*(\d+).*succeeded:\s*(\d+)' | Select-Object -Last 1
    if ($summary) {
        return [pscustomobject]@{ Passed = [int]$summary.Matches[0].Groups[3].Value; Failed = [int]$summary.Matches[0].Groups[2].Value }
    }
    Write-Warning 'The xunit run wrote neither a TRX report nor a summary line.'
    $null
}

function Invoke-PesterSuite {
    $tests = @(Get-ChildItem -LiteralPath (Join-Path $Root 'tests') -Filter *.Tests.ps1 -File | ForEach-Object FullName)
    if ($tests.Count -eq 0) {
        Write-Warning 'No Pester tests (tests/*.Tests.ps1) were found.'
        return $null
    }
    $pester = Get-PesterModulePath
    $results = Join-Path $OutFolder 'TestResults'
    New-Item -ItemType Directory -Path $results -Force | Out-Null
    $summaryPath = Join-Path $results 'pester-summary.json'
    if (Test-Path -LiteralPath $summaryPath) { Remove-Item -LiteralPath $summaryPath -Force }

    $arguments = @('-PesterPath', $pester, '-SummaryPath', $summaryPath, '-ResultPath', (Join-Path $results 'pester.xml'), '-TestPath', ($tests -join ';'))
    $null = Invoke-ChildPwsh -File (Join-Path $Root 'build/Invoke-PesterSuite.ps1') -ArgumentList $arguments -AllowFailure
    if (-not (Test-Path -LiteralPath $summaryPath)) {
        Write-Warning 'The Pester run ended without writing its summary.'
        return $null
    }
    Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json
}

function Invoke-TestTask {
    Invoke-BuildTask
    $suites = [ordered]@{ xunit = Invoke-XunitSuite; Pester = Invoke-PesterSuite }

    $passed = 0
    $failed = 0
    $complete = $true
    Write-Host ''
    foreach ($name in $suites.Keys) {
        $suite = $suites[$name]
        if ($null -eq $suite -or ($suite.Passed + $suite.Failed) -eq 0) {
            Write-Host "${name}: did not run" -ForegroundColor Red
            $complete = $false
            continue
        }
        Write-Host "${name}: $($suite.Passed) passed, $($suite.Failed) failed"
        $passed += $suite.Passed
        $failed += $suite.Failed
    }
    Write-Host "tests: $passed passed, $failed failed"
    if ($failed -gt 0 -or -not $complete) { exit 1 }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    $null = Invoke-ChildPwsh -File (Join-Path $Root 'build/Demo.ps1')
}

function Invoke-BenchTask {
    Invoke-BuildTask
    # Both harnesses: the PowerShell one against Export-Clixml, JSON and in-memory objects, and the engine's
    # BenchmarkDotNet suite. Missed goals are reported, never a failure.
    & (Join-Path $Root 'build/Bench.ps1') -Configuration $Configuration -ArtifactsPath $ArtifactsPath -Quick:$Quick
    if ($LASTEXITCODE) { throw "The benchmarks failed with exit code $LASTEXITCODE." }
}

function Invoke-StressTask {
    # build/Stress.ps1: the engine's kill loop with -Kills kills or -Minutes minutes, whichever comes first.
    $parameters = @{ Kills = $Kills; Configuration = $Configuration }
    $parameters.Minutes = if ($script:MinutesGiven) { $Minutes } else { 60 }
    if ($ArtifactsPath) { $parameters.ArtifactsPath = $ArtifactsPath }
    & (Join-Path $Root 'build/Stress.ps1') @parameters
    if ($LASTEXITCODE) { throw "The kill loop failed with exit code $LASTEXITCODE." }
}

function Invoke-CleanTask {
    $folders = @($OutFolder) + @(Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'build') -Directory -Recurse -Include bin, obj -ErrorAction SilentlyContinue | ForEach-Object FullName)
    if ($ArtifactsPath) { $folders += $ArtifactsPath }
    foreach ($folder in $folders) {
        if (Test-Path -LiteralPath $folder) { Remove-Item -LiteralPath $folder -Recurse -Force }
    }
    Get-ChildItem -LiteralPath $ModuleFolder -File -Include *.dll, *.pdb, *.deps.json -ErrorAction SilentlyContinue -Recurse | Remove-Item -Force
    foreach ($generated in 'en-US/AncientPS.dll-Help.xml', 'en-US/about_AncientPS.help.txt') {
        $path = Join-Path $ModuleFolder $generated
        if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Force }
    }
    $cloneHelp = Join-Path $Root 'en-US'
    if (Test-Path -LiteralPath $cloneHelp) { Remove-Item -LiteralPath $cloneHelp -Recurse -Force }
    Write-Host 'Cleaned.'
}

function Invoke-PackageTask {
    Invoke-BuildTask
    $package = & (Join-Path $Root 'build/New-ModulePackage.ps1') -Root $Root -OutputPath $OutFolder
    if (-not $package.Nupkg) { throw 'The module .nupkg was not made: PowerShell 7.4 or later (with PSResourceGet) is needed to pack it.' }
    $nupkgFolder = Split-Path -Parent $package.Nupkg
    Get-ChildItem -LiteralPath $nupkgFolder -Filter 'AncientPS.Engine.*.nupkg' | Remove-Item -Force
    Invoke-Native dotnet (@('pack', (Join-Path $Root 'src/AncientPS.Engine/AncientPS.Engine.csproj'), '-c', $Configuration, '-nologo', '-o', $nupkgFolder) + (Get-ArtifactsArgument))
    Get-ChildItem -LiteralPath $nupkgFolder -Filter *.nupkg | ForEach-Object { Write-Host "Packed $($_.FullName)" }
    Write-Host "Module folder: $($package.ModuleFolder)"
}

function Invoke-InstallTask {
    Invoke-BuildTask
    $parameters = @{ Root = $Root }
    if ($Destination) { $parameters.Destination = $Destination }
    $null = & (Join-Path $Root 'build/Install-Module.ps1') @parameters
}

try {
    switch ($Task) {
        'Build' { Invoke-BuildTask }
        'Test' { Invoke-TestTask }
        'Demo' { Invoke-DemoTask }
        'Bench' { Invoke-BenchTask }
        'Stress' { Invoke-StressTask }
        'Fuzz' { & (Join-Path $Root 'build/Fuzz.ps1') -Minutes $Minutes -ArtifactsPath $ArtifactsPath }
        'Clean' { Invoke-CleanTask }
        'Package' { Invoke-PackageTask }
        'Install' { Invoke-InstallTask }
    }
}
catch {
    Write-Host "build.ps1 ${Task}: $($_.Exception.Message)" -ForegroundColor Red
    Write-Host $_.ScriptStackTrace -ForegroundColor DarkGray
    exit 1
}
