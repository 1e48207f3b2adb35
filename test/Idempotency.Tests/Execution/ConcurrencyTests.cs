using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §10: N concurrent identical requests → exactly one execution; everyone else gets 409 or the identical replay.
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ExecuteAsync_ManyConcurrentCallersWithoutWait_RunOnceOthersInProgressOrReplay()
    {
        var store = new CountingIdempotencyStore(new InMemoryIdempotencyStore());
        var executor = IdempotencyExecutor.Create(store: store);
        var request = new IdempotencyRequest("orders", "hot-key");
        var runs = 0;
        using var go = new ManualResetEventSlim();

        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            go.Wait();
            try
            {
                var result = await executor.ExecuteAsync(request, async ct =>
                {
                    var run = Interlocked.Increment(ref runs);
                    await Task.Delay(50, ct);
                    return run;
                }, CancellationToken.None);
                return (result.Outcome, result.Value);
            }
            catch (IdempotencyRequestInProgressException)
            {
                return (Outcome: (IdempotencyOutcome)(-1), Value: 0);
            }
        })).ToArray();
        go.Set();
        var results = await Task.WhenAll(callers).WaitAsync(Waits.Limit);

        Assert.Equal(1, runs);
        Assert.Single(results, r => r.Outcome == IdempotencyOutcome.Executed);
        Assert.All(results.Where(r => r.Outcome == IdempotencyOutcome.Replayed), r => Assert.Equal(1, r.Value));
        Assert.Equal(1, store.Count(IdempotencyStoreOperation.Complete));
    }

    [Fact]
    public async Task ExecuteAsync_ManyConcurrentCallersWithWait_RunOnceAllGetTheSameValue()
    {
        var options = new IdempotencyOptions();
        options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(15);
        var executor = IdempotencyExecutor.Create(options);
        var request = new IdempotencyRequest("orders", "hot-key");
        var runs = 0;
        using var go = new ManualResetEventSlim();

        var callers = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            go.Wait();
            return await executor.ExecuteAsync(request, async ct =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(100, ct);
                return Guid.NewGuid();
            }, CancellationToken.None);
        })).ToArray();
        go.Set();
        var results = await Task.WhenAll(callers).WaitAsync(Waits.Limit);

        Assert.Equal(1, runs);
        Assert.Single(results, r => r.Outcome == IdempotencyOutcome.Executed);
        Assert.Single(results.Select(r => r.Value).Distinct());
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentCallersOnDistinctKeys_AllRun()
    {
        var executor = IdempotencyExecutor.Create();
        var runs = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", $"k{i}"), _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), ct);
            Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        });

        Assert.Equal(500, runs);
    }

    [Fact]
    public async Task ExecuteAsync_RetriesAfterFailureUnderContention_EventuallyRunOnceSuccessfully()
    {
        var options = new IdempotencyOptions();
        options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(15);
        var executor = IdempotencyExecutor.Create(options);
        var request = new IdempotencyRequest("orders", "flaky");
        var attempts = 0;
        var successes = 0;

        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            try
            {
                return await executor.ExecuteAsync(request, async ct =>
                {
                    // The first two runs fail and release the key; a waiting caller takes over each time.
                    if (Interlocked.Increment(ref attempts) <= 2)
                    {
                        await Task.Delay(20, ct);
                        throw new TimeoutException("downstream");
                    }

                    Interlocked.Increment(ref successes);
                    await Task.Delay(20, ct);
                    return 42;
                }, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                return default;
            }
        })).ToArray();
        var results = await Task.WhenAll(callers).WaitAsync(Waits.Limit);

        Assert.Equal(1, successes);
        Assert.Equal(3, attempts);
        Assert.Equal(2, results.Count(r => r.Value == 0));
        Assert.All(results.Where(r => r.Value != 0), r => Assert.Equal(42, r.Value));
    }
}
