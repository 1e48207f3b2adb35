using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Idempotency.Sqlite.Tests;

/// <summary>Expired rows go in bounded batches and live ones stay; counts by status see live records only.</summary>
public sealed class PurgeAndStatisticsTests : IDisposable
{
    private readonly SqliteFile _file = new();

    [Fact]
    public async Task PurgeAllExpiredAsync_2500ExpiredAmongLiveRecords_DeletesExactlyTheExpiredInBatches()
    {
        using var store = _file.CreateStore();
        await SeedAsync(store, expired: 2_500, completed: 30, inProgress: 20, failed: 10);
        var later = Fixtures.Start.AddHours(2);

        Assert.Equal(1_000, await store.PurgeExpiredAsync(later, 1_000, default));
        Assert.Equal(1_500, await store.PurgeAllExpiredAsync(later, 1_000, default));
        Assert.Equal(0, await store.PurgeExpiredAsync(later, 1_000, default));

        Assert.Equal(60L, _file.Scalar("SELECT count(*) FROM idempotency_records"));
        var counts = await store.CountByStatusAsync(later, default);
        Assert.Equal(20, counts[IdempotencyRecordStatus.InProgress]);
        Assert.Equal(30, counts[IdempotencyRecordStatus.Completed]);
        Assert.Equal(10, counts[IdempotencyRecordStatus.Failed]);
    }

    [Fact]
    public async Task CountByStatusAsync_ExpiredRowsNotYetPurged_AreNotCounted()
    {
        using var store = _file.CreateStore();
        await SeedAsync(store, expired: 5, completed: 3, inProgress: 2, failed: 1);

        var before = await store.CountByStatusAsync(Fixtures.Start, default);
        var after = await store.CountByStatusAsync(Fixtures.Start.AddHours(2), default);

        Assert.Equal((2 + 5, 3, 1), (before[IdempotencyRecordStatus.InProgress], before[IdempotencyRecordStatus.Completed], before[IdempotencyRecordStatus.Failed]));
        Assert.Equal((2, 3, 1), (after[IdempotencyRecordStatus.InProgress], after[IdempotencyRecordStatus.Completed], after[IdempotencyRecordStatus.Failed]));
    }

    [Fact]
    public async Task PurgeService_AfterItsInterval_DeletesExpiredRecordsOnTheInjectedClock()
    {
        var clock = Fixtures.Clock();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddIdempotency().AddSqliteStore(o =>
        {
            o.ConnectionString = _file.ConnectionString;
            o.PurgeInterval = TimeSpan.FromMinutes(5);
            o.PurgeBatchSize = 100;
        });
        await using var provider = services.BuildServiceProvider();
        var store = (SqliteIdempotencyStore)provider.GetRequiredService<IIdempotencyStore>();
        var purger = provider.GetRequiredService<SqliteStoreHostedService>();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(default);
        }

        await SeedAsync(store, expired: 250, completed: 4, inProgress: 0, failed: 0);
        clock.Advance(TimeSpan.FromHours(2));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (purger.CompletedPurges == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(purger.CompletedPurges > 0, "The purge did not run.");
        Assert.Equal(4L, _file.Scalar("SELECT count(*) FROM idempotency_records"));
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(default);
        }
    }

    // Expired: in progress with a one-hour TTL. Live (past that hour): the rest, with a day's TTL.
    private static async Task SeedAsync(SqliteIdempotencyStore store, int expired, int completed, int inProgress, int failed)
    {
        var now = Fixtures.Start;
        var day = TimeSpan.FromDays(1);
        for (var i = 0; i < expired; i++)
        {
            Assert.True((await store.ClaimAsync(Fixtures.Claim($"expired-{i}", now, ttl: TimeSpan.FromHours(1)), default)).IsAcquired);
        }

        for (var i = 0; i < completed; i++)
        {
            var claim = Fixtures.Claim($"completed-{i}", now, ttl: day);
            Assert.True((await store.ClaimAsync(claim, default)).IsAcquired);
            Assert.True(await store.CompleteAsync(claim.Key, claim.OwnerToken, new byte[] { 1 }, now, day, default));
        }

        for (var i = 0; i < inProgress; i++)
        {
            Assert.True((await store.ClaimAsync(Fixtures.Claim($"running-{i}", now, ttl: day), default)).IsAcquired);
        }

        for (var i = 0; i < failed; i++)
        {
            var claim = Fixtures.Claim($"failed-{i}", now, ttl: day);
            Assert.True((await store.ClaimAsync(claim, default)).IsAcquired);
            Assert.True(await store.FailAsync(claim.Key, claim.OwnerToken, new byte[] { 2 }, retryable: false, now, day, default));
        }
    }

    public void Dispose() => _file.Dispose();
}
