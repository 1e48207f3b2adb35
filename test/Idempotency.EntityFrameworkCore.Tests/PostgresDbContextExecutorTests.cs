using Idempotency.TestServers;
using Microsoft.EntityFrameworkCore;

namespace Idempotency.EntityFrameworkCore.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDbContextExecutorTests(PostgresServer server) : DbContextExecutorTests
{
    [Fact]
    public async Task ExecuteAsync_RetryingExecutionStrategy_RunsTheTransactionAsOneRetriableUnit()
    {
        await using var shop = await CreateShopAsync();
        var executor = shop.Executor();

        // With EnableRetryOnFailure, a transaction begun outside the strategy makes SaveChangesAsync throw; the executor
        // runs the whole run inside the strategy instead.
        await using var context = shop.NewContext(o => o.UseNpgsql(shop.Shop.ConnectionString, npgsql => npgsql.EnableRetryOnFailure()));
        Assert.True(context.Database.CreateExecutionStrategy().RetriesOnFailure);

        var first = await executor.ExecuteAsync(context, Request("order-1"), PlaceAsync("order-1"), CancellationToken.None);
        var replay = await executor.ExecuteAsync(context, Request("order-1"), PlaceAsync("order-1"), CancellationToken.None);

        Assert.Equal((false, true, first.Value), (first.IsReplayed, replay.IsReplayed, replay.Value));
        Assert.Equal(1, await shop.CountOrdersAsync());
        Assert.Equal(1, await shop.CountRecordsAsync(completed: true));
    }

    protected override async Task<ShopFixture> CreateShopAsync() => await PostgresShop.CreateAsync(server);
}
