using Idempotency.EntityFrameworkCore.Shop;
using Microsoft.EntityFrameworkCore;

namespace Idempotency.EntityFrameworkCore.Tests;

/// <summary>
/// A store with transactions and an orders table in the same database (a PostgreSQL table pair, or a SQLite file), the
/// context that writes the orders, and the counts the tests assert. Dropped or deleted at the end.
/// </summary>
public abstract class ShopFixture : IAsyncDisposable
{
    public abstract ShopDatabase Shop { get; }

    /// <summary>Gets the store: the executor's records and transactions.</summary>
    public abstract IIdempotencyStore Store { get; }

    /// <summary>Gets the idempotency table's name, as the store's options name it.</summary>
    public abstract string RecordsTable { get; }

    public DbContextIdempotencyExecutor Executor(IdempotencyOptions? options = null) =>
        new(IdempotencyExecutor.Create(options ?? new IdempotencyOptions(), Store), (IIdempotencyTransactionFactory)Store);

    public ShopContext NewContext(Action<DbContextOptionsBuilder>? configure = null) => Shop.NewContext(configure);

    public async Task<long> CountOrdersAsync()
    {
        await using var context = NewContext();
        return await context.Orders.LongCountAsync();
    }

    public abstract Task<long> CountRecordsAsync(bool completed = false);

    public abstract ValueTask DisposeAsync();

    protected async Task CreateOrdersTableAsync()
    {
        await using var context = NewContext();
        await context.Database.ExecuteSqlRawAsync(Shop.CreateTableSql);
    }
}
