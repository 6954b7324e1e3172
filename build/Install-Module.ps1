<#
.SYNOPSIS
Puts the module built in a clone on PSModulePath: lays it out as build/New-ModulePackage.ps1 does, in
<Destination>/AncientPS/<version>/. build.ps1 Install runs it after Build.

.DESCRIPTION
Runspaces, ForEach-Object -Parallel, Start-Job and new pwsh processes load AncientPS by name, which a clone's
Import-Module ./AncientPS.psd1 does not give them. Installed this way, `Import-Module AncientPS` and command
autoloading work everywhere, as they will once the module is installed from a repository.

Without -Destination the module goes to the current user's module folder of PowerShell 7 (the first folder of
PSModulePath there): ~/.local/share/powershell/Modules on Linux and macOS, Documents\PowerShell\Modules on Windows.
An earlier install of the same version is replaced; other versions are left alone. Writes the folder installed.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Root,
    # A folder on PSModulePath (or one to add to it).
    [string] $Destination
)

$ErrorActionPreference = 'Stop'
if (-not $Destination) {
    $Destination = if ($IsWindows -or $PSVersionTable.PSVersion.Major -lt 6) {
        Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'PowerShell/Modules'
    }
    else {
        $data = if ($env:XDG_DATA_HOME) { $env:XDG_DATA_HOME } else { Join-Path $HOME '.local/share' }
        Join-Path $data 'powershell/Modules'
    }
}
$staging = Join-Path ([IO.Path]::GetTempPath()) "AncientPS-install-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
try {
    $layout = & (Join-Path $PSScriptRoot 'New-ModulePackage.ps1') -Root $Root -OutputPath $staging -NoNupkg
    $target = Join-Path $Destination "AncientPS/$($layout.Version)"
    if (Test-Path -LiteralPath $target) { Remove-Item -LiteralPath $target -Recurse -Force }
    New-Item -ItemType Directory -Path (Split-Path -Parent $target) -Force | Out-Null
    Copy-Item -LiteralPath $layout.ModuleFolder -Destination $target -Recurse
}
finally {
    if (Test-Path -LiteralPath $staging) { Remove-Item -LiteralPath $staging -Recurse -Force }
}
$onPath = @($env:PSModulePath -split [IO.Path]::PathSeparator | ForEach-Object { $_.TrimEnd('/', '\') }) -contains $Destination.TrimEnd('/', '\')
Write-Host "AncientPS $($layout.Version) installed in $target."
if (-not $onPath) {
    Write-Warning "'$Destination' is not on PSModulePath in this session; add it, or give a folder that is with -Destination."
}
[pscustomobject]@{ ModuleFolder = $target; Version = $layout.Version }
