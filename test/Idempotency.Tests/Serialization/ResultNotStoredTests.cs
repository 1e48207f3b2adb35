using System.Buffers;
using Idempotency.Testing;

namespace Idempotency.Tests.Serialization;

// SPEC §3.7 and §3.11: once the work has run, a completion the store refuses keeps the claim alive and is retried until it
// lands or the lease ends, so an outage shorter than the lease never causes a second execution. A result that cannot be
// kept at all (unserializable, or the store failing past the lease) is "not stored": one core state, told to retries.
public sealed class ResultNotStoredTests
{
    private static readonly IdempotencyRequest Request = new("exports", "k1");

    public static TheoryData<string> Refusals => ["unavailable", "too-large", "driver"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ExecuteAsync_CompletionRefusedOnce_RetriedAndStoredSoRetryReplays(string refusal)
    {
        using var harness = new EngineHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Complete, Refusal(refusal), times: 1);
        var runs = 0;

        var result = await harness.RunAsync(Request, () => 100 + Interlocked.Increment(ref runs));
        var retry = await harness.RunAsync(Request, () => 100 + Interlocked.Increment(ref runs));

        Assert.Equal(101, result.Value);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.False(result.ResultNotStored);
        Assert.True(retry.IsReplayed);
        Assert.Equal(101, retry.Value);
        Assert.Equal(1, runs);
        Assert.Equal(2, harness.Calls.Count(IdempotencyStoreOperation.Complete));
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "CompletionRetrying");
    }

    [Fact]
    public async Task ExecuteAsync_StoreDownForLessThanTheLease_CompletionLandsWhenItReturnsAndRunsOnce()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = TimeSpan.FromSeconds(30));
        var runs = 0;
        var store = harness.Faults;
        var first = harness.Executor.ExecuteAsync(Request, _ =>
        {
            Interlocked.Increment(ref runs);
            store.ThrowUnavailable(IdempotencyStoreOperation.Complete); // the store goes down as the work finishes
            store.ThrowUnavailable(IdempotencyStoreOperation.Renew);
            store.ThrowUnavailable(IdempotencyStoreOperation.Claim);
            return ValueTask.FromResult(7);
        }, CancellationToken.None).AsTask();

        for (var i = 0; i < 40; i++)
        {
            harness.Clock.Advance(TimeSpan.FromMilliseconds(250)); // 10 s of outage, a third of the lease
            await Task.Delay(2);
        }

        Assert.False(first.IsCompleted);
        var duringOutage = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        store.HealAll();
        var result = await harness.AdvanceUntilDoneAsync(first);
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask()));

        Assert.Equal(7, result.Value);
        Assert.False(result.ResultNotStored);
        Assert.NotNull(duringOutage);
        Assert.All(retries, r => Assert.True(r.IsReplayed));
        Assert.All(retries, r => Assert.Equal(7, r.Value));
        Assert.Equal(1, runs);
        Assert.Equal(1, harness.CountOutcome("executed"));
    }

    [Fact]
    public async Task ExecuteAsync_StoreDownPastTheLease_GivesUpReportsNotStoredAndCountsIt()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = TimeSpan.FromSeconds(30));
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Renew);
        var runs = 0;

        var result = await harness.AdvanceUntilDoneAsync(harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        harness.Faults.HealAll();

        Assert.Equal(1, result.Value);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.True(result.ResultNotStored);
        Assert.False(result.LeaseLost);
        Assert.Equal(1, harness.CountOutcome("executed_not_stored"));
        Assert.Equal(0, harness.CountOutcome("executed"));
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "CompletionFailed");
        Assert.True(harness.Clock.GetUtcNow() >= EngineHarness.Start + TimeSpan.FromSeconds(27)); // within one backoff step of the lease end

        // Documented limit: an outage longer than the lease leaves the key in progress only until the lease ends.
        harness.Clock.Advance(TimeSpan.FromSeconds(3));
        var afterLease = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));
        Assert.Equal(IdempotencyOutcome.Executed, afterLease.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ExecuteAsync_VoidCompletionRefusedOnce_RetryReplays()
    {
        using var harness = new EngineHarness();
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1);
        var runs = 0;
        ValueTask Work(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        }

        var result = await harness.Executor.ExecuteAsync(Request, Work, CancellationToken.None);
        var retry = await harness.Executor.ExecuteAsync(Request, Work, CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.False(result.ResultNotStored);
        Assert.True(retry.IsReplayed);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_CompletionStoredButAcknowledgementLost_RetryReplaysAndNoLeaseLossReported()
    {
        using var harness = new EngineHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Complete, () => new TimeoutException("reply lost"), times: 1, afterInnerCall: true);
        var runs = 0;

        var first = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));
        var retry = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, first.Value);
        Assert.False(first.LeaseLost);
        Assert.False(first.ResultNotStored);
        Assert.True(retry.IsReplayed);
        Assert.Equal(1, retry.Value);
        Assert.Equal(1, runs);
        Assert.Equal(0, harness.CountOutcome("lease_lost"));
    }

    [Fact]
    public async Task ExecuteAsync_SerializerThrowsAfterRun_CallerGetsResultAndRetryIsToldNotRerun()
    {
        var store = new InMemoryIdempotencyStore();
        var executor = IdempotencyExecutor.Create(store: store, serializer: new ThrowingSerializer());
        var runs = 0;

        var result = await executor.ExecuteAsync(Request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<IdempotencyResultNotStoredException>(() =>
            executor.ExecuteAsync(Request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None).AsTask());

        Assert.Equal(1, result.Value);
        Assert.True(result.ResultNotStored);
        Assert.Equal(1, runs);
        Assert.Equal("the result could not be serialized.", ex.Reason);
    }

    [Fact]
    public async Task BeginAsync_AfterNotStoredMarker_IsResultNotStoredForTheKeysTtlWhateverTheFailurePolicy()
    {
        // Results that were produced but not kept are never retryable, whatever the policy says about failures.
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.FailureRetryable = true;
            o.DefaultPolicy.Ttl = TimeSpan.FromHours(6);
        });
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            Assert.Equal(IdempotencyCompletion.NotStored, await claim.MarkNotStoredAsync("the export was larger than the cap.", CancellationToken.None));
        }

        await using var retry = await harness.Executor.BeginAsync(Request, CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromHours(6));
        await using var afterTtl = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.ResultNotStored, retry.Status);
        Assert.Equal("the export was larger than the cap.", retry.Reason);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(6), retry.ExpiresAt);
        Assert.Equal(IdempotencyClaimStatus.Acquired, afterTtl.Status);
        Assert.Equal(1, harness.CountOutcome("executed_not_stored"));
        Assert.Equal(1, harness.CountOutcome("result_not_stored"));
    }

    private static Func<Exception> Refusal(string refusal) => refusal switch
    {
        "unavailable" => () => new IdempotencyStoreUnavailableException("The store is unavailable."),
        "too-large" => () => new IdempotencyStoreUnavailableException("Item size has exceeded the maximum allowed size of 400 KB."),
        _ => () => new IOException("connection reset"),
    };

    private sealed class ThrowingSerializer : IIdempotencySerializer
    {
        public void Serialize<T>(IBufferWriter<byte> destination, T value) => throw new NotSupportedException("cannot serialize");

        public T Deserialize<T>(ReadOnlySpan<byte> source) => throw new NotSupportedException("cannot deserialize");
    }
}
