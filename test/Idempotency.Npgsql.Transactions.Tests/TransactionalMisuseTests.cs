using Idempotency.TestServers;
using Idempotency.Transactions.Tests;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>Work that ends its PostgreSQL transaction itself (the shared suite).</summary>
[Collection(PostgresCollection.Name)]
public sealed class TransactionalMisuseTests(PostgresServer server) : TransactionalMisuseSuite<NpgsqlIdempotencyTransaction, NpgsqlTransaction>
{
    protected override async Task<OrdersFixture<NpgsqlIdempotencyTransaction, NpgsqlTransaction>> CreateAsync() => await OrdersTable.CreateAsync(server);
}
