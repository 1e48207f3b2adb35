using System.Diagnostics;
using System.Globalization;
using Idempotency.TestServers;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Idempotency.EntityFrameworkCore.Tests;

/// <summary>
/// kill -9 of a real child process (Idempotency.EntityFrameworkCore.CrashChild) in the middle of its transactions: the
/// database keeps nothing of what the dead process had not committed, so no order is placed twice, no acknowledged order
/// is lost, and no record is left in progress for a retry to wait out. Each provider runs these (below).
/// </summary>
public abstract class CrashTests(ITestOutputHelper output)
{
    private const string Child = "Idempotency.EntityFrameworkCore.CrashChild.dll";
    private const int Keys = 100;
    private const int Workers = 4;
    private const int Kills = 8;

    [Fact]
    public async Task ExecuteAsync_KilledAfterSaveChangesBeforeCommit_KeepsNothingAndTheRetryRunsOnceAtOnce()
    {
        await using var shop = await CreateShopAsync();
        using (var child = AcknowledgingChild.Start(Child, Arguments(shop, "hang", keys: 1, workers: 1)))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (child.AcknowledgedCount == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(1, child.AcknowledgedCount);   // "ack saved <id>": SaveChangesAsync returned inside the transaction
            await child.KillAsync();
        }

        Assert.Equal(0, await shop.CountOrdersAsync());
        Assert.Equal(0, await shop.CountRecordsAsync());

        // The retry neither waits for a lease (5 minutes here) nor finds the key taken: it runs, once.
        var options = new IdempotencyOptions();
        options.DefaultPolicy.Lease = TimeSpan.FromMinutes(5);
        options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30);   // PostgreSQL may still be ending the dead session
        var runs = 0;
        await using var context = shop.NewContext();
        var elapsed = Stopwatch.StartNew();
        var retry = await shop.Executor(options).ExecuteAsync(context, new IdempotencyRequest("orders", "order-0") { Fingerprint = "order-0" }, async (ctx, ct) =>
        {
            runs++;
            var order = new Shop.Order { IdempotencyKey = "order-0" };
            ctx.Orders.Add(order);
            await ctx.SaveChangesAsync(ct);
            return order.Id;
        }, CancellationToken.None);
        output.WriteLine($"retry after the kill took {elapsed.ElapsedMilliseconds} ms");

        Assert.Equal((1, false), (runs, retry.IsReplayed));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30), $"the retry took {elapsed.Elapsed}");
        Assert.Equal(1, await shop.CountOrdersAsync());
        Assert.Equal(1, await shop.CountRecordsAsync(completed: true));
    }

    [Fact]
    public async Task ExecuteAsync_ProcessKilledMidTransactionRepeatedly_NoDuplicateOrdersAndNoLostAcknowledgedOrders()
    {
        await using var shop = await CreateShopAsync();

        var acknowledged = await AcknowledgingChild.KillRepeatedlyThenFinishAsync(() => AcknowledgingChild.Start(Child, Arguments(shop, "all", Keys, Workers)), Kills, TimeSpan.FromMinutes(3));

        var stored = await OrdersByKeyAsync(shop);
        output.WriteLine($"{acknowledged.Count} acknowledgements, {stored.Count} orders, {Kills} kills");
        Assert.Empty(AcknowledgingChild.ExactlyOnceProblems(stored, Keys, acknowledged));
        Assert.Equal(Keys, await shop.CountOrdersAsync());
        Assert.Equal(Keys, await shop.CountRecordsAsync(completed: true));
        Assert.Equal(Keys, await shop.CountRecordsAsync());
    }

    protected abstract Task<ShopFixture> CreateShopAsync();

    private static string[] Arguments(ShopFixture shop, string mode, int keys, int workers) =>
        [mode, shop.Shop.Provider, shop.Shop.ConnectionString, shop.RecordsTable, shop.Shop.OrdersTable, keys.ToString(CultureInfo.InvariantCulture), workers.ToString(CultureInfo.InvariantCulture)];

    private static async Task<Dictionary<string, (long Count, long Id)>> OrdersByKeyAsync(ShopFixture shop)
    {
        await using var context = shop.NewContext();
        var rows = await context.Orders.GroupBy(o => o.IdempotencyKey).Select(g => new { Key = g.Key, Count = g.LongCount(), Id = g.Min(o => o.Id) }).ToListAsync();
        return rows.ToDictionary(r => r.Key, r => (r.Count, r.Id));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCrashTests(PostgresServer server, ITestOutputHelper output) : CrashTests(output)
{
    protected override async Task<ShopFixture> CreateShopAsync() => await PostgresShop.CreateAsync(server);
}

public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashTests(output)
{
    protected override async Task<ShopFixture> CreateShopAsync() => await SqliteShop.CreateAsync();
}
