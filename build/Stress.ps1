<#
.SYNOPSIS
The body of `build.ps1 Stress`: kills a writer process (SIGKILL) at random moments, over and over, and checks after every
kill that the heap mounts, passes the Test-AncientHeap check (nothing torn, nothing leaked), keeps the engine's invariants
of the free table, reader table and key directory (MappedHeap.CheckInvariants, before and after its next write), holds
every committed value intact and takes the next write at once.

.DESCRIPTION
Runs the engine test KillLoopTests (tests/units/AncientPS.Engine.Tests/Concurrency) with more rounds than CI's 25. It
stops after -Kills kills or -Minutes minutes, whichever comes first, and prints the seed: pass it back with -Seed to
replay the same kill moments. A failure exits non-zero.

.EXAMPLE
dotnet pwsh ./build/Stress.ps1 -Minutes 60
#>
[CmdletBinding()]
param(
    # Stop after this many kills ...
    [ValidateRange(1, [int]::MaxValue)]
    [int] $Kills = 100000,

    # ... or after this many minutes, whichever comes first.
    [ValidateRange(1, 24 * 60)]
    [int] $Minutes = 60,

    # Replays a run's kill moments (printed at its start).
    [int] $Seed,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Build into this folder (dotnet --artifacts-path).
    [string] $ArtifactsPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = Split-Path -Parent $PSScriptRoot
$project = Join-Path $Root 'tests/units/AncientPS.Engine.Tests/AncientPS.Engine.Tests.csproj'

$settings = @{ ANCIENTPS_STRESS_KILLS = "$Kills"; ANCIENTPS_STRESS_MINUTES = "$Minutes" }
if ($PSBoundParameters.ContainsKey('Seed')) { $settings.ANCIENTPS_STRESS_SEED = "$Seed" }
$arguments = @('test', $project, '-c', $Configuration, '--filter', 'FullyQualifiedName~Concurrency.KillLoopTests',
    '--logger', 'console;verbosity=detailed')
if ($ArtifactsPath) { $arguments += @('--artifacts-path', $ArtifactsPath) }

Write-Host "Killing a writer up to $Kills times or for $Minutes minutes, whichever comes first."
try {
    foreach ($name in $settings.Keys) { Set-Item -Path "Env:$name" -Value $settings[$name] }
    & dotnet @arguments
    if ($LASTEXITCODE) { throw "The kill loop failed (exit code $LASTEXITCODE); its seed is printed above." }
}
finally {
    foreach ($name in $settings.Keys) { Remove-Item -Path "Env:$name" -ErrorAction SilentlyContinue }
}
