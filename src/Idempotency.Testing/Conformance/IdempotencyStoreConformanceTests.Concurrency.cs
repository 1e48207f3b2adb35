using Xunit;

namespace Idempotency.Testing;

// Claims racing each other on real threads: the store's atomicity is what makes "exactly once" true.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>Hundreds of claims on one absent key, released together on the thread pool: exactly one acquires, every other returns the winner's record.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_ConcurrentOnOneKey_ExactlyOneAcquires()
    {
        await using var scope = await OpenAsync();
        var key = NewKey();

        await AssertExactlyOneAcquiresAsync(scope.Store, key);
    }

    /// <summary>Hundreds of claims of the same request racing to take over a key whose lease expired: exactly one takes it over.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_ConcurrentAfterLeaseExpiry_ExactlyOneTakesOver()
    {
        await using var scope = await OpenAsync();
        var key = NewKey();
        Assert.True((await ClaimAsync(scope.Store, key, NewToken())).IsAcquired);
        await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(1));

        await AssertExactlyOneAcquiresAsync(scope.Store, key, "fingerprint");
    }

    /// <summary>Hundreds of claims of the same request racing to retry a retryable failure: exactly one acquires.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_ConcurrentAfterRetryableFailure_ExactlyOneAcquires()
    {
        await using var scope = await OpenAsync();
        var key = NewKey();
        var token = NewToken();
        Assert.True((await ClaimAsync(scope.Store, key, token)).IsAcquired);
        Assert.True(await FailAsync(scope.Store, key, token, Bytes("transient"), retryable: true));
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        await AssertExactlyOneAcquiresAsync(scope.Store, key, "fingerprint");
    }

    /// <summary>Concurrent claims on distinct keys do not interfere: every one acquires, and each key reads back with its own token.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_ConcurrentOnDistinctKeys_AllAcquire()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var keys = Enumerable.Range(0, Contenders).Select(_ => NewKey()).ToArray();
        var tokens = keys.Select(_ => NewToken()).ToArray();
        var claimedAt = Clock.GetUtcNow();

        var results = await RunTogetherAsync(Contenders, i => ClaimAsync(store, keys[i], tokens[i]).AsTask());

        Assert.All(results, result => Assert.True(result.IsAcquired));
        for (var i = 0; i < Contenders; i++)
        {
            RecordAssert.Matches(InProgress(keys[i], tokens[i], "fingerprint", claimedAt), await GetAsync(store, keys[i]));
        }
    }

    /// <summary>
    /// A late owner completing while a new claim takes its expired lease over: for every key exactly one of them wins.
    /// Either the completion lands and the claim sees the completed record, or the claim acquires and the completion
    /// reports a lost lease.
    /// </summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task CompleteAsync_RacingTakeover_ExactlyOneWins()
    {
        const int Keys = 64;
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var keys = Enumerable.Range(0, Keys).Select(_ => NewKey()).ToArray();
        var oldTokens = keys.Select(_ => NewToken()).ToArray();
        var newTokens = keys.Select(_ => NewToken()).ToArray();
        for (var i = 0; i < Keys; i++)
        {
            Assert.True((await ClaimAsync(store, keys[i], oldTokens[i])).IsAcquired);
        }

        await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(1));
        var completions = new Task<bool>[Keys];
        var claims = new Task<IdempotencyClaimResult>[Keys];

        await RunTogetherAsync(2 * Keys, async i =>
        {
            var index = i / 2;
            if (i % 2 == 0)
            {
                completions[index] = CompleteAsync(store, keys[index], oldTokens[index], Bytes("late result")).AsTask();
                await completions[index];
            }
            else
            {
                claims[index] = ClaimAsync(store, keys[index], newTokens[index]).AsTask();
                await claims[index];
            }

            return true;
        });

        for (var i = 0; i < Keys; i++)
        {
            var completed = await completions[i];
            var claim = await claims[i];
            var record = await GetAsync(store, keys[i]);
            Assert.NotNull(record);
            if (completed)
            {
                Assert.False(claim.IsAcquired, $"Key {i}: the late owner completed, yet a new claim acquired.");
                Assert.Equal(IdempotencyRecordStatus.Completed, claim.Existing!.Status);
                Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
                Assert.Equal(oldTokens[i], record.OwnerToken);
            }
            else
            {
                Assert.True(claim.IsAcquired, $"Key {i}: the late owner's completion was refused, yet no claim took the key over.");
                Assert.Equal(IdempotencyRecordStatus.InProgress, record.Status);
                Assert.Equal(newTokens[i], record.OwnerToken);
            }
        }
    }

    // Every contender claims with its own fingerprint, unless one is given: a takeover is open to the record's only.
    private async Task AssertExactlyOneAcquiresAsync(IIdempotencyStore store, string key, string? fingerprint = null)
    {
        var tokens = Enumerable.Range(0, Contenders).Select(_ => NewToken()).ToArray();
        var claimedAt = Clock.GetUtcNow();

        var results = await RunTogetherAsync(Contenders, i => ClaimAsync(store, key, tokens[i], fingerprint ?? $"fp-{i}").AsTask());

        var winners = Enumerable.Range(0, Contenders).Where(i => results[i].IsAcquired).ToArray();
        Assert.Single(winners);
        var winner = InProgress(key, tokens[winners[0]], fingerprint ?? $"fp-{winners[0]}", claimedAt);
        foreach (var result in results.Where(result => !result.IsAcquired))
        {
            RecordAssert.Matches(winner, result.Existing);
        }

        RecordAssert.Matches(winner, await GetAsync(store, key));
    }

    // Starts every call on its own thread-pool work item and lets them all go at once, once all have started.
    private static async Task<T[]> RunTogetherAsync<T>(int count, Func<int, Task<T>> call)
    {
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task<T>[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                if (Interlocked.Increment(ref started) == count)
                {
                    allStarted.SetResult();
                }

                await go.Task;
                return await call(index);
            });
        }

        await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        go.SetResult();
        return await Task.WhenAll(tasks);
    }
}
