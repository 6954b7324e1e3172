<#
.SYNOPSIS
Lays out the built module as a versioned, self-contained folder <OutputPath>/AncientPS/<version>/ (with README.md,
LICENSE, CHANGELOG.md, and the CHANGELOG.md section of the version as the manifest's release notes) and packs it as a
.nupkg in <OutputPath>/nupkg. build.ps1 Package runs it after Build; tests/Package.Tests.ps1 runs it into a temporary folder.

.DESCRIPTION
Nothing is compiled here: the binaries come from the module folder (AncientPS/) that Build fills. The .nupkg is made
with Compress-PSResource (PSResourceGet, in PowerShell 7.4 and later); without PSResourceGet only the folder is laid out.
Writes the module folder's path and the .nupkg's path (or $null) as an object.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Root,
    [Parameter(Mandatory)] [string] $OutputPath,
    # Lay out the module folder only (build/Install-Module.ps1): no .nupkg.
    [switch] $NoNupkg
)

$ErrorActionPreference = 'Stop'
$moduleFolder = Join-Path $Root 'AncientPS'
foreach ($name in 'AncientPS.dll', 'AncientPS.Engine.dll') {
    if (-not (Test-Path -LiteralPath (Join-Path $moduleFolder $name))) { throw "'$name' is missing from $moduleFolder; run build.ps1 Build first." }
}

$manifestPath = Join-Path $Root 'AncientPS.psd1'
$version = (Import-PowerShellDataFile -LiteralPath $manifestPath).ModuleVersion
$packageRoot = Join-Path $OutputPath 'AncientPS'
$target = Join-Path $packageRoot $version
if (Test-Path -LiteralPath $packageRoot) { Remove-Item -LiteralPath $packageRoot -Recurse -Force }
New-Item -ItemType Directory -Path $target -Force | Out-Null

# The release notes are the CHANGELOG.md section of this version: from its '## <version>' heading to the next '## '.
$changelogPath = Join-Path $Root 'CHANGELOG.md'
if (-not (Test-Path -LiteralPath $changelogPath)) { throw "CHANGELOG.md is missing from $Root." }
$section = [regex]::Match((Get-Content -LiteralPath $changelogPath -Raw), "(?ms)^## \[?$([regex]::Escape($version))\]?(?:[ \t][^\r\n]*)?\r?\n(.*?)(?=^## |\z)")
if (-not $section.Success) { throw "CHANGELOG.md has no '## $version' section: write the release notes of $version there first." }
$releaseNotes = $section.Groups[1].Value.Trim()

# In the package the manifest sits beside the binaries, so its 'AncientPS/' prefixes go, and it carries the notes.
$text = Get-Content -LiteralPath $manifestPath -Raw
$text = $text -replace "(?m)^\s*RequiredModules\s*=\s*@\('AncientPS/AncientPS\.Preflight\.psm1'\)\s*\r?\n", ''
$text = $text -replace "'AncientPS/", "'"
$notesPattern = "(?m)^(\s*ReleaseNotes\s*=\s*)'(?:[^']|'')*'"
if ($text -notmatch $notesPattern) { throw "AncientPS.psd1 has no ReleaseNotes = '...' line in PrivateData.PSData to fill." }
$quotedNotes = "'" + ($releaseNotes -replace "'", "''") + "'"
$text = [regex]::Replace($text, $notesPattern, { param($m) $m.Groups[1].Value + $quotedNotes })
Set-Content -LiteralPath (Join-Path $target 'AncientPS.psd1') -Value $text -NoNewline -Encoding utf8
Copy-Item -Path (Join-Path $moduleFolder '*') -Destination $target -Recurse -Exclude *.pdb, AncientPS.Preflight.psm1
foreach ($name in 'README.md', 'LICENSE', 'CHANGELOG.md') {
    Copy-Item -LiteralPath (Join-Path $Root $name) -Destination $target
}

if ($NoNupkg) { return [pscustomobject]@{ ModuleFolder = $target; Version = $version; Nupkg = $null } }
$nupkgFolder = Join-Path $OutputPath 'nupkg'
New-Item -ItemType Directory -Path $nupkgFolder -Force | Out-Null
Get-ChildItem -LiteralPath $nupkgFolder -Filter 'AncientPS.*.nupkg' | Where-Object Name -NotLike 'AncientPS.Engine.*' | Remove-Item -Force
$nupkg = $null
if (Get-Command Compress-PSResource -ErrorAction SilentlyContinue) {
    Compress-PSResource -Path $target -DestinationPath $nupkgFolder
    $nupkg = Get-ChildItem -LiteralPath $nupkgFolder -Filter "AncientPS.$version*.nupkg" | Select-Object -First 1 -ExpandProperty FullName
}
else {
    Write-Warning 'PSResourceGet (Compress-PSResource) is not available: the module folder is laid out, but no .nupkg is made.'
}
[pscustomobject]@{ ModuleFolder = $target; Version = $version; Nupkg = $nupkg }
