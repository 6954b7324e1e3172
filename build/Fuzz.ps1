<#
.SYNOPSIS
The body of `build.ps1 Fuzz`: fuzzes the engine's mount-and-traverse path with AFL++ through SharpFuzz.

.DESCRIPTION
1. Installs AFL++ from Debian's packages with apt-get when afl-fuzz is missing (needs root, as on CI and dev machines).
2. Builds tests/fuzz/AncientPS.Fuzz and instruments its copy of AncientPS.Engine.dll with the sharpfuzz tool
   (SharpFuzz.CommandLine, a local tool in .config/dotnet-tools.json).
3. Writes the seed corpus (real heaps of every node kind) and runs afl-fuzz for -Minutes.
4. Prints the executions run and the crashes and hangs found; their inputs are in out/fuzz/findings. Replay one with
   `dotnet out/fuzz/replay/AncientPS.Fuzz.dll run <file>` (an uninstrumented copy), then turn it into a regression test under
   tests/units/AncientPS.Engine.Tests/Hostile.
Throws (so build.ps1 exits non-zero) when AFL++ found a crash or a hang.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 1440)]
    [int] $Minutes = 10,
    [string] $ArtifactsPath,
    # Keep the findings of an earlier run and resume from them instead of starting from the seeds.
    [switch] $Resume
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = Split-Path -Parent $PSScriptRoot
$Out = Join-Path $Root 'out/fuzz'
$Bin = Join-Path $Out 'bin'
$Replay = Join-Path $Out 'replay'
$Seeds = Join-Path $Out 'seeds'
$Findings = Join-Path $Out 'findings'
$Project = Join-Path $Root 'tests/fuzz/AncientPS.Fuzz/AncientPS.Fuzz.csproj'

function Invoke-Step([string] $FilePath, [string[]] $ArgumentList) {
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

if ($IsWindows) { throw 'build.ps1 Fuzz needs Linux: AFL++ does not run on Windows.' }

if (-not (Get-Command afl-fuzz -ErrorAction SilentlyContinue)) {
    Write-Host 'afl-fuzz is missing; installing AFL++ from Debian packages.'
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Step apt-get @('update', '-qq')
    Invoke-Step apt-get @('install', '-y', '-qq', 'afl++')
}

Invoke-Step dotnet @('tool', 'restore')
$build = @('build', $Project, '-c', 'Release', '-nologo', '-v', 'minimal', '-o', $Bin)
if ($ArtifactsPath) { $build += @('--artifacts-path', $ArtifactsPath) }
if (Test-Path -LiteralPath $Bin) { Remove-Item -LiteralPath $Bin -Recurse -Force }
Invoke-Step dotnet $build
# Instrumented code may run only under AFL++ (it writes to AFL's shared trace map), so the seeds are written, and
# findings are replayed, by an uninstrumented copy.
if (Test-Path -LiteralPath $Replay) { Remove-Item -LiteralPath $Replay -Recurse -Force }
Copy-Item -LiteralPath $Bin -Destination $Replay -Recurse
if (-not $Resume -or -not (Test-Path -LiteralPath $Findings)) {
    foreach ($folder in $Seeds, $Findings) { if (Test-Path -LiteralPath $folder) { Remove-Item -LiteralPath $folder -Recurse -Force } }
    Invoke-Step dotnet @((Join-Path $Replay 'AncientPS.Fuzz.dll'), 'seeds', $Seeds)
}
Invoke-Step dotnet @('sharpfuzz', (Join-Path $Bin 'AncientPS.Engine.dll'))

# AFL++ checks for a native instrumented binary and for core_pattern; neither applies to a .NET target run through dotnet.
$env:AFL_SKIP_BIN_CHECK = '1'
$env:AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1'
$env:AFL_SKIP_CPUFREQ = '1'
$env:AFL_NO_UI = '1'
$env:AFL_NO_AFFINITY = '1'
$env:AFL_AUTORESUME = '1'
$arguments = @('-i', $(if ($Resume -and (Test-Path -LiteralPath $Findings)) { '-' } else { $Seeds }), '-o', $Findings,
    '-t', '10000', '-m', 'none', '-V', [string]($Minutes * 60), '--', 'dotnet', (Join-Path $Bin 'AncientPS.Fuzz.dll'))
Write-Host "> afl-fuzz $($arguments -join ' ')" -ForegroundColor DarkGray
& afl-fuzz @arguments | Select-Object -Last 40 | Out-Host

$stats = Get-ChildItem -LiteralPath $Findings -Filter fuzzer_stats -Recurse | Select-Object -First 1
if (-not $stats) { throw "afl-fuzz wrote no fuzzer_stats under $Findings." }
$values = @{}
foreach ($line in Get-Content -LiteralPath $stats.FullName) {
    if ($line -match '^\s*(\S+)\s*:\s*(.*)$') { $values[$Matches[1]] = $Matches[2].Trim() }
}
$crashes = @(Get-ChildItem -Path (Join-Path $stats.DirectoryName 'crashes') -File -ErrorAction SilentlyContinue | Where-Object Name -ne 'README.txt')
$hangs = @(Get-ChildItem -Path (Join-Path $stats.DirectoryName 'hangs') -File -ErrorAction SilentlyContinue)
Write-Host ("fuzz: {0} executions in {1} s, {2} paths, {3} crashes, {4} hangs" -f $values['execs_done'], $values['run_time'], $values['corpus_count'], $crashes.Count, $hangs.Count)
foreach ($file in $crashes + $hangs) { Write-Host "  finding: $($file.FullName)" }
if ($crashes.Count + $hangs.Count -gt 0) { throw "AFL++ found $($crashes.Count) crashes and $($hangs.Count) hangs; replay them with: dotnet $(Join-Path $Replay 'AncientPS.Fuzz.dll') run <file>" }
