using System.Collections.Concurrent;
using System.Text.Json;
using Idempotency.Sqlite;
using Microsoft.Data.Sqlite;

namespace Idempotency.Benchmarks.Sqlite;

/// <summary>
/// The raw floor of the SQLite store: the store's own statements (<see cref="SqliteStoreSql"/>) on plain Microsoft.Data.Sqlite
/// connections with the same pragmas, one writer at a time in the process (as the store does), and no engine: no key
/// hashing, no payload header, no lease renewal, no telemetry. A first execution is read + upsert + completion; a replay
/// is the read alone.
/// </summary>
internal sealed class SqliteFloor : IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteStoreSql _sql = new("bench_floor");
    private readonly ConcurrentBag<SqliteConnection> _connections = [];
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteFloor(string path)
    {
        _connectionString = $"Data Source={path};Pooling=False";
        var connection = Rent();
        using var create = connection.CreateCommand();
        create.CommandText = SqliteIdempotencyStore.GetCreateTableScript(new SqliteStoreOptions { TableName = "bench_floor" });
        create.ExecuteNonQuery();
        _connections.Add(connection);
    }

    public async Task FirstExecutionAsync(string key, SqliteBenchmark.Order result)
    {
        var connection = Rent();
        try
        {
            var now = TimeProvider.System.GetUtcNow();
            Read(connection, key, now);
            await _writer.WaitAsync();
            try
            {
                Write(connection, _sql.Claim, key, now, null);
            }
            finally
            {
                _writer.Release();
            }

            var payload = JsonSerializer.SerializeToUtf8Bytes(result);
            await _writer.WaitAsync();
            try
            {
                Write(connection, _sql.Complete, key, now, payload);
            }
            finally
            {
                _writer.Release();
            }
        }
        finally
        {
            _connections.Add(connection);
        }
    }

    public Task<SqliteBenchmark.Order?> ReplayAsync(string key)
    {
        var connection = Rent();
        try
        {
            var payload = Read(connection, key, TimeProvider.System.GetUtcNow());
            return Task.FromResult(payload is null ? null : JsonSerializer.Deserialize<SqliteBenchmark.Order>(payload));
        }
        finally
        {
            _connections.Add(connection);
        }
    }

    public void Dispose()
    {
        while (_connections.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    private byte[]? Read(SqliteConnection connection, string key, DateTimeOffset now)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql.ReadLive;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$fingerprint", "f"); // the live read names the claim's fingerprint (takeover rule)
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(6) ? (byte[])reader.GetValue(6) : null;
    }

    private static void Write(SqliteConnection connection, string sql, string key, DateTimeOffset now, byte[]? payload)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$owner", SqliteBenchmark.Owner);
        command.Parameters.AddWithValue("$fingerprint", "f");
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$lease", now.AddMinutes(1).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", now.AddDays(1).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$payload", (object?)payload ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private SqliteConnection Rent()
    {
        if (_connections.TryTake(out var connection))
        {
            return connection;
        }

        connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;";
        pragmas.ExecuteNonQuery();
        return connection;
    }
}
