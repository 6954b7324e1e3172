@{
    RootModule           = 'AncientPS/AncientPS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'f9aa3c64-f98c-4579-84b0-9c9ef37672e9'
    Author               = 'AncientPS contributors'
    CompanyName          = 'AncientPS contributors'
    Copyright            = '(c) AncientPS contributors. MIT License.'
    Description          = 'Stores PowerShell object graphs in a memory-mapped heap file once, and reads them back lazily, read-only and without deserialising, from any runspace or process. A PowerShell take on OCaml''s ancient library.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'

    # A clone that has not been built has no binaries: this check, loaded before the assemblies, says to run ./build.ps1
    # (build/New-ModulePackage.ps1 leaves it out of the package, which always has its binaries).
    RequiredModules      = @('AncientPS/AncientPS.Preflight.psm1')

    # Types.ps1xml names AncientPS.AncientRecordAdapter, and it is processed before the root module loads.
    RequiredAssemblies   = @('AncientPS/AncientPS.Engine.dll', 'AncientPS/AncientPS.dll')
    TypesToProcess       = @('AncientPS/AncientPS.Types.ps1xml')
    FormatsToProcess     = @('AncientPS/AncientPS.Format.ps1xml')

    CmdletsToExport      = @(
        'Copy-AncientHeap'
        'Dismount-AncientHeap'
        'Get-AncientHeap'
        'Get-AncientObject'
        'Mount-AncientHeap'
        'Remove-AncientObject'
        'Set-AncientObject'
        'Test-AncientHeap'
        'Test-AncientObject'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('memory-mapped', 'mmap', 'heap', 'cache', 'shared-memory', 'serialization', 'runspace', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/AncientPS/AncientPS'
            LicenseUri   = 'https://github.com/AncientPS/AncientPS/blob/main/LICENSE'
            # build/New-ModulePackage.ps1 puts the CHANGELOG.md section of ModuleVersion here in the package.
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
