<#
.SYNOPSIS
Issue 18's table: AncientPS against the embedded stores a PowerShell user also weighs (SQLite, LiteDB, LMDB), each
driven from PowerShell the way its documentation recommends, in one process, interleaved, with paired ratios.

.DESCRIPTION
The peers come from tests/benchmarks/Peers/Peers.csproj, a benchmark-only project that build/Bench.ps1 publishes to
out/bench/peers/ (never part of the module). Nothing here is loaded by AncientPS.

  SQLite   Microsoft.Data.Sqlite + SQLitePCLRaw.bundle_e_sqlite3. One table, Id INTEGER PRIMARY KEY, Tags joined with
           ','. Write: one transaction, one prepared INSERT with typed parameters. Connections with Pooling=False, so
           that 'open' really opens the file. Default journal (rollback, synchronous=FULL).
  LiteDB   BsonDocuments, _id = Id (LiteDB's own index on the document key), InsertBulk for the write, FindById to read.
  LMDB     LightningDB; key = Id as 4 big-endian bytes (the map: the key's UTF-8), value = the record as
           System.Text.Json UTF-8 bytes; one write transaction; reads parse the JSON with JsonDocument. Default flags
           (a commit syncs).
  AncientPS  the cmdlets: Mount-AncientHeap, Set-AncientObject -InputObject, Get-AncientObject -NoEnumerate,
           Dismount-AncientHeap (Fast durability, the default).

Rows (the data is the Bench task's: [pscustomobject]@{ Id; Name; Cpu; Up; Tags = @('a','b') }):
  write     a new store, -Count rows written, closed (open to close). Each store gets rows built anew (untimed).
  write after ConvertTo-Json / Export-Clixml
            the same, with rows built anew and then read by ConvertTo-Json -Depth 2 or Export-Clixml -Depth 2 (untimed):
            rows a script has already serialized once carry PowerShell's hidden members, which made them slower to
            store. -WriteOnly runs only the write rows and the file size.
  open      open the written store afresh (read-only where the store has it), read row -Count's Name, close.
            -OpenRepeat samples per round, the round keeps their median.
  scan      the store open (untimed); one pass over every row in PowerShell summing Cpu (the query or Get inside).
  lookups   -Lookups random keys looked up in a -MapCount-entry map ("key$i" = $i), the store open.
  size      the bytes on disk after the write (LMDB: data.mdb; SQLite: the database file; no journal is left).
  update    read one record and change its Cpu in the open store, committed (AncientPS: Get-AncientObject, then
            Set-AncientObject -Index with a changed copy of the row, in place). 5 samples per round, the median kept;
            the first update of a freshly written list also checksums it in 64 KiB extents, once.

Each round runs every row for every store, the stores in a rotated order; a round's ratio is the peer's time over
AncientPS's in that round, and the table shows the median of those paired ratios (>1: AncientPS is faster) beside the
median times. Benchmarks are not tests: a MISS is a finding, never a failure.

.EXAMPLE
dotnet pwsh ./tests/benchmarks/PeersBench.ps1 -PeersPath out/bench/peers -Repeat 3
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../AncientPS.psd1'),
    # The published peers project (build/Bench.ps1 publishes it here).
    [string] $PeersPath = (Join-Path $PSScriptRoot '../../out/bench/peers'),
    [string] $ResultPath = (Join-Path $PSScriptRoot '../../out/bench/peers-results.json'),
    # Also write the Markdown table here.
    [string] $MarkdownPath = (Join-Path $PSScriptRoot '../../out/bench/peers-table.md'),
    [int] $Count = 100000,
    [int] $MapCount = 200000,
    [int] $Lookups = 10000,
    [ValidateRange(1, 20)]
    [int] $Repeat = 3,
    [int] $OpenRepeat = 15,
    # Leave out these stores (SQLite, LiteDB, LMDB).
    [string[]] $Skip = @(),
    # Only the write rows (fresh rows, and rows ConvertTo-Json or Export-Clixml read first) and the file size.
    [switch] $WriteOnly
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Resolve-Path -LiteralPath $ModulePath).Path
$PeersPath = (Resolve-Path -LiteralPath $PeersPath).Path
$work = Join-Path ([IO.Path]::GetTempPath()) "ancientps-peers-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null

# ------------------------------------------------------------------ loading the peers

$stores = [Collections.Generic.List[string]]::new()
$stores.Add('AncientPS')
foreach ($name in 'SQLitePCLRaw.core', 'SQLitePCLRaw.provider.e_sqlite3', 'SQLitePCLRaw.batteries_v2', 'Microsoft.Data.Sqlite', 'LiteDB', 'LightningDB') {
    Add-Type -LiteralPath (Join-Path $PeersPath "$name.dll")
}
if ('SQLite' -notin $Skip) { [SQLitePCL.Batteries_V2]::Init(); $stores.Add('SQLite') }
if ('LiteDB' -notin $Skip) { $stores.Add('LiteDB') }
if ('LMDB' -notin $Skip) {
    # LightningDB's bundled liblmdb.so is built against a newer glibc than some distributions have (Debian 12); the
    # distribution's own liblmdb (Debian: liblmdb0) then takes its place beside LightningDB.dll.
    $handle = [IntPtr]::Zero
    $native = Join-Path $PeersPath $(if ($IsWindows) { 'lmdb.dll' } elseif ($IsMacOS) { 'liblmdb.dylib' } else { 'liblmdb.so' })
    $loaded = (Test-Path -LiteralPath $native) -and [Runtime.InteropServices.NativeLibrary]::TryLoad($native, [ref] $handle)
    if (-not $loaded -and $IsLinux) {
        $system = @('/usr/lib/x86_64-linux-gnu/liblmdb.so.0', '/usr/lib/aarch64-linux-gnu/liblmdb.so.0', '/usr/lib64/liblmdb.so.0', '/usr/lib/liblmdb.so.0') |
            Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
        if ($system) {
            Copy-Item -LiteralPath $system -Destination $native -Force
            $loaded = [Runtime.InteropServices.NativeLibrary]::TryLoad($native, [ref] $handle)
        }
    }
    if ($loaded) { $stores.Add('LMDB') }
    else { Write-Warning "LMDB left out: its native library does not load here (on Debian: apt-get install liblmdb0)." }
}

# ------------------------------------------------------------------ data

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

$jsonOptions = [Text.Json.JsonSerializerOptions]::Default
$docOptions = [Text.Json.JsonDocumentOptions]::new()
function ConvertTo-LmdbKey([int] $Id) { [BitConverter]::GetBytes([Net.IPAddress]::HostToNetworkOrder($Id)) }
function ConvertTo-JsonBytes($Value) { [Text.Json.JsonSerializer]::SerializeToUtf8Bytes($Value, $Value.GetType(), $jsonOptions) }

function Open-Lmdb([string] $Path, [switch] $ReadOnly) {
    $config = [LightningDB.EnvironmentConfiguration]::new()
    $config.MapSize = 4GB
    $environment = [LightningDB.LightningEnvironment]::new($Path, $config)
    if ($ReadOnly) { $environment.Open([LightningDB.EnvironmentOpenFlags]::ReadOnly) } else { $environment.Open() }
    $environment
}
function Open-LmdbDatabase($Transaction, [switch] $Create) {
    $config = [LightningDB.DatabaseConfiguration]::new()
    if ($Create) { $config.Flags = [LightningDB.DatabaseOpenFlags]::Create }
    $Transaction.OpenDatabase($config, $true)
}

function Get-StorePath([string] $Store, [string] $Name) {
    $extension = @{ AncientPS = 'heap'; SQLite = 'db'; LiteDB = 'litedb'; LMDB = 'lmdb' }[$Store]
    Join-Path $work "$Name.$extension"
}

function Remove-Store([string] $Path) {
    foreach ($p in @($Path, "$Path-journal", "$Path-wal", "$Path-shm", ($Path -replace '\.litedb$', '-log.litedb'))) {
        if (Test-Path -LiteralPath $p) { Remove-Item -LiteralPath $p -Recurse -Force }
    }
}

# ------------------------------------------------------------------ the rows of the table, per store

# write: open a new store, write every row, close.
function Invoke-Write([string] $Store, [string] $Path, [object[]] $Rows) {
    switch ($Store) {
        'AncientPS' {
            $heap = Mount-AncientHeap -LiteralPath $Path
            Set-AncientObject -Heap $heap -Key rows -InputObject $Rows
            Dismount-AncientHeap -Heap $heap
        }
        'SQLite' { Write-SqliteRows -Path $Path -Rows $Rows }
        'LiteDB' {
            $db = [LiteDB.LiteDatabase]::new("Filename=$Path")
            $collection = $db.GetCollection('rows', [LiteDB.BsonAutoId]::Int32)
            $documents = [Collections.Generic.List[LiteDB.BsonDocument]]::new($Rows.Count)
            foreach ($r in $Rows) {
                $d = [LiteDB.BsonDocument]::new()
                $d['_id'] = $r.Id; $d['Name'] = $r.Name; $d['Cpu'] = $r.Cpu; $d['Up'] = $r.Up
                $d['Tags'] = [LiteDB.BsonArray]::new([LiteDB.BsonValue[]] $r.Tags)
                $documents.Add($d)
            }
            $null = $collection.InsertBulk($documents)
            $db.Dispose()
        }
        'LMDB' {
            $null = New-Item -ItemType Directory -Path $Path -Force
            $environment = Open-Lmdb $Path
            $transaction = $environment.BeginTransaction()
            $db = Open-LmdbDatabase $transaction -Create
            $type = [Collections.Specialized.OrderedDictionary]
            foreach ($r in $Rows) {
                $value = [ordered]@{ Id = $r.Id; Name = $r.Name; Cpu = $r.Cpu; Up = $r.Up; Tags = $r.Tags }
                $key = [BitConverter]::GetBytes([Net.IPAddress]::HostToNetworkOrder([int] $r.Id))
                $null = $transaction.Put($db, $key, [Text.Json.JsonSerializer]::SerializeToUtf8Bytes($value, $type, $jsonOptions))
            }
            $null = $transaction.Commit()
            $transaction.Dispose(); $db.Dispose(); $environment.Dispose()
        }
    }
}

# open: a fresh handle, read the last row's Name, close.
function Invoke-Open([string] $Store, [string] $Path, [int] $Id) {
    switch ($Store) {
        'AncientPS' {
            $heap = Mount-AncientHeap -LiteralPath $Path -ReadOnly
            $rows = Get-AncientObject -Heap $heap -Key rows -NoEnumerate
            $name = $rows[$Id - 1].Name
            Dismount-AncientHeap -Heap $heap
        }
        'SQLite' {
            $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Mode=ReadOnly;Pooling=False")
            $connection.Open()
            $query = $connection.CreateCommand()
            $query.CommandText = 'SELECT Name FROM rows WHERE Id = $id'
            $null = $query.Parameters.AddWithValue('$id', $Id)
            $name = $query.ExecuteScalar()
            $connection.Dispose()
        }
        'LiteDB' {
            $db = [LiteDB.LiteDatabase]::new("Filename=$Path;ReadOnly=true")
            $name = $db.GetCollection('rows').FindById($Id)['Name'].AsString
            $db.Dispose()
        }
        'LMDB' {
            $environment = Open-Lmdb $Path -ReadOnly
            $transaction = $environment.BeginTransaction([LightningDB.TransactionBeginFlags]::ReadOnly)
            $db = Open-LmdbDatabase $transaction
            $bytes = $null
            $null = [LightningDB.LightningExtensions]::TryGet($transaction, $db, (ConvertTo-LmdbKey $Id), [ref] $bytes)
            $document = [Text.Json.JsonDocument]::Parse([ReadOnlyMemory[byte]] $bytes, $docOptions)
            $name = $document.RootElement.GetProperty('Name').GetString()
            $document.Dispose(); $transaction.Dispose(); $db.Dispose(); $environment.Dispose()
        }
    }
    if ($name -ne "host$Id") { throw "$Store read '$name' for row $Id." }
}

# Opens a store for the scan, lookup and update rows; returns a state hashtable (closed by Close-Store).
function Open-Store([string] $Store, [string] $Path) {
    switch ($Store) {
        'AncientPS' { @{ Heap = Mount-AncientHeap -LiteralPath $Path } }
        'SQLite' {
            $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Pooling=False")
            $connection.Open()
            @{ Connection = $connection }
        }
        'LiteDB' { @{ Db = [LiteDB.LiteDatabase]::new("Filename=$Path") } }
        'LMDB' {
            $environment = Open-Lmdb $Path
            $transaction = $environment.BeginTransaction()
            $db = Open-LmdbDatabase $transaction -Create
            $null = $transaction.Commit(); $transaction.Dispose()
            @{ Environment = $environment; Db = $db }
        }
    }
}

function Close-Store([string] $Store, [hashtable] $State) {
    switch ($Store) {
        'AncientPS' { Dismount-AncientHeap -Heap $State.Heap }
        'SQLite' { $State.Connection.Dispose() }
        'LiteDB' { $State.Db.Dispose() }
        'LMDB' { $State.Db.Dispose(); $State.Environment.Dispose() }
    }
}

# scan: every row once, summing Cpu, in PowerShell.
function Invoke-Scan([string] $Store, [hashtable] $State) {
    $sum = 0.0
    switch ($Store) {
        'AncientPS' {
            $rows = Get-AncientObject -Heap $State.Heap -Key rows -NoEnumerate
            foreach ($r in $rows) { $sum += $r.Cpu }
        }
        'SQLite' {
            $query = $State.Connection.CreateCommand()
            $query.CommandText = 'SELECT Cpu FROM rows'
            $reader = $query.ExecuteReader()
            while ($reader.Read()) { $sum += $reader.GetDouble(0) }
            $reader.Dispose()
        }
        'LiteDB' {
            foreach ($d in $State.Db.GetCollection('rows').FindAll()) { $sum += $d['Cpu'].AsDouble }
        }
        'LMDB' {
            $transaction = $State.Environment.BeginTransaction([LightningDB.TransactionBeginFlags]::ReadOnly)
            $cursor = $transaction.CreateCursor($State.Db)
            foreach ($pair in [LightningDB.LightningExtensions]::AsEnumerable($cursor)) {
                $document = [Text.Json.JsonDocument]::Parse([ReadOnlyMemory[byte]] $pair.Item2.CopyToNewArray(), $docOptions)
                $sum += $document.RootElement.GetProperty('Cpu').GetDouble()
                $document.Dispose()
            }
            $cursor.Dispose(); $transaction.Dispose()
        }
    }
    $sum
}

# SQLite's own aggregate, for the note: the sum pushed into the database rather than done row by row in PowerShell.
function Invoke-SqlSum([hashtable] $State) {
    $query = $State.Connection.CreateCommand()
    $query.CommandText = 'SELECT SUM(Cpu) FROM rows'
    $query.ExecuteScalar()
}

# The map: "key$i" = $i, written once per store (untimed).
function Write-Map([string] $Store, [string] $Path, [int] $N) {
    switch ($Store) {
        'AncientPS' {
            $table = @{}
            for ($i = 0; $i -lt $N; $i++) { $table["key$i"] = $i }
            $heap = Mount-AncientHeap -LiteralPath $Path
            Set-AncientObject -Heap $heap -Key map -InputObject $table
            Dismount-AncientHeap -Heap $heap
        }
        'SQLite' {
            $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Pooling=False")
            $connection.Open()
            $create = $connection.CreateCommand()
            $create.CommandText = 'CREATE TABLE map (k TEXT PRIMARY KEY, v INTEGER NOT NULL)'
            $null = $create.ExecuteNonQuery()
            $transaction = $connection.BeginTransaction()
            $insert = $connection.CreateCommand()
            $insert.Transaction = $transaction
            $insert.CommandText = 'INSERT INTO map (k, v) VALUES ($k, $v)'
            $k = $insert.Parameters.Add('$k', [Microsoft.Data.Sqlite.SqliteType]::Text)
            $v = $insert.Parameters.Add('$v', [Microsoft.Data.Sqlite.SqliteType]::Integer)
            $insert.Prepare()
            for ($i = 0; $i -lt $N; $i++) { $k.Value = "key$i"; $v.Value = $i; $null = $insert.ExecuteNonQuery() }
            $transaction.Commit()
            $connection.Dispose()
        }
        'LiteDB' {
            $db = [LiteDB.LiteDatabase]::new("Filename=$Path")
            $documents = [Collections.Generic.List[LiteDB.BsonDocument]]::new($N)
            for ($i = 0; $i -lt $N; $i++) {
                $d = [LiteDB.BsonDocument]::new(); $d['_id'] = "key$i"; $d['v'] = $i; $documents.Add($d)
            }
            $null = $db.GetCollection('map').InsertBulk($documents)
            $db.Dispose()
        }
        'LMDB' {
            $null = New-Item -ItemType Directory -Path $Path -Force
            $environment = Open-Lmdb $Path
            $transaction = $environment.BeginTransaction()
            $db = Open-LmdbDatabase $transaction -Create
            $utf8 = [Text.Encoding]::UTF8
            for ($i = 0; $i -lt $N; $i++) {
                $null = $transaction.Put($db, $utf8.GetBytes("key$i"), [Text.Json.JsonSerializer]::SerializeToUtf8Bytes($i, [int], $jsonOptions))
            }
            $null = $transaction.Commit()
            $transaction.Dispose(); $db.Dispose(); $environment.Dispose()
        }
    }
}

function Invoke-Lookups([string] $Store, [hashtable] $State, [string[]] $Keys) {
    $x = $null
    switch ($Store) {
        'AncientPS' {
            $map = Get-AncientObject -Heap $State.Heap -Key map -NoEnumerate
            foreach ($k in $Keys) { $x = $map[$k] }
        }
        'SQLite' {
            $query = $State.Connection.CreateCommand()
            $query.CommandText = 'SELECT v FROM map WHERE k = $k'
            $key = $query.Parameters.Add('$k', [Microsoft.Data.Sqlite.SqliteType]::Text)
            $query.Prepare()
            foreach ($k in $Keys) { $key.Value = $k; $x = $query.ExecuteScalar() }
        }
        'LiteDB' {
            $collection = $State.Db.GetCollection('map')
            foreach ($k in $Keys) { $x = $collection.FindById($k)['v'].AsInt32 }
        }
        'LMDB' {
            $transaction = $State.Environment.BeginTransaction([LightningDB.TransactionBeginFlags]::ReadOnly)
            $bytes = $null
            foreach ($k in $Keys) {
                $null = [LightningDB.LightningExtensions]::TryGet($transaction, $State.Db, [Text.Encoding]::UTF8.GetBytes($k), [ref] $bytes)
                $document = [Text.Json.JsonDocument]::Parse([ReadOnlyMemory[byte]] $bytes, $docOptions)
                $x = $document.RootElement.GetInt32()
                $document.Dispose()
            }
            $transaction.Dispose()
        }
    }
    $x
}

# The ceilings of the scan and lookup rows: the same PowerShell loops over in-memory objects, no store at all. A store
# read from PowerShell cannot lead a peer by more than these do.
function Invoke-MemoryScan([object[]] $Rows) {
    $sum = 0.0
    foreach ($r in $Rows) { $sum += $r.Cpu }
    $sum
}

function Invoke-MemoryLookups([hashtable] $Map, [string[]] $Keys) {
    $x = $null
    foreach ($k in $Keys) { $x = $Map[$k] }
    $x
}

# update: one record's Cpu, committed, the store open.
function Invoke-Update([string] $Store, [hashtable] $State, [int] $Id, [double] $Cpu, [object[]] $Rows) {
    switch ($Store) {
        'AncientPS' {
            # As LiteDB's FindById + Update: read the stored row, write a changed copy in its place (-Index).
            $old = (Get-AncientObject -Heap $State.Heap -Key rows -NoEnumerate)[$Id - 1]
            $row = [pscustomobject]@{ Id = $old.Id; Name = $old.Name; Cpu = $Cpu; Up = $old.Up; Tags = $old.Tags }
            Set-AncientObject -Heap $State.Heap -Key rows -Index ($Id - 1) -InputObject $row
        }
        'SQLite' {
            $update = $State.Connection.CreateCommand()
            $update.CommandText = 'UPDATE rows SET Cpu = $cpu WHERE Id = $id'
            $null = $update.Parameters.AddWithValue('$cpu', $Cpu)
            $null = $update.Parameters.AddWithValue('$id', $Id)
            $null = $update.ExecuteNonQuery()
        }
        'LiteDB' {
            $collection = $State.Db.GetCollection('rows')
            $d = $collection.FindById($Id)
            $d['Cpu'] = $Cpu
            $null = $collection.Update($d)
        }
        'LMDB' {
            $transaction = $State.Environment.BeginTransaction()
            $key = ConvertTo-LmdbKey $Id
            $bytes = $null
            $null = [LightningDB.LightningExtensions]::TryGet($transaction, $State.Db, $key, [ref] $bytes)
            $node = [Text.Json.Nodes.JsonNode]::Parse([Text.Encoding]::UTF8.GetString($bytes))
            $node['Cpu'] = [Text.Json.Nodes.JsonValue]::Create($Cpu)
            $null = $transaction.Put($State.Db, $key, [Text.Encoding]::UTF8.GetBytes($node.ToJsonString()))
            $null = $transaction.Commit()
            $transaction.Dispose()
        }
    }
}

function Get-StoreSize([string] $Store, [string] $Path) {
    if ($Store -eq 'LMDB') { return (Get-Item -LiteralPath (Join-Path $Path 'data.mdb')).Length }
    (Get-Item -LiteralPath $Path).Length
}

# ------------------------------------------------------------------ measuring

function Measure-Once([scriptblock] $Body) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = & $Body
    $clock.Stop()
    $clock.Elapsed.TotalSeconds
}

$figures = 'write', 'writejson', 'writeclixml', 'open', 'scan', 'lookups', 'update'
$samples = @{}
foreach ($f in $figures + 'size', 'sqlsum', 'rescan', 'memscan', 'memlookups') { $samples[$f] = @{}; foreach ($s in $stores) { $samples[$f][$s] = [Collections.Generic.List[double]]::new() } }

try {
    Write-Host "Peers: $($stores -join ', '); $Count rows, a $MapCount-entry map, $Lookups lookups, $Repeat rounds"
    $random = [Random]::new(18)
    $keys = [string[]]@(for ($i = 0; $i -lt $Lookups; $i++) { "key$($random.Next($MapCount))" })

    # The maps (untimed), then one untimed pass of every row so that every path is compiled.
    $mapPaths = @{}
    foreach ($s in $stores) {
        if ($WriteOnly) { break }
        $mapPaths[$s] = Get-StorePath $s 'map'
        Write-Host "  writing the map into $s"
        Write-Map $s $mapPaths[$s] $MapCount
    }
    # The in-memory map of the lookup ceiling, as the stores' maps hold it.
    $memoryMap = @{}
    if (-not $WriteOnly) { for ($i = 0; $i -lt $MapCount; $i++) { $memoryMap["key$i"] = $i } }
    foreach ($s in $stores) {
        $p = Get-StorePath $s 'warm'
        Invoke-Write $s $p (New-Rows 2000)
        if ($WriteOnly) { Remove-Store $p; continue }
        Invoke-Open $s $p 2000
        $state = Open-Store $s $p
        $null = Invoke-Scan $s $state
        Invoke-Update $s $state 5 1.0 (New-Rows 2000)
        Close-Store $s $state
        $state = Open-Store $s $mapPaths[$s]
        $null = Invoke-Lookups $s $state $keys[0..99]
        Close-Store $s $state
        Remove-Store $p
        if ($s -eq 'AncientPS') { $null = Invoke-MemoryScan (New-Rows 2000); $null = Invoke-MemoryLookups $memoryMap $keys[0..99] }
    }

    for ($round = 0; $round -lt $Repeat; $round++) {
        # Rotate the order of the stores each round, so that no store always runs after the same one.
        $order = @(for ($i = 0; $i -lt $stores.Count; $i++) { $stores[($i + $round) % $stores.Count] })
        Write-Host "  round $($round + 1) of ${Repeat}: $($order -join ', ')"
        foreach ($s in $order) {
            $path = Get-StorePath $s "rows-$round"
            Remove-Store $path
            $rows = New-Rows $Count
            $samples.write[$s].Add((Measure-Once { Invoke-Write $s $path $rows }))
            $samples.size[$s].Add((Get-StoreSize $s $path))

            # The same write, of rows a script has serialized once already (untimed): ConvertTo-Json, Export-Clixml.
            foreach ($history in 'json', 'clixml') {
                $touched = New-Rows $Count
                if ($history -eq 'json') { $null = $touched | ConvertTo-Json -Depth 2 -Compress }
                else { $touched | Export-Clixml -LiteralPath (Join-Path $work 'history.xml') -Depth 2 }
                $touchedPath = Get-StorePath $s "rows-$history-$round"
                Remove-Store $touchedPath
                $samples["write$history"][$s].Add((Measure-Once { Invoke-Write $s $touchedPath $touched }))
                Remove-Store $touchedPath
                $touched = $null
            }
            if ($WriteOnly) { Remove-Store $path; $rows = $null; continue }

            $open = @(for ($i = 0; $i -lt $OpenRepeat; $i++) { Measure-Once { Invoke-Open $s $path $Count } })
            $samples.open[$s].Add((Get-Median $open))

            $state = Open-Store $s $path
            $samples.scan[$s].Add((Measure-Once { $script:lastSum = Invoke-Scan $s $state }))
            if ($s -eq 'AncientPS') {
                # The same list scanned again: a list's first pass holds no record (a one-off scan keeps nothing alive), a
                # later pass holds the records it meets, so the passes after that one are cheaper. The third is timed.
                $view = Get-AncientObject -Heap $state.Heap -Key rows -NoEnumerate
                foreach ($pass in 1, 2) { $null = Measure-Once { $sum = 0.0; foreach ($r in $view) { $sum += $r.Cpu } } }
                $samples.rescan[$s].Add((Measure-Once { $sum = 0.0; foreach ($r in $view) { $sum += $r.Cpu } }))
                $view = $null
            }
            if ($script:lastSum -ne ($Count * ($Count + 1) / 4)) { throw "$s summed $($script:lastSum)." }
            if ($s -eq 'AncientPS') { $samples.memscan[$s].Add((Measure-Once { $null = Invoke-MemoryScan $rows })) }
            if ($s -eq 'SQLite') { $samples.sqlsum[$s].Add((Measure-Once { Invoke-SqlSum $state })) }
            $update = @(for ($i = 0; $i -lt 5; $i++) { Measure-Once { Invoke-Update $s $state (7 + $i) (0.25 + $i) $rows } })
            $samples.update[$s].Add((Get-Median $update))
            Close-Store $s $state

            $state = Open-Store $s $mapPaths[$s]
            $samples.lookups[$s].Add((Measure-Once { $script:lastValue = Invoke-Lookups $s $state $keys }))
            Close-Store $s $state
            if ($script:lastValue -ne [int]($keys[-1] -replace 'key')) { throw "$s looked up $($script:lastValue) for $($keys[-1])." }
            if ($s -eq 'AncientPS') { $samples.memlookups[$s].Add((Measure-Once { $null = Invoke-MemoryLookups $memoryMap $keys })) }
            Remove-Store $path
            $rows = $null
        }
    }

    # The compact JSON text of the rows, for the size goal (issue 18: the heap at most that).
    $jsonBytes = 2 + ($Count - 1)
    foreach ($r in (New-Rows $Count)) { $jsonBytes += (ConvertTo-JsonBytes ([ordered]@{ Id = $r.Id; Name = $r.Name; Cpu = $r.Cpu; Up = $r.Up; Tags = $r.Tags })).Length }

    # ------------------------------------------------------------------ the table
    function Format-Value([string] $Figure, [double] $v) {
        if ([double]::IsNaN($v)) { return '-' }
        if ($Figure -eq 'size') { return '{0:N1} MB' -f ($v / 1MB) }
        if ($v -lt 0.001) { '{0:N3} ms' -f ($v * 1e3) } elseif ($v -lt 1) { '{0:N1} ms' -f ($v * 1e3) } else { '{0:N2} s' -f $v }
    }
    $labels = [ordered]@{
        write   = "write $('{0:N0}' -f $Count) rows, open to close"
        writejson = "the same, rows ConvertTo-Json read first"
        writeclixml = "the same, rows Export-Clixml read first"
        open    = "open a fresh handle + read row $('{0:N0}' -f ($Count - 1))'s Name"
        scan    = 'full scan summing Cpu'
        lookups = "$('{0:N0}' -f $Lookups) random lookups in a $('{0:N0}' -f $MapCount) map"
        size    = "file size, $('{0:N0}' -f $Count) rows"
        update  = "update one record in $('{0:N0}' -f $Count) rows"
    }
    $peers = @($stores | Where-Object { $_ -ne 'AncientPS' })
    foreach ($f in @($labels.Keys)) { if ($samples[$f]['AncientPS'].Count -eq 0) { $labels.Remove($f) } }
    $table = foreach ($f in $labels.Keys) {
        $row = [ordered]@{ Figure = $labels[$f] }
        $row.AncientPS = Get-Median $samples[$f]['AncientPS'].ToArray()
        foreach ($p in $peers) {
            $row[$p] = Get-Median $samples[$f][$p].ToArray()
            # Paired: each round's peer over the same round's AncientPS. >1: AncientPS is faster (or smaller).
            $ratios = @(for ($i = 0; $i -lt $samples[$f]['AncientPS'].Count; $i++) { $samples[$f][$p][$i] / $samples[$f]['AncientPS'][$i] })
            $row["$p ratio"] = Get-Median $ratios
        }
        [pscustomobject]$row
    }

    $goals = [Collections.Generic.List[object]]::new()
    function Add-Goal([string] $Goal, [bool] $Met, [string] $Measured) { $goals.Add([pscustomobject]@{ Goal = $Goal; Result = $(if ($Met) { 'PASS' } else { 'MISS' }); Measured = $Measured }) }
    function Get-Ratio([string] $Figure, [string] $Peer) { ($table | Where-Object Figure -EQ $labels[$Figure]).("$Peer ratio") }
    if ('SQLite' -in $peers) {
        Add-Goal 'write >= 3x faster than SQLite' ((Get-Ratio write SQLite) -ge 3) ('{0:N2}x' -f (Get-Ratio write SQLite))
        Add-Goal 'write >= 3x faster than SQLite, rows ConvertTo-Json read first' ((Get-Ratio writejson SQLite) -ge 3) ('{0:N2}x' -f (Get-Ratio writejson SQLite))
        Add-Goal 'write >= 3x faster than SQLite, rows Export-Clixml read first' ((Get-Ratio writeclixml SQLite) -ge 3) ('{0:N2}x' -f (Get-Ratio writeclixml SQLite))
        if (-not $WriteOnly) { Add-Goal 'open + one read <= SQLite open + one query' ((Get-Ratio open SQLite) -ge 1) ('{0:N2}x (SQLite/AncientPS)' -f (Get-Ratio open SQLite)) }
    }
    if ($peers -and -not $WriteOnly) {
        $scanLead = ($peers | ForEach-Object { Get-Ratio scan $_ } | Measure-Object -Minimum).Minimum
        $lookupLead = ($peers | ForEach-Object { Get-Ratio lookups $_ } | Measure-Object -Minimum).Minimum
        Add-Goal 'scan keeps a >= 9x lead over every peer' ($scanLead -ge 9) ('{0:N1}x at least' -f $scanLead)
        Add-Goal 'lookups keep a >= 12x lead over every peer' ($lookupLead -ge 12) ('{0:N1}x at least' -f $lookupLead)
    }
    $size = Get-Median $samples.size['AncientPS'].ToArray()
    Add-Goal 'file size <= the compact JSON text' ($size -le $jsonBytes) ('{0:N1} MB vs {1:N1} MB of JSON' -f ($size / 1MB), ($jsonBytes / 1MB))
    $update = Get-Median $samples.update['AncientPS'].ToArray()
    if (-not $WriteOnly) { Add-Goal 'update one record <= 10 ms' ($update -le 0.010) (Format-Value update $update) }

    $md = [Text.StringBuilder]::new()
    $null = $md.AppendLine("| Figure | AncientPS | $(($peers | ForEach-Object { "$_ | ratio" }) -join ' | ') |")
    $null = $md.AppendLine("|---|---:|$(($peers | ForEach-Object { '---:|---:' }) -join '|')|")
    foreach ($t in $table) {
        $f = @($labels.Keys | Where-Object { $labels[$_] -eq $t.Figure })[0]
        $cells = foreach ($p in $peers) { Format-Value $f $t.$p; '{0:N2}x' -f $t."$p ratio" }
        $null = $md.AppendLine("| $($t.Figure) | $(Format-Value $f $t.AncientPS) | $($cells -join ' | ') |")
    }
    $null = $md.AppendLine()
    $null = $md.AppendLine('Ratio: the median over the rounds of the peer''s time (or size) over AncientPS''s in the same round; above 1, AncientPS is faster (smaller).')
    if ('SQLite' -in $peers -and -not $WriteOnly) {
        $null = $md.AppendLine(('SQLite''s own `SELECT SUM(Cpu)` (the sum inside the database, not a scan in PowerShell): {0}.' -f (Format-Value scan (Get-Median $samples.sqlsum['SQLite'].ToArray()))))
    }
    if (-not $WriteOnly) { $null = $md.AppendLine(('AncientPS, a later scan of the same list (its third pass: from the second on, a list holds its records): {0}.' -f (Format-Value scan (Get-Median $samples.rescan['AncientPS'].ToArray())))) }
    if (-not $WriteOnly -and $peers) {
        # The ceilings: each peer's time over the in-memory loop's in the same round, the least over the peers.
        $ceiling = foreach ($f in 'scan', 'lookups') {
            $memory = $samples["mem$f"]['AncientPS']
            $lead = ($peers | ForEach-Object { $p = $_; Get-Median @(for ($i = 0; $i -lt $memory.Count; $i++) { $samples[$f][$p][$i] / $memory[$i] }) } | Measure-Object -Minimum).Minimum
            '{0} {1} ({2:N1}x lead at least)' -f $f, (Format-Value $f (Get-Median $memory.ToArray())), $lead
        }
        $null = $md.AppendLine("Ceiling, the same PowerShell loops over in-memory objects (no store): $($ceiling -join '; ').")
    }
    $null = $md.AppendLine(('Compact JSON text of the rows: {0:N1} MB.' -f ($jsonBytes / 1MB)))
    $null = $md.AppendLine()
    $null = $md.AppendLine('| Goal (issue 18) | Result | Measured |')
    $null = $md.AppendLine('|---|---|---|')
    foreach ($g in $goals) { $null = $md.AppendLine("| $($g.Goal) | **$($g.Result)** | $($g.Measured) |") }
    Write-Host ''
    Write-Host $md.ToString()
    if ($MarkdownPath) {
        New-Item -ItemType Directory -Path (Split-Path -Parent $MarkdownPath) -Force | Out-Null
        Set-Content -LiteralPath $MarkdownPath -Value $md.ToString()
    }
    if ($ResultPath) {
        New-Item -ItemType Directory -Path (Split-Path -Parent $ResultPath) -Force | Out-Null
        $all = @{}
        foreach ($f in $samples.Keys) { $all[$f] = @{}; foreach ($s in $samples[$f].Keys) { $all[$f][$s] = $samples[$f][$s].ToArray() } }
        [ordered]@{
            Date = (Get-Date).ToUniversalTime().ToString('u'); Stores = $stores; Count = $Count; MapCount = $MapCount
            Lookups = $Lookups; Repeat = $Repeat; JsonBytes = $jsonBytes; Table = $table; Goals = $goals; Samples = $all
        } | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $ResultPath
    }
}
finally {
    Get-AncientHeap | Dismount-AncientHeap
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
