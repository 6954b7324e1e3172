<#
.SYNOPSIS
The body of `build.ps1 Bench`: runs the PowerShell harnesses (tests/benchmarks/Bench.ps1, ConcurrencyBench.ps1, SourcesBench.ps1, CrossingBench.ps1, PeersBench.ps1, OpenBench.ps1 and ColdStartBench.ps1) in a fresh pwsh, then the
engine's BenchmarkDotNet suite, then writes the scaling chart and the Markdown tables from their results.

.DESCRIPTION
Expects the module to be built and laid out already (build.ps1 Build). Everything goes to out/bench/:
  bench-results.json   every goal row with all samples, and the scaling points (PowerShell harness)
  concurrency-results.json   1, 2 and 4 runspaces scanning one heap; the small Set alone, attached, flushed
  sources-results.json   Set against Export-Clixml and JSON of the same objects, per source (SourcesBench.ps1)
  crossing-results.json   what making stored values cross into jobs and remoting costs a first pass (CrossingBench.ps1)
  peers-results.json, peers-table.md   SQLite, LiteDB and LMDB against AncientPS (PeersBench.ps1, issue 18)
  open-results.json    the open row step by step against SQLite (OpenBench.ps1, issue 18)
  coldstart-results.json   a new pwsh that imports, mounts and reads against a bare one; the first Set (ColdStartBench.ps1)
  engine/results/      BenchmarkDotNet reports, and engine-goals.json
  bench-tables.md      the tables for docs/performance.md
  performance-scaling.svg
With -UpdateDocs the chart is also written to docs/performance-scaling.svg.

Benchmarks never fail the build on a missed goal: only a harness that crashes does.

.EXAMPLE
dotnet pwsh ./build/Bench.ps1 -Quick
#>
[CmdletBinding()]
param(
    # Skip the 1,000,000-record runs and run BenchmarkDotNet with fewer iterations.
    [switch] $Quick,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Build the BenchmarkDotNet project into this folder (dotnet --artifacts-path).
    [string] $ArtifactsPath,

    [switch] $SkipPowerShell,
    [switch] $SkipEngine,

    # Skip issue 18's peers harness (SQLite, LiteDB and LMDB restored by tests/benchmarks/Peers, never by the module).
    [switch] $SkipPeers,

    # Also write the chart to docs/performance-scaling.svg.
    [switch] $UpdateDocs,

    # The module to measure; by default the repository's, as build.ps1 Build lays it out.
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = Split-Path -Parent $PSScriptRoot
$out = Join-Path $Root 'out/bench'
New-Item -ItemType Directory -Path $out -Force | Out-Null
$results = Join-Path $out 'bench-results.json'
if (-not $ModulePath) { $ModulePath = Join-Path $Root 'AncientPS.psd1' }
$engineOut = Join-Path $out 'engine'
$engineGoals = Join-Path $engineOut 'results/engine-goals.json'

# The PowerShell that runs this script; under `dotnet pwsh` the process is dotnet, so look in $PSHOME.
function Get-ChildPwsh {
    $apphost = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if ((Test-Path -LiteralPath $apphost) -and ($IsWindows -or ((Get-Item -LiteralPath $apphost).UnixFileMode -band [IO.UnixFileMode]::UserExecute))) {
        return @{ FilePath = $apphost; Prefix = @() }
    }
    @{ FilePath = 'dotnet'; Prefix = @(Join-Path $PSHOME 'pwsh.dll') }
}

if (-not $SkipPowerShell) {
    $pwsh = Get-ChildPwsh
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/Bench.ps1'),
        '-ModulePath', $ModulePath, '-OutputPath', $results)
    if ($Quick) { $arguments += '-Quick' }
    Write-Host "> pwsh tests/benchmarks/Bench.ps1$(if ($Quick) { ' -Quick' })" -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tests/benchmarks/Bench.ps1 failed with exit code $LASTEXITCODE." }
}

if (-not $SkipPowerShell) {
    # Issue 4's harness: 1, 2 and 4 runspaces scanning one heap, and what the lock and publish of a small Set cost.
    $concurrency = Join-Path $out 'concurrency-results.json'
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/ConcurrencyBench.ps1'),
        '-ModulePath', $ModulePath, '-ResultPath', $concurrency)
    if ($Quick) { $arguments += @('-Repeat', '3') }
    Write-Host '> pwsh tests/benchmarks/ConcurrencyBench.ps1' -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tests/benchmarks/ConcurrencyBench.ps1 failed with exit code $LASTEXITCODE." }
}

if (-not $SkipPowerShell) {
    # Issue 14's table: Set against Export-Clixml and JSON of the same objects, one row per source of the objects.
    $sources = Join-Path $out 'sources-results.json'
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/SourcesBench.ps1'),
        '-ModulePath', $ModulePath, '-ResultPath', $sources)
    if ($Quick) { $arguments += @('-Count', '20000', '-Repeat', '2') }
    Write-Host '> pwsh tests/benchmarks/SourcesBench.ps1' -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tests/benchmarks/SourcesBench.ps1 failed with exit code $LASTEXITCODE." }

    # Issue 13's crossings: the first pass over stored [ordered] rows and .NET objects with each crossing measure on and off.
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/CrossingBench.ps1'),
        '-ModulePath', $ModulePath, '-ResultPath', (Join-Path $out 'crossing-results.json'))
    if ($Quick) { $arguments += @('-Count', '20000', '-Repeat', '3') }
    Write-Host '> pwsh tests/benchmarks/CrossingBench.ps1' -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tests/benchmarks/CrossingBench.ps1 failed with exit code $LASTEXITCODE." }
}

if (-not $SkipPowerShell -and -not $SkipPeers) {
    # Issue 18's table: the embedded stores PowerShell users also pick. A benchmark-only project restores them; it is
    # published for this runtime (native SQLite and LMDB beside the assemblies) and loaded only by PeersBench.ps1.
    $peersOut = Join-Path $out 'peers'
    $peersProject = Join-Path $Root 'tests/benchmarks/Peers/Peers.csproj'
    $rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $arguments = @('publish', $peersProject, '-c', 'Release', '-r', $rid, '--self-contained', 'false', '-o', $peersOut, '-nologo', '-v', 'quiet')
    if ($ArtifactsPath) { $arguments += @('--artifacts-path', $ArtifactsPath) }
    Write-Host "> dotnet $($arguments -join ' ')" -ForegroundColor DarkGray
    & dotnet @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "Publishing the peers project failed with exit code $LASTEXITCODE." }
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/PeersBench.ps1'),
        '-ModulePath', $ModulePath, '-PeersPath', $peersOut, '-ResultPath', (Join-Path $out 'peers-results.json'), '-MarkdownPath', (Join-Path $out 'peers-table.md'))
    # -Quick: the issue's sizes, 2 rounds instead of 3 (a round is about a minute, LiteDB's part the longest).
    if ($Quick) { $arguments += @('-Repeat', '2', '-OpenRepeat', '9') }
    Write-Host '> pwsh tests/benchmarks/PeersBench.ps1' -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tests/benchmarks/PeersBench.ps1 failed with exit code $LASTEXITCODE." }

    # Issue 18's open row step by step, against SQLite in the same process (OpenBench.ps1), and the cold start of a new
    # pwsh against a bare one (ColdStartBench.ps1).
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/OpenBench.ps1'),
        '-ModulePath', $ModulePath, '-PeersPath', $peersOut, '-ResultPath', (Join-Path $out 'open-results.json'))
    if ($Quick) { $arguments += @('-Repeat', '2', '-Samples', '30') }
    Write-Host '> pwsh tests/benchmarks/OpenBench.ps1' -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tests/benchmarks/OpenBench.ps1 failed with exit code $LASTEXITCODE." }
}

if (-not $SkipPowerShell) {
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/ColdStartBench.ps1'),
        '-ModulePath', $ModulePath, '-ResultPath', (Join-Path $out 'coldstart-results.json'))
    if ($Quick) { $arguments += @('-Repeat', '5', '-SetCount', '30000') }
    Write-Host '> pwsh tests/benchmarks/ColdStartBench.ps1' -ForegroundColor DarkGray
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tests/benchmarks/ColdStartBench.ps1 failed with exit code $LASTEXITCODE." }
}

if (-not $SkipEngine) {
    $project = Join-Path $Root 'tests/benchmarks/AncientPS.Benchmarks/AncientPS.Benchmarks.csproj'
    $arguments = @('run', '-c', $Configuration, '--project', $project)
    if ($ArtifactsPath) { $arguments += @('--artifacts-path', $ArtifactsPath) }
    # A bare '*' would be expanded by PowerShell into the file names of the current folder on Unix.
    $arguments += @('--', '--filter', 'AncientPS.Benchmarks.*', '--artifacts', $engineOut)
    if ($Quick) { $arguments += '--quick' }
    Write-Host "> dotnet $($arguments -join ' ')" -ForegroundColor DarkGray
    & dotnet @arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "The BenchmarkDotNet suite failed with exit code $LASTEXITCODE." }
}

if (Test-Path -LiteralPath $results) {
    $report = Join-Path $PSScriptRoot '../tests/benchmarks/tools/Write-BenchReport.ps1'
    $svg = Join-Path $out 'performance-scaling.svg'
    $hasScaling = @((Get-Content -LiteralPath $results -Raw | ConvertFrom-Json).Scaling).Count -ge 2
    $parameters = @{ ResultsPath = $results; MarkdownPath = (Join-Path $out 'bench-tables.md'); EngineGoalsPath = $engineGoals; SourcesPath = (Join-Path $out 'sources-results.json') }
    if ($hasScaling) { $parameters.SvgPath = $svg }
    & $report @parameters
    if ($hasScaling -and $UpdateDocs) { Copy-Item -LiteralPath $svg -Destination (Join-Path $Root 'docs/performance-scaling.svg') -Force }
}
Write-Host "Benchmark results in $out"
