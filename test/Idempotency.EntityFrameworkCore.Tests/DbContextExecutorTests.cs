using Idempotency.EntityFrameworkCore.Shop;
using Microsoft.EntityFrameworkCore;

namespace Idempotency.EntityFrameworkCore.Tests;

/// <summary>
/// What DbContextIdempotencyExecutor promises, against a real database: SaveChangesAsync and the idempotency record
/// commit together, once per key, and a run that does not commit keeps neither. Each provider runs these (below).
/// </summary>
public abstract class DbContextExecutorTests
{
    protected abstract Task<ShopFixture> CreateShopAsync();

    [Fact]
    public async Task ExecuteAsync_FirstRun_CommitsTheOrderWithItsRecord()
    {
        await using var shop = await CreateShopAsync();
        var executor = shop.Executor();
        await using var context = shop.NewContext();

        var result = await executor.ExecuteAsync(context, Request("order-1"), PlaceAsync("order-1"), CancellationToken.None);

        Assert.False(result.IsReplayed);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(1, await shop.CountOrdersAsync());
        Assert.Equal(1, await shop.CountRecordsAsync(completed: true));
        var order = await context.Orders.AsNoTracking().SingleAsync();
        Assert.Equal((order.Id, "order-1"), (result.Value, order.IdempotencyKey));

        // The context is its own again: no transaction of ours, usable for more work.
        Assert.Null(context.Database.CurrentTransaction);
        context.Orders.Add(new Order { IdempotencyKey = "outside" });
        await context.SaveChangesAsync();
        Assert.Equal(2, await shop.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_Replay_ReturnsTheStoredResultWithoutTouchingTheContext()
    {
        await using var shop = await CreateShopAsync();
        var executor = shop.Executor();
        long first;
        await using (var context = shop.NewContext())
        {
            first = (await executor.ExecuteAsync(context, Request("order-1"), PlaceAsync("order-1"), CancellationToken.None)).Value;
        }

        await using var replayContext = shop.NewContext();
        var runs = 0;
        var replay = await executor.ExecuteAsync(replayContext, Request("order-1"), (ctx, ct) =>
        {
            runs++;
            return ValueTask.FromResult(-1L);
        }, CancellationToken.None);

        Assert.True(replay.IsReplayed);
        Assert.Equal(first, replay.Value);
        Assert.Equal(0, runs);
        Assert.Empty(replayContext.ChangeTracker.Entries());
        Assert.Null(replayContext.Database.CurrentTransaction);
        Assert.Equal(System.Data.ConnectionState.Closed, replayContext.Database.GetDbConnection().State);
        Assert.Equal(1, await shop.CountOrdersAsync());
        Assert.Equal(1, await shop.CountRecordsAsync());
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentDuplicates_InsertOneOrderAndAllGetItsId()
    {
        const int Duplicates = 8;
        await using var shop = await CreateShopAsync();
        var options = new IdempotencyOptions();
        options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30);
        var executor = shop.Executor(options);
        var runs = 0;
        using var start = new Barrier(Duplicates);

        var results = await Task.WhenAll(Enumerable.Range(0, Duplicates).Select(_ => Task.Run(async () =>
        {
            await using var context = shop.NewContext();
            start.SignalAndWait();
            return await executor.ExecuteAsync(context, Request("order-1"), async (ctx, ct) =>
            {
                Interlocked.Increment(ref runs);
                var order = new Order { IdempotencyKey = "order-1" };
                ctx.Orders.Add(order);
                await ctx.SaveChangesAsync(ct);
                await Task.Delay(200, ct);   // the duplicates arrive while this transaction is open
                return order.Id;
            }, CancellationToken.None);
        })));

        Assert.Equal(1, runs);
        Assert.Equal(1, await shop.CountOrdersAsync());
        Assert.Equal(1, await shop.CountRecordsAsync(completed: true));
        Assert.Single(results.Select(r => r.Value).Distinct());
        Assert.Equal(Duplicates - 1, results.Count(r => r.IsReplayed));
    }

    [Fact]
    public async Task ExecuteAsync_ThrowsAfterSaveChanges_KeepsNoOrderNoRecordAndTheKeyRunsAgain()
    {
        await using var shop = await CreateShopAsync();
        var executor = shop.Executor();
        await using var context = shop.NewContext();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ExecuteAsync(context, Request("order-1"), async (ctx, ct) =>
        {
            ctx.Orders.Add(new Order { IdempotencyKey = "order-1" });
            await ctx.SaveChangesAsync(ct);
            throw new InvalidOperationException("payment declined");
#pragma warning disable CS0162 // the lambda's return type
            return 0L;
#pragma warning restore CS0162
        }, CancellationToken.None));

        Assert.Equal("payment declined", thrown.Message);
        Assert.Equal(0, await shop.CountOrdersAsync());
        Assert.Equal(0, await shop.CountRecordsAsync());
        Assert.Empty(context.ChangeTracker.Entries());   // what it saved rolled back: nothing stale stays tracked

        var retry = await executor.ExecuteAsync(context, Request("order-1"), PlaceAsync("order-1"), CancellationToken.None);
        Assert.False(retry.IsReplayed);
        Assert.Equal(1, await shop.CountOrdersAsync());
        Assert.Equal(1, await shop.CountRecordsAsync(completed: true));
    }

    [Fact]
    public async Task ExecuteAsync_ManyKeysOneContext_OneOrderPerKey()
    {
        await using var shop = await CreateShopAsync();
        var executor = shop.Executor();
        await using var context = shop.NewContext();

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                await executor.ExecuteAsync(context, Request($"order-{i}"), PlaceAsync($"order-{i}"), CancellationToken.None);
            }
        }

        Assert.Equal(5, await shop.CountOrdersAsync());
        Assert.Equal(5, await shop.CountRecordsAsync(completed: true));
    }

    [Fact]
    public async Task ExecuteAsync_WithoutResult_CommitsTheWrites()
    {
        await using var shop = await CreateShopAsync();
        var executor = shop.Executor();
        await using var context = shop.NewContext();

        var first = await executor.ExecuteAsync(context, Request("order-1"), async (ctx, ct) =>
        {
            ctx.Orders.Add(new Order { IdempotencyKey = "order-1" });
            await ctx.SaveChangesAsync(ct);
        }, CancellationToken.None);
        var second = await executor.ExecuteAsync(context, Request("order-1"), (ctx, ct) => throw new InvalidOperationException("ran twice"), CancellationToken.None);

        Assert.Equal((false, true), (first.IsReplayed, second.IsReplayed));
        Assert.Equal(1, await shop.CountOrdersAsync());
    }

    [Fact]
    public async Task ExecuteAsync_ContextInItsOwnTransaction_Refuses()
    {
        await using var shop = await CreateShopAsync();
        var executor = shop.Executor();
        await using var context = shop.NewContext();
        await using var own = await context.Database.BeginTransactionAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ExecuteAsync(context, Request("order-1"), PlaceAsync("order-1"), CancellationToken.None));
        await own.RollbackAsync();
        Assert.Equal(0, await shop.CountOrdersAsync());
        Assert.Equal(0, await shop.CountRecordsAsync());
    }

    protected static IdempotencyRequest Request(string key) => new("orders", key) { Fingerprint = key };

    protected static Func<ShopContext, CancellationToken, ValueTask<long>> PlaceAsync(string key) => async (ctx, ct) =>
    {
        var order = new Order { IdempotencyKey = key };
        ctx.Orders.Add(order);
        await ctx.SaveChangesAsync(ct);
        return order.Id;
    };
}
