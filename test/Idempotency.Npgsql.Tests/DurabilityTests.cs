using Idempotency.TestServers;
using Npgsql;

namespace Idempotency.Npgsql.Tests;

/// <summary>A completed key is replayed through another data source, by another process, and after a server restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DurabilityTests(PostgresServer server)
{
    private const int Keys = 10;

    [Fact]
    public async Task ExecuteAsync_CompletedHere_ReplaysInAnotherProcessAndAfterARestart()
    {
        await using var database = await PostgresDatabase.CreateAsync(server);
        var runs = 0;

        // Complete the keys the hammer uses (its service, operation and fingerprint), through this process's data source.
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            var store = new NpgsqlIdempotencyStore(dataSource);
            await store.CreateTableAsync(default);
            var executor = HammerLikeExecutor(store);
            for (var i = 0; i < Keys; i++)
            {
                var result = await executor.ExecuteAsync(HammerRequest(i), _ => { Interlocked.Increment(ref runs); return ValueTask.FromResult(5); }, default);
                Assert.False(result.IsReplayed);
            }
        }

        // Another process, its own data source: everything replays, nothing executes.
        await AssertHammerOnlyReplaysAsync(database);

        await server.StopAsync();
        await server.StartAgainAsync();

        // After the restart: a fresh data source here, and another process again.
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            var executor = HammerLikeExecutor(new NpgsqlIdempotencyStore(dataSource));
            for (var i = 0; i < Keys; i++)
            {
                var result = await executor.ExecuteAsync(HammerRequest(i), _ => { Interlocked.Increment(ref runs); return ValueTask.FromResult(-1); }, default);
                Assert.True(result.IsReplayed);
                Assert.Equal(5, result.Value);
            }
        }

        await AssertHammerOnlyReplaysAsync(database);
        Assert.Equal(Keys, runs);
    }

    private static IIdempotencyExecutor HammerLikeExecutor(IIdempotencyStore store) =>
        IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "hammer" }, store);

    private static IdempotencyRequest HammerRequest(int i) => new("hammer", $"key-{i}") { Fingerprint = "f" };

    private static async Task AssertHammerOnlyReplaysAsync(PostgresDatabase database)
    {
        using var hammer = HammerProcess.Start(database.ConnectionString, Keys, rounds: 1);
        var (exitCode, lines, errors) = await hammer.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, errors);
        Assert.DoesNotContain(lines, line => line.StartsWith("EXECUTED", StringComparison.Ordinal));
        Assert.Contains($"DONE executed=0 replayed={Keys}", lines);
    }
}
