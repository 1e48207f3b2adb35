using Idempotency.Transactions.Tests;
using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>Transactional HTTP endpoints on SQLite: the handler takes a <see cref="SqliteTransaction"/>.</summary>
public sealed class HttpTransactionTests : TransactionalHttpSuite<SqliteIdempotencyTransaction, SqliteTransaction>
{
    protected override async Task<OrdersFixture<SqliteIdempotencyTransaction, SqliteTransaction>> CreateAsync() => await SqliteOrders.CreateAsync();
}
