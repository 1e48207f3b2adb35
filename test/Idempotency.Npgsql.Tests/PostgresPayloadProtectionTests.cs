using Idempotency.PayloadProtection;
using Idempotency.TestServers;

namespace Idempotency.Npgsql.Tests;

/// <summary>Encryption at rest on PostgreSQL: each test on a table of its own, the row read as bytes with SQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPayloadProtectionTests(PostgresServer server) : PayloadProtectionSuite
{
    private readonly List<PostgresTable> _tables = [];

    protected override async ValueTask<IIdempotencyStore> CreateStoreAsync()
    {
        var table = await PostgresTable.CreateAsync(server);
        _tables.Add(table);
        return table.Store;
    }

    protected override async ValueTask DisposeStoreAsync(IIdempotencyStore store)
    {
        var table = _tables.Single(t => ReferenceEquals(t.Store, store));
        _tables.Remove(table);
        await table.DisposeAsync();
    }

    protected override async ValueTask<byte[]> ReadStoredBytesAsync(IIdempotencyStore store, string storeKey)
    {
        var table = _tables.Single(t => ReferenceEquals(t.Store, store));
        await using var command = table.DataSource.CreateCommand(
            $"SELECT convert_to(store_key || owner_token || fingerprint, 'UTF8') || coalesce(payload, ''::bytea) FROM {table.Name} WHERE store_key = $1");
        command.Parameters.Add(new() { Value = storeKey });
        return (byte[])(await command.ExecuteScalarAsync())!;
    }
}
