using System.Diagnostics;
using Idempotency.TestServers;

namespace Idempotency.Npgsql.Tests;

/// <summary>The server stops mid-run: calls fail closed within the timeout and run nothing; after a restart the same data source recovers.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OutageTests(PostgresServer server, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task ExecuteAsync_ServerStopsAndRestarts_FailsClosedThenRecoversWithTheSameDataSource()
    {
        await using var table = await PostgresTable.CreateAsync(server, $"Timeout={Timeout.TotalSeconds};Command Timeout={Timeout.TotalSeconds}");
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), table.Store);
        var runs = 0;
        ValueTask<int> Handler(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult(42);
        }

        try
        {
            // Traffic is flowing when the server goes away.
            using var stopTraffic = new CancellationTokenSource();
            var unexpected = new List<Exception>();
            var traffic = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stopTraffic.IsCancellationRequested; i++)
                {
                    try
                    {
                        await executor.ExecuteAsync(new IdempotencyRequest("orders", $"before-{worker}-{i}"), Handler, default);
                    }
                    catch (IdempotencyStoreUnavailableException)
                    {
                    }
                    catch (Exception ex)
                    {
                        lock (unexpected)
                        {
                            unexpected.Add(ex);
                        }
                    }
                }
            })).ToList();
            await Task.Delay(300);
            await server.StopAsync();
            await stopTraffic.CancelAsync();
            await Task.WhenAll(traffic);
            Assert.Empty(unexpected);

            // Down: every call fails closed, in time, and the handler never runs.
            var runsWhileDown = Volatile.Read(ref runs);
            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(
                    async () => await executor.ExecuteAsync(new IdempotencyRequest("orders", $"down-{i}"), Handler, default));
                Assert.True(watch.Elapsed < Timeout + Margin, $"The failure took {watch.Elapsed}.");
            }

            Assert.Equal(runsWhileDown, Volatile.Read(ref runs));

            // Back: the same data source works again once its broken connections are gone.
            await server.StartAgainAsync();
            var recovered = await PollAsync(async () =>
            {
                var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", "after"), Handler, default);
                return !result.IsReplayed;
            });
            Assert.True(recovered, "The store did not recover within 30 s after the restart.");
            Assert.Equal(runsWhileDown + 1, Volatile.Read(ref runs));
            Assert.True((await executor.ExecuteAsync(new IdempotencyRequest("orders", "after"), Handler, default)).IsReplayed);
        }
        finally
        {
            await server.StartAgainAsync();
        }
    }

    [Fact]
    public async Task ExecuteAsync_ServerHangs_FailsClosedWithinTheCommandTimeoutThenRecovers()
    {
        await using var table = await PostgresTable.CreateAsync(server, $"Timeout={Timeout.TotalSeconds};Command Timeout={Timeout.TotalSeconds}");
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), table.Store);
        var runs = 0;
        ValueTask<int> Handler(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult(42);
        }

        await executor.ExecuteAsync(new IdempotencyRequest("orders", "warm-up"), Handler, default);
        await server.PauseAsync();
        try
        {
            var calls = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(
                    async () => await executor.ExecuteAsync(new IdempotencyRequest("orders", $"hung-{i}"), Handler, default));
                output.WriteLine($"{i}: {watch.Elapsed} {error.InnerException?.GetType().Name}: {error.InnerException?.Message} / {error.InnerException?.InnerException?.Message}");
                return watch.Elapsed;
            }));
            // A call on a pooled connection waits the command timeout, then Npgsql tries to cancel the statement on the
            // server over one more connection (connect and read, each bounded by Timeout); new connections fail at Timeout.
            foreach (var elapsed in await Task.WhenAll(calls))
            {
                Assert.True(elapsed < Timeout + (2 * Timeout) + Margin, $"The failure took {elapsed}.");
            }

            Assert.Equal(1, Volatile.Read(ref runs));
        }
        finally
        {
            await server.ResumeAsync();
        }

        Assert.True(await PollAsync(async () => !(await executor.ExecuteAsync(new IdempotencyRequest("orders", "after"), Handler, default)).IsReplayed));
        Assert.Equal(2, Volatile.Read(ref runs));
    }

    private static async Task<bool> PollAsync(Func<Task<bool>> attempt)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                if (await attempt())
                {
                    return true;
                }
            }
            catch (IdempotencyStoreUnavailableException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }
}
