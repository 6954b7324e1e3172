<#
.SYNOPSIS
Turns the results of tests/benchmarks/Bench.ps1 (and of the engine's BenchmarkDotNet run) into a scaling chart (SVG)
and Markdown tables, for docs/performance.md.

.DESCRIPTION
The SVG is drawn by hand: one log-log panel, records against seconds, a line for each of Set, mount+get and scan (and the
in-memory scan for reference). No charting package is needed.

.EXAMPLE
pwsh -File tests/benchmarks/tools/Write-BenchReport.ps1 -ResultsPath out/bench/bench-results.json -SvgPath docs/performance-scaling.svg
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ResultsPath,
    [string] $EngineGoalsPath,
    [string] $SvgPath,
    [string] $MarkdownPath,
    # SourcesBench.ps1's results: Set against Export-Clixml and JSON per source of the objects.
    [string] $SourcesPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$inv = [Globalization.CultureInfo]::InvariantCulture
$results = Get-Content -LiteralPath $ResultsPath -Raw | ConvertFrom-Json

function Format-Seconds([double] $s) {
    if ($s -lt 0.001) { '{0:N1} µs' -f ($s * 1e6) } elseif ($s -lt 1) { '{0:N1} ms' -f ($s * 1e3) } else { '{0:N2} s' -f $s }
}

function Format-Side($row, [string] $which) {
    $value = if ($which -eq 'ours') { $row.Best } else { $row.AlternativeBest }
    if ($null -eq $value) { return '' }
    switch ($row.Unit) {
        's' { Format-Seconds $value }
        'bytes' { '{0:N1} MB' -f ($value / 1MB) }
        default { '' }
    }
}

function Format-SourcesTable($sources) {
    $t = [Text.StringBuilder]::new()
    $null = $t.AppendLine("| Objects from | Objects | Set | Export-Clixml | Set vs Clixml (paired median) | ConvertTo-Json + Set-Content | Set vs JSON (paired median) | Reading their properties alone | Getters and ToString within Set (share) | Ceiling: Clixml / those | Goal | Result |")
    $null = $t.AppendLine('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|')
    foreach ($r in $sources.Sources) {
        $read = if ($null -ne $r.ReadOnly) { Format-Seconds $r.ReadOnly } else { '' }
        $getters = if ($r.psobject.Properties['Getters'] -and $null -ne $r.Getters) { '{0} ({1:P0})' -f (Format-Seconds $r.Getters), [double]$r.GetterShare } else { '' }
        $ceiling = if ($r.psobject.Properties['Ceiling'] -and $null -ne $r.Ceiling) { '{0:N1}x' -f [double]$r.Ceiling } else { '' }
        $verdict = if ($r.Result -in 'PASS', 'MISS') { "**$($r.Result)**" } else { $r.Result }
        $null = $t.AppendLine(('| {0} | {1:N0} | {2} | {3} | {4:N1}x | {5} | {6:N1}x | {7} | {8} | {9} | {10} | {11} |' -f $r.Source, [double]$r.Objects, (Format-Seconds $r.Set),
            (Format-Seconds $r.ExportClixml), [double]$r.VsClixml, (Format-Seconds $r.Json), [double]$r.VsJson, $read, $getters, $ceiling, $r.Goal, $verdict))
    }
    $t.ToString().TrimEnd()
}

# ------------------------------------------------------------------ SVG
if ($SvgPath) {
    $points = @($results.Scaling)
    if ($points.Count -lt 2) { throw "'$ResultsPath' has fewer than two scaling points; run Bench.ps1 without -NoScaling." }
    $series = @(
        @{ Name = 'Set-AncientObject (piped)'; Key = 'Set'; Color = '#d62728'; Dash = '' }
        @{ Name = 'Mount + Get + one read'; Key = 'MountGet'; Color = '#1f77b4'; Dash = '' }
        @{ Name = 'Scan: foreach { $s += $o.Cpu }'; Key = 'Scan'; Color = '#2ca02c'; Dash = '' }
        @{ Name = 'Scan over in-memory objects'; Key = 'ScanInMemory'; Color = '#2ca02c'; Dash = '6,4' }
    )
    $width = 760; $height = 460
    $left = 95; $right = 300; $top = 40; $bottom = 60
    $plotW = $width - $left - $right; $plotH = $height - $top - $bottom
    $xs = $points | ForEach-Object { [double]$_.Records }
    $ys = foreach ($p in $points) { foreach ($s in $series) { [double]$p.($s.Key) } }
    $xMin = [math]::Floor([math]::Log10(($xs | Measure-Object -Minimum).Minimum))
    $xMax = [math]::Ceiling([math]::Log10(($xs | Measure-Object -Maximum).Maximum))
    $yMin = [math]::Floor([math]::Log10(($ys | Where-Object { $_ -gt 0 } | Measure-Object -Minimum).Minimum))
    $yMax = [math]::Ceiling([math]::Log10(($ys | Measure-Object -Maximum).Maximum))
    if ($yMax -le $yMin) { $yMax = $yMin + 1 }
    $X = { param($v) $left + ([math]::Log10($v) - $xMin) / ($xMax - $xMin) * $plotW }
    $Y = { param($v) $top + $plotH - ([math]::Log10($v) - $yMin) / ($yMax - $yMin) * $plotH }
    $f = { param($v) ([double]$v).ToString('0.#', $inv) }

    $svg = [Text.StringBuilder]::new()
    $null = $svg.AppendLine("<svg xmlns=`"http://www.w3.org/2000/svg`" width=`"$width`" height=`"$height`" viewBox=`"0 0 $width $height`" font-family=`"sans-serif`" font-size=`"12`">")
    $null = $svg.AppendLine("<rect width=`"$width`" height=`"$height`" fill=`"white`"/>")
    $title = "AncientPS scaling ($($results.Machine.Processors) cores, PowerShell $($results.Machine.PowerShell); best of $($results.Repeat))"
    $null = $svg.AppendLine("<text x=`"$left`" y=`"22`" font-size=`"14`" font-weight=`"bold`">$([Security.SecurityElement]::Escape($title))</text>")
    for ($e = $yMin; $e -le $yMax; $e++) {
        $yy = & $f (& $Y ([math]::Pow(10, $e)))
        $label = Format-Seconds ([math]::Pow(10, $e))
        $null = $svg.AppendLine("<line x1=`"$left`" y1=`"$yy`" x2=`"$($left + $plotW)`" y2=`"$yy`" stroke=`"#ddd`"/>")
        $null = $svg.AppendLine("<text x=`"$($left - 8)`" y=`"$yy`" text-anchor=`"end`" dominant-baseline=`"middle`">$([Security.SecurityElement]::Escape($label))</text>")
    }
    for ($e = $xMin; $e -le $xMax; $e++) {
        $xx = & $f (& $X ([math]::Pow(10, $e)))
        $label = ([math]::Pow(10, $e)).ToString('N0', $inv)
        $null = $svg.AppendLine("<line x1=`"$xx`" y1=`"$top`" x2=`"$xx`" y2=`"$($top + $plotH)`" stroke=`"#ddd`"/>")
        $null = $svg.AppendLine("<text x=`"$xx`" y=`"$($top + $plotH + 18)`" text-anchor=`"middle`">$label</text>")
    }
    $null = $svg.AppendLine("<rect x=`"$left`" y=`"$top`" width=`"$plotW`" height=`"$plotH`" fill=`"none`" stroke=`"#888`"/>")
    $null = $svg.AppendLine("<text x=`"$($left + $plotW / 2)`" y=`"$($height - 15)`" text-anchor=`"middle`">records (log scale)</text>")
    $null = $svg.AppendLine("<text x=`"16`" y=`"$($top + $plotH / 2)`" text-anchor=`"middle`" transform=`"rotate(-90 16 $($top + $plotH / 2))`">time (log scale)</text>")
    $legendY = $top + 10
    foreach ($s in $series) {
        $coords = foreach ($p in $points) { '{0},{1}' -f (& $f (& $X ([double]$p.Records))), (& $f (& $Y ([double]$p.($s.Key)))) }
        $dash = if ($s.Dash) { " stroke-dasharray=`"$($s.Dash)`"" } else { '' }
        $null = $svg.AppendLine("<polyline points=`"$($coords -join ' ')`" fill=`"none`" stroke=`"$($s.Color)`" stroke-width=`"2`"$dash/>")
        foreach ($p in $points) {
            $tip = '{0}: {1:N0} records, {2}' -f $s.Name, [double]$p.Records, (Format-Seconds ([double]$p.($s.Key)))
            $null = $svg.AppendLine("<circle cx=`"$(& $f (& $X ([double]$p.Records)))`" cy=`"$(& $f (& $Y ([double]$p.($s.Key))))`" r=`"3`" fill=`"$($s.Color)`"><title>$([Security.SecurityElement]::Escape($tip))</title></circle>")
        }
        $lx = $left + $plotW + 15
        $null = $svg.AppendLine("<line x1=`"$lx`" y1=`"$legendY`" x2=`"$($lx + 24)`" y2=`"$legendY`" stroke=`"$($s.Color)`" stroke-width=`"2`"$dash/>")
        $null = $svg.AppendLine("<text x=`"$($lx + 30)`" y=`"$legendY`" dominant-baseline=`"middle`">$([Security.SecurityElement]::Escape($s.Name))</text>")
        $legendY += 22
    }
    $null = $svg.AppendLine('</svg>')
    $folder = Split-Path -Parent $SvgPath
    if ($folder) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
    [IO.File]::WriteAllText($SvgPath, $svg.ToString())
    Write-Host "Wrote $SvgPath"
}

# ------------------------------------------------------------------ Markdown
$md = [Text.StringBuilder]::new()
$null = $md.AppendLine('| Measure | Against | Ours | Theirs | Ratio | Goal | Result | Note |')
$null = $md.AppendLine('|---|---|---|---|---|---|---|---|')
foreach ($row in $results.Goals) {
    $cells = @($row.Measure, $row.Against, (Format-Side $row 'ours'), (Format-Side $row 'theirs'), $row.RatioText, $row.Goal, $(if ($row.Result -in 'PASS', 'MISS') { "**$($row.Result)**" } else { $row.Result }), $row.Note)
    $null = $md.AppendLine('| ' + (($cells | ForEach-Object { "$_" -replace '\|', '\|' }) -join ' | ') + ' |')
}
$null = $md.AppendLine()
if (@($results.Scaling).Count -gt 0) {
    $null = $md.AppendLine('| Records | Set (piped, new file) | Mount + get + one read | Scan | Scan in memory | File size |')
    $null = $md.AppendLine('|---:|---:|---:|---:|---:|---:|')
    foreach ($p in $results.Scaling) {
        $null = $md.AppendLine(('| {0:N0} | {1} | {2} | {3} | {4} | {5:N1} MB |' -f [double]$p.Records, (Format-Seconds $p.Set), (Format-Seconds $p.MountGet), (Format-Seconds $p.Scan), (Format-Seconds $p.ScanInMemory), ($p.FileBytes / 1MB)))
    }
    $null = $md.AppendLine()
}
if ($SourcesPath -and (Test-Path -LiteralPath $SourcesPath)) {
    $null = $md.AppendLine((Format-SourcesTable (Get-Content -LiteralPath $SourcesPath -Raw | ConvertFrom-Json)))
    $null = $md.AppendLine()
}
if ($EngineGoalsPath -and (Test-Path -LiteralPath $EngineGoalsPath)) {
    $null = $md.AppendLine('| Engine measure (BenchmarkDotNet, median) | Against | Measured | Goal | Result |')
    $null = $md.AppendLine('|---|---|---|---|---|')
    foreach ($g in (Get-Content -LiteralPath $EngineGoalsPath -Raw | ConvertFrom-Json)) {
        $verdict = if ($null -eq $g.pass) { '-' } elseif ($g.pass) { '**PASS**' } else { '**MISS**' }
        $value = '{0} {1}' -f ([double]$g.value).ToString('N2', $inv), $g.unit
        if ($g.detail) { $value += " ($($g.detail))" }
        $null = $md.AppendLine("| $($g.measure) | $($g.against) | $value | $($g.goal) | $verdict |")
    }
}
if ($MarkdownPath) {
    [IO.File]::WriteAllText($MarkdownPath, $md.ToString())
    Write-Host "Wrote $MarkdownPath"
}
else { $md.ToString() }
