using Idempotency.TestServers;
using Npgsql;
using Xunit.Abstractions;

namespace Idempotency.Npgsql.Tests;

/// <summary>The one-statement claim under real parallelism: exactly one Acquired, every other caller gets the live record.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClaimConcurrencyTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Callers = 32;

    [Fact]
    public async Task ClaimAsync_ConcurrentClaimsOnAbsentKeys_ExactlyOneAcquiresAndTheOthersGetItsRecord()
    {
        await using var table = await PostgresTable.CreateAsync(server, "Maximum Pool Size=64");
        var now = Fixtures.Start;
        for (var round = 0; round < 20; round++)
        {
            var key = $"race-{round}";
            var results = await ClaimAllAtOnceAsync(table.Store, key, now);

            var winners = results.Where(r => r.Result.IsAcquired).ToList();
            Assert.Single(winners);
            foreach (var (owner, result) in results.Where(r => !r.Result.IsAcquired))
            {
                Assert.Equal(IdempotencyRecordStatus.InProgress, result.Existing!.Status);
                Assert.Equal(winners[0].Owner, result.Existing.OwnerToken);
                Assert.NotEqual(owner, result.Existing.OwnerToken);
            }
        }

        output.WriteLine($"Claims repeated after losing a race: {table.Store.RepeatedClaims}");
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentTakeoversOfAnExpiredLease_ExactlyOneAcquires()
    {
        await using var table = await PostgresTable.CreateAsync(server, "Maximum Pool Size=64");
        for (var round = 0; round < 20; round++)
        {
            var key = $"takeover-{round}";
            var crashed = Fixtures.Claim(key, Fixtures.Start, owner: "crashed", lease: TimeSpan.FromSeconds(30));
            Assert.True((await table.Store.ClaimAsync(crashed, default)).IsAcquired);

            // The first owner stopped renewing: after its lease everybody may take over, but only one does.
            var later = Fixtures.Start.AddMinutes(1);
            var results = await ClaimAllAtOnceAsync(table.Store, key, later);

            var winners = results.Where(r => r.Result.IsAcquired).ToList();
            Assert.Single(winners);
            Assert.All(results.Where(r => !r.Result.IsAcquired), r => Assert.Equal(winners[0].Owner, r.Result.Existing!.OwnerToken));
            Assert.False(await table.Store.CompleteAsync(key, "crashed", new byte[] { 1 }, later, TimeSpan.FromHours(1), default));
        }
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentClaimsThroughTwoDataSources_ExactlyOneAcquires()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        await using var otherSource = NpgsqlDataSource.Create(server.ConnectionString);
        var stores = new[] { table.Store, table.OtherStore(otherSource) };
        for (var round = 0; round < 20; round++)
        {
            var key = $"two-pools-{round}";
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var acquired = 0;
            var held = 0;
            var callers = Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
            {
                await start.Task;
                var result = await stores[i % 2].ClaimAsync(Fixtures.Claim(key, Fixtures.Start), default);
                Interlocked.Increment(ref result.IsAcquired ? ref acquired : ref held);
            })).ToList();
            start.SetResult();
            await Task.WhenAll(callers);
            Assert.Equal(1, acquired);
            Assert.Equal(Callers - 1, held);
        }
    }

    private static async Task<(string Owner, IdempotencyClaimResult Result)[]> ClaimAllAtOnceAsync(NpgsqlIdempotencyStore store, string key, DateTimeOffset now)
    {
        // Every caller waits on one gate, then all send their statement at once, each on its own pooled connection.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            var request = Fixtures.Claim(key, now);
            await start.Task;
            return (request.OwnerToken, await store.ClaimAsync(request, default));
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(callers);
    }
}
