using System.Text;
using Idempotency.TestServers;
using Xunit.Abstractions;

namespace Idempotency.Npgsql.Tests;

/// <summary>
/// Bytes per record on disk (table, TOAST and both indexes), for docs/stores/postgresql.md. Run with
/// <c>--filter "FullyQualifiedName~SizingTests" --logger "console;verbosity=detailed"</c> to see the figures.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SizingTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Records = 100_000;
    private const int RealExecutions = 5_000;

    // A typical small API result: about 200 bytes of JSON.
    private static readonly OrderConfirmation Result = new(
        "ord_7f3a9c2e4b1d4e8f", "confirmed", 3, 129.95m, "EUR", "2030-01-01T00:00:00Z", "Standard shipping to the billing address, 3-5 working days");

    [Fact]
    public async Task BytesPerRecord_HundredThousandCompletedRecords_StaysUnderOneKilobyte()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "orders-api" }, table.Store);
        await executor.ExecuteAsync(Request("template"), _ => ValueTask.FromResult(Result), default);

        // Copies of the real record, each with its own store key (same shape: prefix + base64url SHA-256) and owner token.
        await table.ExecuteAsync($"""
            INSERT INTO {"{table}"} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
            SELECT left(t.store_key, length(t.store_key) - 43) || rtrim(translate(encode(sha256(('copy-' || i)::bytea), 'base64'), '+/', '-_'), '='),
                   t.status, md5(i::text), t.fingerprint, t.created_at, t.lease_expires_at, t.expires_at, t.payload, t.retryable
            FROM {"{table}"} AS t CROSS JOIN generate_series(1, {Records - 1}) AS i
            """);
        await table.ExecuteAsync("VACUUM ANALYZE {table}");

        var size = await MeasureAsync(table);
        Assert.Equal(Records, size.Rows);
        output.WriteLine($"{Records} completed records, payload {size.PayloadBytes} bytes, store key {size.KeyLength} characters: " + size.Describe());
        Assert.True(size.TotalBytes / Records < 1024, size.Describe());
    }

    [Fact]
    public async Task BytesPerRecord_RealExecutions_BeforeAndAfterVacuum()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "orders-api" }, table.Store);
        await Parallel.ForEachAsync(Enumerable.Range(0, RealExecutions), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await executor.ExecuteAsync(Request($"key-{i}"), _ => ValueTask.FromResult(Result), ct));

        // Each record is inserted in progress and then updated: until (auto)vacuum runs, the old row version stays.
        var before = await MeasureAsync(table);
        await table.ExecuteAsync("VACUUM ANALYZE {table}");
        var after = await MeasureAsync(table);
        output.WriteLine($"{RealExecutions} real executions, before VACUUM: {before.Describe()}");
        output.WriteLine($"{RealExecutions} real executions, after VACUUM:  {after.Describe()}");
        Assert.Equal(RealExecutions, after.Rows);
    }

    private static IdempotencyRequest Request(string key) =>
        new("create-order", key) { Fingerprint = ContentHash.Compute(Encoding.UTF8.GetBytes("POST /orders " + key)) };

    private static async Task<Size> MeasureAsync(PostgresTable table)
    {
        await using var command = table.DataSource.CreateCommand($"""
            SELECT count(*), pg_total_relation_size('{table.Name}'), pg_relation_size('{table.Name}'), pg_indexes_size('{table.Name}'),
                   max(octet_length(payload)), max(length(store_key))
            FROM {table.Name}
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Size(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetInt32(5));
    }

    private sealed record Size(long Rows, long TotalBytes, long HeapBytes, long IndexBytes, int PayloadBytes, int KeyLength)
    {
        public string Describe() =>
            $"{Rows} rows, total {TotalBytes / 1024} KiB = {TotalBytes / Rows} bytes/record (heap {HeapBytes / Rows}, indexes {IndexBytes / Rows}, TOAST/other {(TotalBytes - HeapBytes - IndexBytes) / Rows})";
    }

    public sealed record OrderConfirmation(string OrderId, string Status, int Items, decimal Total, string Currency, string PlacedAt, string Shipping);
}
