# Dot-sourced by the benchmark harnesses in this folder: what more than one of them needs, written once.

# The median of the samples (NaN when there are none).
function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    if ($n -eq 0) { return [double]::NaN }
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

# The Bench task's records, made fresh: {Id, Name, Cpu, Up, Tags}.
function New-Rows([int] $N) {
    , @(foreach ($i in 1..$N) { [pscustomobject]@{ Id = $i; Name = "host$i"; Cpu = $i * 0.5; Up = ($i % 2 -eq 0); Tags = @('a', 'b') } })
}

# SQLite as its documentation recommends for a bulk load: a new database file, one table, a prepared insert in one
# transaction (Microsoft.Data.Sqlite must be loaded). Tags are stored joined by commas.
function Write-SqliteRows([string] $Path, [object[]] $Rows) {
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Pooling=False")
    $connection.Open()
    try {
        $create = $connection.CreateCommand()
        $create.CommandText = 'CREATE TABLE rows (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Cpu REAL NOT NULL, Up INTEGER NOT NULL, Tags TEXT NOT NULL)'
        $null = $create.ExecuteNonQuery()
        $transaction = $connection.BeginTransaction()
        $insert = $connection.CreateCommand()
        $insert.Transaction = $transaction
        $insert.CommandText = 'INSERT INTO rows (Id, Name, Cpu, Up, Tags) VALUES ($id, $name, $cpu, $up, $tags)'
        $id = $insert.Parameters.Add('$id', [Microsoft.Data.Sqlite.SqliteType]::Integer)
        $name = $insert.Parameters.Add('$name', [Microsoft.Data.Sqlite.SqliteType]::Text)
        $cpu = $insert.Parameters.Add('$cpu', [Microsoft.Data.Sqlite.SqliteType]::Real)
        $up = $insert.Parameters.Add('$up', [Microsoft.Data.Sqlite.SqliteType]::Integer)
        $tags = $insert.Parameters.Add('$tags', [Microsoft.Data.Sqlite.SqliteType]::Text)
        $insert.Prepare()
        foreach ($r in $Rows) {
            $id.Value = $r.Id; $name.Value = $r.Name; $cpu.Value = $r.Cpu; $up.Value = $r.Up; $tags.Value = $r.Tags -join ','
            $null = $insert.ExecuteNonQuery()
        }
        $transaction.Commit()
    }
    finally { $connection.Dispose() }
}
