using Idempotency.Testing;
using Idempotency.TestServers;

namespace Idempotency.Npgsql.Tests;

/// <summary>The store conformance suite against PostgreSQL: each test gets a store on a table of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreConformanceTests(PostgresServer server) : IdempotencyStoreConformanceTests
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
}
