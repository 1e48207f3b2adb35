using Idempotency.Transactions.Tests;
using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>Work that ends its SQLite transaction itself (the shared suite).</summary>
public sealed class TransactionalMisuseTests : TransactionalMisuseSuite<SqliteIdempotencyTransaction, SqliteTransaction>
{
    protected override async Task<OrdersFixture<SqliteIdempotencyTransaction, SqliteTransaction>> CreateAsync() => await SqliteOrders.CreateAsync();
}
