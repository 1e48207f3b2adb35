using Idempotency.TestServers;
using Idempotency.Transactions.Tests;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>Transactional HTTP endpoints on PostgreSQL: the handler takes an <see cref="NpgsqlTransaction"/>.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HttpTransactionTests(PostgresServer server) : TransactionalHttpSuite<NpgsqlIdempotencyTransaction, NpgsqlTransaction>
{
    protected override async Task<OrdersFixture<NpgsqlIdempotencyTransaction, NpgsqlTransaction>> CreateAsync() => await OrdersTable.CreateAsync(server);
}
