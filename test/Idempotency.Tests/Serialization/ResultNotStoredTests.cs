using System.Buffers;
using Idempotency.Testing;

namespace Idempotency.Tests.Serialization;

// SPEC §3.11: a result the store refuses (too large, store down) is only known at completion. The caller still gets its
// result; the key is marked Failed with IdempotencyResultNotStoredException, so a retry is told instead of running again.
public sealed class ResultNotStoredTests
{
    private static readonly IdempotencyRequest Request = new("exports", "k1");

    public static TheoryData<string> Refusals => ["unavailable", "too-large", "driver"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ExecuteAsync_CompletionRefused_CallerGetsResultAndRetryIsToldNotRerun(string refusal)
    {
        using var harness = new EngineHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Complete, Refusal(refusal), times: 1);
        var runs = 0;

        var result = await harness.RunAsync(Request, () => 100 + Interlocked.Increment(ref runs));

        Assert.Equal(101, result.Value);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        var record = await harness.ReadAsync("exports", "k1");
        Assert.Equal(IdempotencyRecordStatus.Failed, record!.Status);
        Assert.False(record.Retryable);

        var ex = await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => harness.RunAsync(Request, () => 100 + Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(1, runs);
        Assert.Equal(typeof(IdempotencyResultNotStoredException).FullName, ex.ErrorType);
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "CompletionFailed");
    }

    [Fact]
    public async Task ExecuteAsync_CompletionRefusedWithRetryableFailurePolicy_RetryStillNotRerun()
    {
        // Results that were produced but not stored are never retryable, whatever the policy says about failures.
        using var harness = new EngineHarness(o => o.DefaultPolicy.FailureRetryable = true);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1);
        var runs = 0;
        await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_VoidCompletionRefused_RetryIsToldNotRerun()
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
        await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => harness.Executor.ExecuteAsync(Request, Work, CancellationToken.None).AsTask());

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_CompletionStoredButAcknowledgementLost_RetryReplays()
    {
        using var harness = new EngineHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Complete, () => new TimeoutException("reply lost"), times: 1, afterInnerCall: true);
        var runs = 0;

        var first = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));
        var retry = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, first.Value);
        Assert.True(retry.IsReplay);
        Assert.Equal(1, retry.Value);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_CompletionAndFailureBothRefused_CallerGetsResultAndKeyFreesAfterLease()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = TimeSpan.FromSeconds(30));
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Fail, times: 1);
        var runs = 0;

        var result = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));
        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        harness.Clock.Advance(TimeSpan.FromSeconds(30));
        var afterLease = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        // Documented limit: with the store refusing every write, the key is held only for the lease, not the TTL.
        Assert.Equal(1, result.Value);
        Assert.Equal(IdempotencyOutcome.Executed, afterLease.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ExecuteAsync_SerializerThrowsAfterRun_CallerGetsResultAndRetryIsToldNotRerun()
    {
        var store = new InMemoryIdempotencyStore();
        var executor = IdempotencyExecutor.Create(store: store, serializer: new ThrowingSerializer());
        var runs = 0;

        var result = await executor.ExecuteAsync(Request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() =>
            executor.ExecuteAsync(Request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None).AsTask());

        Assert.Equal(1, result.Value);
        Assert.Equal(1, runs);
        Assert.Equal(typeof(IdempotencyResultNotStoredException).FullName, ex.ErrorType);
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
