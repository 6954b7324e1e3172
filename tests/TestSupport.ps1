# Dot-sourced by every tests/*.Tests.ps1 in BeforeAll.
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../AncientPS.psd1') -Force

# The pwsh that runs the suite, for child processes: its apphost when it has one, else dotnet + pwsh.dll.
function Get-TestPwsh {
    $apphost = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if (Test-Path -LiteralPath $apphost) { return @{ FilePath = $apphost; Prefix = @() } }
    @{ FilePath = 'dotnet'; Prefix = @(Join-Path $PSHOME 'pwsh.dll') }
}

# Runs a script in a second pwsh process with the module imported and returns its output lines.
function Invoke-InChildProcess {
    param([Parameter(Mandatory)] [string] $Script)
    $pwsh = Get-TestPwsh
    $manifest = (Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path
    $full = "`$ErrorActionPreference = 'Stop'; Import-Module '$manifest'; $Script"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full))
    $output = & $pwsh.FilePath @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) 2>&1
    if ($LASTEXITCODE -ne 0) { throw "The child process failed ($LASTEXITCODE): $output" }
    $output | ForEach-Object { "$_" }
}

# Starts a writer script in a second pwsh, reads the 'committed ...' lines it prints until there are $Commits, kills it
# (kill -9) in the middle of whatever it is doing, and returns every 'committed ...' line it printed, those still in the
# pipe after the kill included.
function Invoke-KilledWriter {
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] [int] $Commits)
    $pwsh = Get-TestPwsh
    $info = [Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    foreach ($a in $pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script)))) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $writer = [Diagnostics.Process]::Start($info)
    $lines = [Collections.Generic.List[string]]::new()
    try {
        while ($lines.Count -lt $Commits) {
            $line = $writer.StandardOutput.ReadLine()
            if ($null -eq $line) { throw "The writer ended early: $($lines -join ' | ')" }
            if ($line -like 'committed *') { $lines.Add($line) }
        }
        $writer.Kill($true)
        $writer.WaitForExit()
        $rest = $writer.StandardOutput.ReadToEnd() -split '\r?\n' | Where-Object { $_ -like 'committed *' }
        foreach ($line in $rest) { $lines.Add($line) }
    }
    finally {
        if (-not $writer.HasExited) { $writer.Kill($true) }
        $writer.Dispose()
    }
    , $lines
}

function Get-SampleRows([int] $Count = 5) {
    foreach ($i in 1..$Count) {
        [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') }
    }
}

function Dismount-AllHeaps { Get-AncientHeap | Dismount-AncientHeap -Confirm:$false }

# Runs $Script in a runspace of this process that has no host, and returns its output. For -WhatIf: PowerShell writes
# "What if:" lines to the host, in no stream, and they would litter the test log. Errors the script writes are thrown.
function Invoke-WithoutHost([scriptblock] $Script, [object[]] $ArgumentList = @()) {
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$((Resolve-Path (Join-Path $PSScriptRoot '../AncientPS.psd1')).Path)'").Invoke()
        $ps.Commands.Clear()
        $null = $ps.AddScript($Script.ToString())
        foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
        $output = $ps.Invoke()
        if ($ps.Streams.Error.Count -gt 0) { throw $ps.Streams.Error[0] }
        $output
    }
    finally { $ps.Dispose() }
}
