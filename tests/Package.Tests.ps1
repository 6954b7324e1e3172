# The shipped module: build/New-ModulePackage.ps1 (what build.ps1 Package runs after Build) lays out a versioned folder
# and a .nupkg; the .nupkg installs from a local PSResourceGet repository and imports by name. And the binaries stay
# within netstandard2.0 and PowerShell Standard, so that Windows PowerShell 5.1 can load them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
    $version = (Import-PowerShellDataFile (Join-Path $repoRoot 'AncientPS.psd1')).ModuleVersion
    $moduleBinaries = Split-Path -Parent (Get-Module AncientPS).Path
    if (-not (Test-Path -LiteralPath (Join-Path $moduleBinaries 'AncientPS.Engine.dll'))) { $moduleBinaries = Join-Path $moduleBinaries 'AncientPS' }

    # The NuGet global packages folder: where Pester was restored from, else what dotnet says.
    function Get-NuGetPackagesFolder {
        if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
        $pester = Get-Module Pester
        $candidate = if ($pester) { Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $pester.ModuleBase)) }
        if ($candidate -and (Test-Path -LiteralPath (Join-Path $candidate 'netstandard.library'))) { return $candidate }
        $line = @(& dotnet nuget locals global-packages --list) -match '^global-packages:' | Select-Object -First 1
        ($line -replace '^global-packages:\s*', '').Trim()
    }

    # Every type an assembly defines, by full name, with its members ("M:Name/generic arity/parameter count", "F:Name")
    # and its base type's full name.
    function Get-ReferenceSurface([string[]] $Path) {
        $surface = @{}
        foreach ($file in $Path) {
            $stream = [IO.File]::OpenRead($file)
            try {
                $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
                $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                foreach ($handle in $md.TypeDefinitions) {
                    $type = $md.GetTypeDefinition($handle)
                    $name = Get-DefinitionName $md $handle
                    $members = [System.Collections.Generic.HashSet[string]]::new()
                    foreach ($m in $type.GetMethods()) {
                        $method = $md.GetMethodDefinition($m)
                        $reader = $md.GetBlobReader($method.Signature)
                        $header = $reader.ReadSignatureHeader()
                        $arity = if ($header.IsGeneric) { $reader.ReadCompressedInteger() } else { 0 }
                        $null = $members.Add("M:$($md.GetString($method.Name))/$arity/$($reader.ReadCompressedInteger())")
                    }
                    foreach ($f in $type.GetFields()) { $null = $members.Add("F:$($md.GetString($md.GetFieldDefinition($f).Name))") }
                    $base = $null
                    if (-not $type.BaseType.IsNil) {
                        $base = switch ($type.BaseType.Kind) {
                            'TypeReference' { Get-ReferenceName $md ([System.Reflection.Metadata.TypeReferenceHandle]$type.BaseType) }
                            'TypeDefinition' { Get-DefinitionName $md ([System.Reflection.Metadata.TypeDefinitionHandle]$type.BaseType) }
                            'TypeSpecification' { Get-SpecificationName $md ([System.Reflection.Metadata.TypeSpecificationHandle]$type.BaseType) }
                        }
                    }
                    $surface[$name] = [pscustomobject]@{ Members = $members; Base = $base }
                }
            }
            finally { $stream.Dispose() }
        }
        $surface
    }

    function Get-DefinitionName($md, $handle) {
        $type = $md.GetTypeDefinition($handle)
        $name = $md.GetString($type.Name)
        $declaring = $type.GetDeclaringType()
        if (-not $declaring.IsNil) { return "$(Get-DefinitionName $md $declaring)/$name" }
        $namespace = $md.GetString($type.Namespace)
        if ($namespace) { "$namespace.$name" } else { $name }
    }

    function Get-ReferenceName($md, $handle) {
        $type = $md.GetTypeReference($handle)
        $name = $md.GetString($type.Name)
        if ($type.ResolutionScope.Kind -eq 'TypeReference') { return "$(Get-ReferenceName $md ([System.Reflection.Metadata.TypeReferenceHandle]$type.ResolutionScope))/$name" }
        $namespace = $md.GetString($type.Namespace)
        if ($namespace) { "$namespace.$name" } else { $name }
    }

    # A generic instantiation names its generic type definition: GENERICINST (CLASS|VALUETYPE) TypeDefOrRef ...
    function Get-SpecificationName($md, $handle) {
        $reader = $md.GetBlobReader($md.GetTypeSpecification($handle).Signature)
        if ($reader.ReadSignatureTypeCode() -ne [System.Reflection.Metadata.SignatureTypeCode]::GenericTypeInstance) { return $null }
        $null = $reader.ReadCompressedInteger()
        $generic = $reader.ReadTypeHandle()
        if ($generic.Kind -eq 'TypeReference') { Get-ReferenceName $md ([System.Reflection.Metadata.TypeReferenceHandle]$generic) } else { $null }
    }

    function Test-SurfaceMember($Surface, [string] $Type, [string] $Member) {
        for ($seen = 0; $Type -and $seen -lt 32; $seen++) {
            $entry = $Surface[$Type]
            if (-not $entry) { return $false }
            if ($entry.Members.Contains($Member)) { return $true }
            $Type = $entry.Base
        }
        $false
    }

    # What an assembly uses from other assemblies, as readable lines: "assembly X", "type T", "member T::M".
    function Get-ExternalUse([string] $Path) {
        $stream = [IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            $assemblies = @($md.AssemblyReferences | ForEach-Object { $md.GetString($md.GetAssemblyReference($_).Name) })
            $types = foreach ($handle in $md.TypeReferences) {
                [pscustomobject]@{ Name = Get-ReferenceName $md $handle; Assembly = Get-ReferenceAssembly $md $handle }
            }
            $members = foreach ($handle in $md.MemberReferences) {
                $member = $md.GetMemberReference($handle)
                $parent = switch ($member.Parent.Kind) {
                    'TypeReference' { Get-ReferenceName $md ([System.Reflection.Metadata.TypeReferenceHandle]$member.Parent) }
                    'TypeSpecification' { Get-SpecificationName $md ([System.Reflection.Metadata.TypeSpecificationHandle]$member.Parent) }
                    default { $null } # members of this assembly's own types, or of a module (P/Invoke)
                }
                if (-not $parent) { continue }
                $reader = $md.GetBlobReader($member.Signature)
                $header = $reader.ReadSignatureHeader()
                $key = if ($header.Kind -eq 'Field') { "F:$($md.GetString($member.Name))" } else {
                    $arity = if ($header.IsGeneric) { $reader.ReadCompressedInteger() } else { 0 }
                    "M:$($md.GetString($member.Name))/$arity/$($reader.ReadCompressedInteger())"
                }
                [pscustomobject]@{ Type = $parent; Member = $key }
            }
            [pscustomobject]@{ Assemblies = $assemblies; Types = @($types); Members = @($members) }
        }
        finally { $stream.Dispose() }
    }

    function Get-ReferenceAssembly($md, $handle) {
        $scope = $md.GetTypeReference($handle).ResolutionScope
        while ($scope.Kind -eq 'TypeReference') { $scope = $md.GetTypeReference([System.Reflection.Metadata.TypeReferenceHandle]$scope).ResolutionScope }
        if ($scope.Kind -eq 'AssemblyReference') { $md.GetString($md.GetAssemblyReference([System.Reflection.Metadata.AssemblyReferenceHandle]$scope).Name) }
    }
}

Describe 'The module binaries stay within netstandard2.0 and PowerShell Standard' {
    BeforeAll {
        $packages = Get-NuGetPackagesFolder
        $netstandard = Join-Path $packages 'netstandard.library/2.0.3/build/netstandard2.0/ref/netstandard.dll'
        $sma = Join-Path $packages 'powershellstandard.library/5.1.1/lib/netstandard2.0/System.Management.Automation.dll'
        $surfaces = @{
            netstandard                     = Get-ReferenceSurface $netstandard
            'System.Management.Automation' = Get-ReferenceSurface $sma
            'AncientPS.Engine'             = Get-ReferenceSurface (Join-Path $moduleBinaries 'AncientPS.Engine.dll')
        }
        # A type of PowerShell Standard derives from netstandard types (PSCmdlet -> ... -> Object); look in both.
        $combined = @{}
        foreach ($surface in $surfaces.Values) { foreach ($key in $surface.Keys) { $combined[$key] = $surface[$key] } }
    }

    It 'finds the reference assemblies (NETStandard.Library 2.0.3, PowerShellStandard.Library 5.1.1) in the NuGet cache' {
        $netstandard | Should -Exist
        $sma | Should -Exist
        $surfaces.netstandard['System.Object'] | Should -Not -BeNullOrEmpty
        $surfaces['System.Management.Automation']['System.Management.Automation.PSCmdlet'] | Should -Not -BeNullOrEmpty
    }

    It '<Name> references only <Allowed>, and only types and members they define' -TestCases @(
        @{ Name = 'AncientPS.Engine.dll'; Allowed = @('netstandard') }
        @{ Name = 'AncientPS.dll'; Allowed = @('netstandard', 'System.Management.Automation', 'AncientPS.Engine') }
    ) {
        param($Name, $Allowed)
        $use = Get-ExternalUse (Join-Path $moduleBinaries $Name)
        $problems = [System.Collections.Generic.List[string]]::new()
        foreach ($assembly in $use.Assemblies) { if ($assembly -notin $Allowed) { $problems.Add("references the assembly $assembly") } }
        foreach ($type in $use.Types) {
            if ($type.Assembly -notin $Allowed) { continue } # already reported by assembly
            if (-not $surfaces[$type.Assembly].ContainsKey($type.Name)) { $problems.Add("uses the type $($type.Name), which $($type.Assembly) does not define") }
        }
        foreach ($member in $use.Members) {
            if (-not (Test-SurfaceMember $combined $member.Type $member.Member)) { $problems.Add("uses $($member.Type)::$($member.Member), which is not in the reference assemblies") }
        }
        $problems | Should -BeNullOrEmpty
        $use.Members.Count | Should -BeGreaterThan 50 -Because 'the check must have seen the member references'
    }

    It 'would notice an API beyond netstandard2.0' {
        # A member that .NET has but netstandard2.0 lacks, and one that does not exist at all.
        Test-SurfaceMember $combined 'System.String' 'M:Contains/0/2' | Should -BeFalse
        Test-SurfaceMember $combined 'System.IO.File' 'M:Move/0/3' | Should -BeFalse
        Test-SurfaceMember $combined 'System.String' 'M:Contains/0/1' | Should -BeTrue
        Test-SurfaceMember $combined 'System.Management.Automation.PSCmdlet' 'M:WriteObject/0/1' | Should -BeTrue
    }
}

Describe 'The package' {
    BeforeAll {
        $out = Join-Path $TestDrive 'out'
        $package = & (Join-Path $repoRoot 'build/New-ModulePackage.ps1') -Root $repoRoot -OutputPath $out
        $resourceGet = [bool](Get-Command Save-PSResource, Register-PSResourceRepository, Compress-PSResource -ErrorAction SilentlyContinue)
    }

    It 'is a versioned, self-contained module folder out/AncientPS/<version>/' {
        $package.ModuleFolder | Should -Be (Join-Path $out "AncientPS/$version")
        $manifest = Test-ModuleManifest -Path (Join-Path $package.ModuleFolder 'AncientPS.psd1')
        $manifest.Version | Should -Be $version
        $manifest.RootModule | Should -Be 'AncientPS.dll'
        foreach ($file in 'AncientPS.dll', 'AncientPS.Engine.dll', 'AncientPS.Format.ps1xml', 'AncientPS.Types.ps1xml') {
            Join-Path $package.ModuleFolder $file | Should -Exist
        }
        Get-ChildItem -LiteralPath $package.ModuleFolder -Recurse -Filter *.pdb | Should -BeNullOrEmpty
    }

    It 'holds no assembly but AncientPS.dll and AncientPS.Engine.dll: no third-party dependency to isolate' {
        $assemblies = Get-ChildItem -LiteralPath $package.ModuleFolder -Recurse -File | Where-Object Extension -In '.dll', '.exe', '.so', '.dylib'
        @($assemblies.Name | Sort-Object) | Should -Be @('AncientPS.dll', 'AncientPS.Engine.dll')
    }

    It 'installs from a local repository into a temporary PSModulePath, and imports by name in a new pwsh' {
        $modules = Join-Path $TestDrive 'Modules'
        $null = New-Item -ItemType Directory -Path $modules
        if ($resourceGet) {
            $package.Nupkg | Should -Exist
            $feed = Join-Path $TestDrive 'feed'
            $null = New-Item -ItemType Directory -Path $feed
            Copy-Item -LiteralPath $package.Nupkg -Destination $feed
            $repository = "AncientPSTest$([guid]::NewGuid().ToString('N').Substring(0, 8))"
            Register-PSResourceRepository -Name $repository -Uri $feed -Trusted
            try {
                Save-PSResource -Name AncientPS -Version $version -Repository $repository -Path $modules -TrustRepository -Quiet
            }
            finally { Unregister-PSResourceRepository -Name $repository }
            Get-PSResourceRepository -Name $repository -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        else {
            Copy-Item -LiteralPath (Join-Path $out 'AncientPS') -Destination $modules -Recurse
        }
        Join-Path $modules "AncientPS/$version/AncientPS.psd1" | Should -Exist

        $smoke = @'
$ErrorActionPreference = 'Stop'
Import-Module AncientPS
"base=$((Get-Module AncientPS).ModuleBase)"
$heap = Mount-AncientHeap -LiteralPath (Join-Path ([IO.Path]::GetTempPath()) "smoke-$PID.heap")
1..3 | ForEach-Object { [pscustomobject]@{ N = $_ } } | Set-AncientObject -Heap $heap -Key rows
"sum=$((Get-AncientObject -Heap $heap -Key rows | Measure-Object N -Sum).Sum)"
$path = $heap.Path
Dismount-AncientHeap -Heap $heap
Remove-Item -LiteralPath $path
'done'
'@
        $pwsh = Get-TestPwsh
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($smoke))
        $saved = $env:PSModulePath
        try {
            $env:PSModulePath = $modules
            $output = & $pwsh.FilePath @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) 2>&1 | ForEach-Object { "$_" }
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        }
        finally { $env:PSModulePath = $saved }
        $output | Should -Contain "base=$(Join-Path $modules "AncientPS/$version")"
        $output | Should -Contain 'sum=6'
        $output | Should -Contain 'done'
    }
}

Describe 'What the package tells its users' {
    BeforeAll {
        $out = Join-Path $TestDrive 'out'
        $package = & (Join-Path $repoRoot 'build/New-ModulePackage.ps1') -Root $repoRoot -OutputPath $out
        $packaged = Import-PowerShellDataFile -LiteralPath (Join-Path $package.ModuleFolder 'AncientPS.psd1')
        $psData = $packaged.PrivateData.PSData
        $changelog = Get-Content -LiteralPath (Join-Path $repoRoot 'CHANGELOG.md') -Raw
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        # The .nuspec inside a .nupkg, as XML.
        function Read-Nuspec([string] $Nupkg) {
            $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
            try {
                $entry = $zip.Entries | Where-Object FullName -Like '*.nuspec' | Select-Object -First 1
                $reader = [IO.StreamReader]::new($entry.Open())
                try { [xml] $reader.ReadToEnd() } finally { $reader.Dispose() }
            }
            finally { $zip.Dispose() }
        }
        function Get-NupkgEntry([string] $Nupkg) {
            $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
            try { @($zip.Entries.FullName) } finally { $zip.Dispose() }
        }
    }

    It 'ships LICENSE, the MIT license the manifest names, with README.md and CHANGELOG.md' {
        $license = Join-Path $package.ModuleFolder 'LICENSE'
        $license | Should -Exist
        (Get-Content -LiteralPath $license -TotalCount 1) | Should -Be 'MIT License'
        Get-Content -LiteralPath $license -Raw | Should -BeLike '*Copyright (c) AncientPS contributors*'
        $packaged.Copyright | Should -BeLike '*MIT License*'
        (Get-Content -LiteralPath (Join-Path $repoRoot 'LICENSE') -Raw) | Should -Be (Get-Content -LiteralPath $license -Raw)
        Join-Path $package.ModuleFolder 'README.md' | Should -Exist
        Join-Path $package.ModuleFolder 'CHANGELOG.md' | Should -Exist
    }

    It 'fills PSData: <Name> is an absolute https address' -TestCases @(@{ Name = 'ProjectUri' }, @{ Name = 'LicenseUri' }) {
        $uri = $null
        [uri]::TryCreate($psData[$Name], [UriKind]::Absolute, [ref] $uri) | Should -BeTrue
        $uri.Scheme | Should -Be 'https'
    }

    It 'points LicenseUri at the LICENSE file of the project' {
        $psData.LicenseUri | Should -BeLike "$($psData.ProjectUri)/*/LICENSE"
    }

    It 'takes its release notes from the CHANGELOG.md section of its version' {
        $section = [regex]::Match($changelog, "(?ms)^## $([regex]::Escape($version))\b[^\r\n]*\r?\n(.*?)(?=^## |\z)")
        $section.Success | Should -BeTrue -Because "CHANGELOG.md must have a '## $version' section"
        $psData.ReleaseNotes | Should -Be $section.Groups[1].Value.Trim()
        $psData.ReleaseNotes.Length | Should -BeGreaterThan 100
        (Test-ModuleManifest -Path (Join-Path $package.ModuleFolder 'AncientPS.psd1')).ReleaseNotes | Should -Be $psData.ReleaseNotes
    }

    It 'refuses to package a version that CHANGELOG.md does not describe' {
        $root = Join-Path $TestDrive 'unreleased'
        $null = New-Item -ItemType Directory -Path $root
        Copy-Item -LiteralPath (Join-Path $repoRoot 'AncientPS') -Destination $root -Recurse
        foreach ($name in 'README.md', 'LICENSE') { Copy-Item -LiteralPath (Join-Path $repoRoot $name) -Destination $root }
        (Get-Content -LiteralPath (Join-Path $repoRoot 'AncientPS.psd1') -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '9.9.9'" |
            Set-Content -LiteralPath (Join-Path $root 'AncientPS.psd1') -NoNewline
        Set-Content -LiteralPath (Join-Path $root 'CHANGELOG.md') -Value "# Changelog`n`n## 0.1.0`n`n- old`n"
        { & (Join-Path $repoRoot 'build/New-ModulePackage.ps1') -Root $root -OutputPath (Join-Path $root 'out') } | Should -Throw "*no '## 9.9.9' section*"
    }

    It 'links each cmdlet''s help online, to its page in the project' {
        $maml = [xml](Get-Content -Raw -LiteralPath (Join-Path $package.ModuleFolder 'en-US/AncientPS.dll-Help.xml'))
        $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $commands = @($maml.SelectNodes('//command:command', $ns))
        $commands.Count | Should -Be @($packaged.CmdletsToExport).Count
        foreach ($node in $commands) {
            $name = $node.SelectSingleNode('command:details/command:name', $ns).InnerText
            $online = $node.SelectSingleNode('command:relatedLinks/maml:navigationLink[1]/maml:uri', $ns).InnerText
            $online | Should -Be "$($psData.ProjectUri)/blob/main/docs/en-US/$name.md"
            Join-Path $repoRoot "docs/en-US/$name.md" | Should -Exist
        }
    }

    It 'carries the project, license and release notes into the .nupkg' -Skip:(-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
        $nuspec = Read-Nuspec $package.Nupkg
        $metadata = $nuspec.package.metadata
        $metadata.projectUrl | Should -Be $psData.ProjectUri
        $metadata.licenseUrl | Should -Be $psData.LicenseUri
        $metadata.releaseNotes | Should -Not -BeNullOrEmpty
        (Get-NupkgEntry $package.Nupkg) | Should -Contain 'LICENSE'
    }

    It 'packs the AncientPS.Engine library with its readme, without a warning' {
        $nupkgs = Join-Path $TestDrive 'engine'
        $output = & dotnet pack (Join-Path $repoRoot 'src/AncientPS.Engine/AncientPS.Engine.csproj') -c Release -nologo -o $nupkgs 2>&1 | ForEach-Object { "$_" }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        @($output | Where-Object { $_ -match 'warn|missing a readme' }) | Should -BeNullOrEmpty
        $nupkg = Get-ChildItem -LiteralPath $nupkgs -Filter "AncientPS.Engine.$version.nupkg" | Select-Object -First 1
        $nupkg | Should -Not -BeNullOrEmpty
        (Get-NupkgEntry $nupkg.FullName) | Should -Contain 'README.md'
        $metadata = (Read-Nuspec $nupkg.FullName).package.metadata
        $metadata.readme | Should -Be 'README.md'
        $metadata.license.InnerText | Should -Be 'MIT'
        $metadata.projectUrl | Should -Be $psData.ProjectUri
    }
}
