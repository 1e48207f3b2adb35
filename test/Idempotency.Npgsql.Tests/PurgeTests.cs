using System.Diagnostics;
using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Idempotency.Npgsql.Tests;

/// <summary>The purge service deletes expired rows in bounded batches while claims keep succeeding, and never touches live rows.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PurgeTests(PostgresServer server, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Expired = 100_000;
    private const int LiveCompleted = 1_000;
    private const int LiveInProgress = 1_000;
    private const int BatchSize = 5_000;

    [Fact]
    public async Task PurgeService_HundredThousandExpiredRows_DeletesThemInBatchesWhileClaimsSucceed()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        var clock = Fixtures.Clock();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(table.DataSource);
        services.AddIdempotency().AddNpgsqlStore(o =>
        {
            o.TableName = table.Options.TableName;
            o.PurgeBatchSize = BatchSize;
            o.PurgeInterval = TimeSpan.FromMinutes(5);
        });
        await using var provider = services.BuildServiceProvider();
        var purger = provider.GetRequiredService<NpgsqlStoreHostedService>();
        var store = (NpgsqlIdempotencyStore)provider.GetRequiredService<IIdempotencyStore>();
        await SeedAsync(table, clock.GetUtcNow());
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(default);
        }

        // Claims on new keys run the whole time; only those that finish while the purge runs are counted.
        var purging = 0;
        var claimsDuringPurge = 0;
        var errors = new List<Exception>();
        using var stop = new CancellationTokenSource();
        var claimers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var result = await store.ClaimAsync(Fixtures.Claim($"new-{worker}-{i}", clock.GetUtcNow()), default);
                    Assert.True(result.IsAcquired);
                    if (Volatile.Read(ref purging) == 1)
                    {
                        Interlocked.Increment(ref claimsDuringPurge);
                    }
                }
                catch (Exception ex)
                {
                    lock (errors)
                    {
                        errors.Add(ex);
                    }
                }
            }
        })).ToList();

        Volatile.Write(ref purging, 1);
        clock.Advance(TimeSpan.FromMinutes(5));
        var watch = Stopwatch.StartNew();
        while (purger.CompletedPurges == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "The purge did not finish within 2 minutes.");
            await Task.Delay(10);
        }

        Volatile.Write(ref purging, 0);
        output.WriteLine($"Purge of {Expired} rows in batches of {BatchSize}: {watch.Elapsed}; claims completed meanwhile: {claimsDuringPurge}");
        await stop.CancelAsync();
        await Task.WhenAll(claimers);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(default);
        }

        Assert.Empty(errors);
        Assert.True(claimsDuringPurge > 0, "No claim completed while the purge ran.");
        Assert.Equal(0, await table.CountAsync($"expires_at <= '{clock.GetUtcNow():O}'"));
        Assert.Equal(0, await table.CountAsync("store_key LIKE 'expired-%'"));
        Assert.Equal(LiveCompleted, await table.CountAsync("store_key LIKE 'completed-%'"));
        Assert.Equal(LiveInProgress, await table.CountAsync("store_key LIKE 'running-%'"));
        Assert.True(await table.CountAsync("store_key LIKE 'new-%'") > 0);
    }

    [Fact]
    public async Task PurgeExpiredAsync_ThreeInstancesAtOnce_DeleteEveryExpiredRowExactlyOnce()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        await SeedAsync(table, Fixtures.Start);
        await using var second = NpgsqlDataSource.Create(server.ConnectionString);
        await using var third = NpgsqlDataSource.Create(server.ConnectionString);
        var stores = new[] { table.Store, table.OtherStore(second), table.OtherStore(third) };

        var deleted = await Task.WhenAll(stores.Select(s => Task.Run(async () => await s.PurgeAllExpiredAsync(Fixtures.Start, BatchSize, default))));

        // SKIP LOCKED can leave rows another purger held for a later round: run until nothing is left.
        var rest = await table.Store.PurgeAllExpiredAsync(Fixtures.Start, BatchSize, default);
        Assert.Equal(Expired, deleted.Sum() + rest);
        Assert.Equal(LiveCompleted + LiveInProgress, await table.CountAsync());
    }

    [Fact]
    public async Task PurgeAsync_OneCall_DeletesAtMostTheBatchSize()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        await SeedAsync(table, Fixtures.Start);

        Assert.Equal(BatchSize, await table.Store.PurgeExpiredAsync(Fixtures.Start, BatchSize, default));
        Assert.Equal(Expired - BatchSize + LiveCompleted + LiveInProgress, await table.CountAsync());
    }

    // Expired rows of every status, plus live completed rows and in-progress rows whose lease runs.
    private static async Task SeedAsync(PostgresTable table, DateTimeOffset now)
    {
        await table.ExecuteAsync($"""
            INSERT INTO {"{table}"} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
            SELECT 'expired-' || i, (i % 3)::smallint, 'owner', 'f', '{now.AddDays(-2):O}', '{now.AddDays(-2):O}', '{now:O}'::timestamptz - (1 + i % 3600) * interval '1 second', '\x0102', false
            FROM generate_series(1, {Expired}) AS i;
            INSERT INTO {"{table}"} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
            SELECT 'completed-' || i, 1, 'owner', 'f', '{now:O}', '{now:O}', '{now.AddDays(1):O}', '\x0102', false
            FROM generate_series(1, {LiveCompleted}) AS i;
            INSERT INTO {"{table}"} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
            SELECT 'running-' || i, 0, 'owner', 'f', '{now:O}', '{now.AddMinutes(10):O}', '{now.AddDays(1):O}', NULL, false
            FROM generate_series(1, {LiveInProgress}) AS i;
            ANALYZE {"{table}"};
            """);
    }
}
