using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §3.5: an operation that throws releases the key (default) or is remembered as Failed; a failing release never hides it.
public sealed class FailureTests
{
    private static readonly IdempotencyRequest Request = new("payments", "k1");

    [Fact]
    public async Task ExecuteAsync_OperationThrows_RethrowsSameInstanceAndReleases()
    {
        using var harness = new EngineHarness();
        var boom = new InvalidOperationException("boom");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () => throw boom).AsTask());

        Assert.Same(boom, thrown);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Release));
        Assert.Null(await harness.ReadAsync("payments", "k1"));
    }

    [Fact]
    public async Task ExecuteAsync_RetryAfterDefaultFailure_RunsAgain()
    {
        using var harness = new EngineHarness();
        var runs = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("boom");
        }).AsTask());

        var retry = await harness.RunAsync(Request, () => 10 * Interlocked.Increment(ref runs));

        Assert.Equal(2, runs);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(20, retry.Value);
    }

    [Fact]
    public async Task ExecuteAsync_VoidOperationThrows_RethrowsSameInstanceAndReleases()
    {
        using var harness = new EngineHarness();
        var boom = new FormatException("bad");

        var thrown = await Assert.ThrowsAsync<FormatException>(() => harness.Executor.ExecuteAsync(Request, _ => throw boom, CancellationToken.None).AsTask());

        Assert.Same(boom, thrown);
        Assert.Null(await harness.ReadAsync("payments", "k1"));
    }

    [Fact]
    public async Task ExecuteAsync_OperationCanceled_ReleasesAndRethrows()
    {
        using var harness = new EngineHarness();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Executor.ExecuteAsync<int>(Request, ct =>
        {
            ct.ThrowIfCancellationRequested();
            return ValueTask.FromResult(1);
        }, cancellation.Token).AsTask());

        Assert.Null(await harness.ReadAsync("payments", "k1"));
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Release));
    }

    [Fact]
    public async Task ExecuteAsync_RememberedFailure_RetryThrowsPreviouslyFailedWithStoredError()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.RememberFailure = ex => ex is InvalidOperationException;
            o.DefaultPolicy.FailureTtl = TimeSpan.FromMinutes(30);
        });
        var runs = 0;
        var boom = new InvalidOperationException("card declined");
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () =>
        {
            Interlocked.Increment(ref runs);
            throw boom;
        }).AsTask());
        Assert.Same(boom, thrown);
        harness.Calls.Reset();

        var ex = await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(1, runs);
        Assert.Equal("System.InvalidOperationException", ex.ErrorType);
        Assert.Equal("card declined", ex.ErrorMessage);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromMinutes(30), ex.ExpiresAt);
        Assert.Equal(harness.StoreKey("payments", "k1"), ex.StoreKey);
        Assert.Equal(1, harness.Calls.TotalCount);
        var record = await harness.ReadAsync("payments", "k1");
        Assert.Equal(IdempotencyRecordStatus.Failed, record!.Status);
        Assert.False(record.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_RememberedFailureExpired_RunsAgain()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.RememberFailure = _ => true;
            o.DefaultPolicy.FailureTtl = TimeSpan.FromMinutes(30);
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () => throw new InvalidOperationException("x")).AsTask());
        harness.Clock.Advance(TimeSpan.FromMinutes(30));
        var runs = 0;

        var retry = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_ExceptionNotChosenForRemembering_Releases()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.RememberFailure = ex => ex is InvalidOperationException);
        await Assert.ThrowsAsync<TimeoutException>(() => harness.RunAsync<int>(Request, () => throw new TimeoutException("transient")).AsTask());
        var runs = 0;

        var retry = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_RememberedRetryableFailure_RetryRunsAgain()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.RememberFailure = _ => true;
            o.DefaultPolicy.FailureRetryable = true;
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () => throw new InvalidOperationException("x")).AsTask());
        var failed = await harness.ReadAsync("payments", "k1");
        Assert.Equal(IdempotencyRecordStatus.Failed, failed!.Status);
        Assert.True(failed.Retryable);
        var runs = 0;

        var retry = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await harness.ReadAsync("payments", "k1"))!.Status);
    }

    [Theory]
    [InlineData("unavailable")]
    [InlineData("driver")]
    [InlineData("corrupt")]
    [InlineData("canceled")]
    public async Task ExecuteAsync_ReleaseFails_RethrowsOriginalException(string fault)
    {
        using var harness = new EngineHarness();
        InjectFault(harness.Faults, IdempotencyStoreOperation.Release, fault);
        var boom = new InvalidOperationException("boom");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () => throw boom).AsTask());

        Assert.Same(boom, thrown);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Release));
    }

    [Theory]
    [InlineData("unavailable")]
    [InlineData("driver")]
    [InlineData("corrupt")]
    [InlineData("canceled")]
    public async Task ExecuteAsync_RememberingFailureFails_RethrowsOriginalException(string fault)
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.RememberFailure = _ => true);
        InjectFault(harness.Faults, IdempotencyStoreOperation.Fail, fault);
        var boom = new InvalidOperationException("boom");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () => throw boom).AsTask());

        Assert.Same(boom, thrown);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Fail));
    }

    [Fact]
    public async Task ExecuteAsync_RememberFailurePredicateThrows_RethrowsOriginalException()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.RememberFailure = _ => throw new NotSupportedException("predicate bug"));
        var boom = new InvalidOperationException("boom");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () => throw boom).AsTask());

        Assert.Same(boom, thrown);
    }

    [Fact]
    public async Task ExecuteAsync_ReleaseFailed_KeyBlockedUntilLeaseExpiresThenRunsAgain()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = TimeSpan.FromSeconds(30));
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Release, times: 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(Request, () => throw new InvalidOperationException("boom")).AsTask());
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        harness.Clock.Advance(TimeSpan.FromSeconds(30));
        var retry = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
    }

    private static void InjectFault(FaultInjectingIdempotencyStore faults, IdempotencyStoreOperation operation, string fault)
    {
        switch (fault)
        {
            case "unavailable":
                faults.ThrowUnavailable(operation);
                break;
            case "driver":
                faults.Throw(operation, () => new IOException("connection reset by peer"));
                break;
            case "corrupt":
                faults.Throw(operation, () => new IdempotencyRecordCorruptException("idem:x", "garbage"));
                break;
            default:
                faults.Throw(operation, () => new TaskCanceledException("driver timeout"));
                break;
        }
    }
}
