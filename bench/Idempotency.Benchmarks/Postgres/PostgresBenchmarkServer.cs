using System.Text.Json;
using Idempotency.Npgsql;
using Idempotency.TestServers;
using Npgsql;
using NpgsqlTypes;

namespace Idempotency.Benchmarks.Postgres;

/// <summary>
/// A PostgreSQL 15 server (the test fixture) with two tables of the store's shape: one used by the library through the
/// executor, one by the raw floor — the same statements a hand-written store needs, sent with plain Npgsql, prepared
/// like the store's (each physical connection prepares a statement once, then only executes it).
/// </summary>
internal sealed class PostgresBenchmarkServer : IAsyncDisposable
{
    public const string LibraryTable = "bench_library";
    public const string FloorTable = "bench_floor";
    public static readonly Order Result = new(42, "book", 3, "A typical small result: an order confirmation with a few fields.");
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(24);

    private readonly PostgresServer _server;
    private readonly string _insert;
    private readonly string _complete;
    private readonly string _read;
    private readonly string _claim;

    private PostgresBenchmarkServer(PostgresServer server, NpgsqlDataSource dataSource)
    {
        _server = server;
        DataSource = dataSource;
        Store = new NpgsqlIdempotencyStore(dataSource, new NpgsqlStoreOptions { TableName = LibraryTable });
        Executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "bench" }, Store);
        _insert = $"INSERT INTO {FloorTable} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at) VALUES ($1, 0, $2, $3, $4, $5, $6) ON CONFLICT (store_key) DO NOTHING";
        _complete = $"UPDATE {FloorTable} SET status = 1, payload = $2, lease_expires_at = $3, expires_at = $4 WHERE store_key = $1 AND owner_token = $5 AND status = 0";
        _claim = new NpgsqlStoreSql("public", LibraryTable).Claim;
        _read = $"SELECT status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable FROM {FloorTable} WHERE store_key = $1";
    }

    public NpgsqlDataSource DataSource { get; }

    public NpgsqlIdempotencyStore Store { get; }

    public IIdempotencyExecutor Executor { get; }

    /// <summary>Starts the server and creates both tables.</summary>
    /// <param name="connectionSettings">Extra connection-string settings of the shared data source, e.g. <c>No Reset On Close=true</c>.</param>
    public static async Task<PostgresBenchmarkServer> StartAsync(string? connectionSettings = null)
    {
        // Enough shared buffers for a million records, so the scale benchmark measures the index, not the disk.
        var server = new PostgresServer { Settings = ["shared_buffers=1GB", "max_wal_size=4GB"] };
        await server.InitializeAsync();
        var dataSource = NpgsqlDataSource.Create(server.ConnectionStringWith("Maximum Pool Size=128" + (connectionSettings is null ? string.Empty : ";" + connectionSettings)));
        var bench = new PostgresBenchmarkServer(server, dataSource);
        await bench.Store.CreateTableAsync(CancellationToken.None);
        await new NpgsqlIdempotencyStore(dataSource, new NpgsqlStoreOptions { TableName = FloorTable }).CreateTableAsync(CancellationToken.None);
        await bench.CheckOneRoundTripAsync();
        return bench;
    }

    /// <summary>Refuses to measure unless a first execution stores the result and a replay returns it, for both sides.</summary>
    public async Task CheckOneRoundTripAsync()
    {
        var key = "check-" + Guid.NewGuid().ToString("N");
        var first = await LibraryAsync(key);
        var replay = await Executor.ExecuteAsync(Request(key), static _ => ValueTask.FromException<Order>(new InvalidOperationException("ran twice")), CancellationToken.None);
        if (first.IsReplayed || !replay.IsReplayed || replay.Value != Result)
        {
            throw new InvalidOperationException("The library does not replay; refusing to measure.");
        }

        await FloorFirstExecutionAsync(FloorKey(key));
        if (await FloorReplayAsync(FloorKey(key)) != Result)
        {
            throw new InvalidOperationException("The floor does not read back; refusing to measure.");
        }
    }

    public static IdempotencyRequest Request(string key) => new("orders", key) { Fingerprint = "f" };

    // As long as the library's store keys ("idem:bench:orders::" + 43 characters), so both indexes hold similar keys.
    public static string FloorKey(string key) => "idem:bench:floor::" + key.PadLeft(43, '0');

    public ValueTask<IdempotencyResult<Order>> LibraryAsync(string key) =>
        Executor.ExecuteAsync(Request(key), static _ => ValueTask.FromResult(Result), CancellationToken.None);

    /// <summary>What a hand-written store does for a first execution: insert the claim unless the key exists, run, write the result as the claim's owner.</summary>
    public async Task FloorFirstExecutionAsync(string storeKey)
    {
        var now = TimeProvider.System.GetUtcNow();
        var owner = Guid.NewGuid().ToString("N");

        // Each statement on its own pooled connection, as in any store: the operation runs between claim and completion.
        await using (var connection = await DataSource.OpenConnectionAsync())
        await using (var insert = new NpgsqlCommand(_insert, connection))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = storeKey, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "f", NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + Lease, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + Ttl, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await insert.PrepareAsync();
            await insert.ExecuteNonQueryAsync();
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(Result);
        await using (var connection = await DataSource.OpenConnectionAsync())
        await using (var complete = new NpgsqlCommand(_complete, connection))
        {
            complete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = storeKey, NpgsqlDbType = NpgsqlDbType.Text });
            complete.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload, NpgsqlDbType = NpgsqlDbType.Bytea });
            complete.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            complete.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + Ttl, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            complete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner, NpgsqlDbType = NpgsqlDbType.Text });
            await complete.PrepareAsync();
            await complete.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The store's own claim statement, sent with plain Npgsql (prepared): what the claim SQL costs without the store's code.</summary>
    public async Task<Order?> RawClaimReplayAsync(string storeKey)
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var claim = new NpgsqlCommand(_claim, connection);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = storeKey, NpgsqlDbType = NpgsqlDbType.Text });
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "0123456789abcdef0123456789abcdef", NpgsqlDbType = NpgsqlDbType.Text });
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "f", NpgsqlDbType = NpgsqlDbType.Text });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + Lease, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + Ttl, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await claim.PrepareAsync();
        await using var reader = await claim.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || reader.GetBoolean(0) || reader.IsDBNull(1))
        {
            return null;
        }

        _ = reader.GetInt16(1);
        _ = reader.GetString(2);
        _ = reader.GetString(3);
        _ = reader.GetFieldValue<DateTimeOffset>(4);
        _ = reader.GetFieldValue<DateTimeOffset>(5);
        _ = reader.GetFieldValue<DateTimeOffset>(6);
        var payload = reader.GetFieldValue<byte[]>(7);
        _ = reader.GetBoolean(8);
        return JsonSerializer.Deserialize<Order>(payload.AsSpan(3));
    }

    /// <summary>What a hand-written store does for a replay: read the row, deserialize the result.</summary>
    public async Task<Order?> FloorReplayAsync(string storeKey)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var read = new NpgsqlCommand(_read, connection);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = storeKey, NpgsqlDbType = NpgsqlDbType.Text });
        await read.PrepareAsync();
        await using var reader = await read.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        _ = reader.GetInt16(0);
        _ = reader.GetString(1);
        _ = reader.GetString(2);
        _ = reader.GetFieldValue<DateTimeOffset>(3);
        _ = reader.GetFieldValue<DateTimeOffset>(4);
        _ = reader.GetFieldValue<DateTimeOffset>(5);
        var payload = reader.GetFieldValue<byte[]>(6);
        _ = reader.GetBoolean(7);
        return JsonSerializer.Deserialize<Order>(payload);
    }

    public static ValueTask<IdempotencyResult<Order>> ExecuteAsync(IIdempotencyExecutor executor, string key) =>
        executor.ExecuteAsync(Request(key), static _ => ValueTask.FromResult(Result), CancellationToken.None);

    /// <summary>
    /// A table of <paramref name="count"/> live completed records: one real record, then copies of it under the store keys
    /// of "live-0" ... "live-{count-1}" (prefix + base64url(SHA-256(key)), exactly as the engine builds them).
    /// </summary>
    /// <returns>An executor on that table.</returns>
    public async Task<IIdempotencyExecutor> LoadLiveRecordsAsync(string table, int count)
    {
        var store = new NpgsqlIdempotencyStore(DataSource, new NpgsqlStoreOptions { TableName = table });
        await store.CreateTableAsync(CancellationToken.None);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "bench" }, store);
        await ExecuteAsync(executor, "template");
        await ExecuteAsync($"""
            INSERT INTO {table} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
            SELECT left(t.store_key, length(t.store_key) - 43) || rtrim(translate(encode(sha256(convert_to('live-' || i, 'UTF8')), 'base64'), '+/', '-_'), '='),
                   t.status, md5(i::text), t.fingerprint, t.created_at, t.lease_expires_at, t.expires_at, t.payload, t.retryable
            FROM {table} AS t CROSS JOIN generate_series(0, {count - 1}) AS i
            """);
        var replay = await executor.ExecuteAsync(Request($"live-{count - 1}"), static _ => ValueTask.FromResult(Result with { Id = -1 }), CancellationToken.None);
        if (!replay.IsReplayed || replay.Value != Result)
        {
            throw new InvalidOperationException("A preloaded record does not replay; refusing to measure.");
        }

        return executor;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _server.DisposeAsync();
    }

    public sealed record Order(int Id, string Item, int Quantity, string Note);
}
