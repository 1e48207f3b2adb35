using System.Net.Sockets;
using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §3.7: a failing store fails closed (503, operation not run) unless the policy fails open; cancellation passes through.
public sealed class StoreUnavailableTests
{
    private static readonly IdempotencyRequest Request = new("orders", "k1");

    public static TheoryData<string> DriverFailures => ["io", "timeout", "socket", "invalid-operation", "driver-canceled"];

    [Fact]
    public async Task ExecuteAsync_ClaimUnavailable_FailsClosedWithoutRunning()
    {
        using var harness = new EngineHarness();
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Claim));
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Release)); // the claim may have landed (see below)
        Assert.Equal(2, harness.Calls.TotalCount);
        Assert.Equal(1, harness.CountOutcome("store_unavailable"));
    }

    [Theory]
    [MemberData(nameof(DriverFailures))]
    public async Task ExecuteAsync_RawDriverException_IsWrappedAsUnavailable(string failure)
    {
        using var harness = new EngineHarness();
        var driverException = Create(failure);
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => driverException);
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Same(driverException, ex.InnerException);
        Assert.Equal(1, harness.CountOutcome("store_unavailable"));
    }

    [Fact]
    public async Task ExecuteAsync_FailOpen_RunsUnprotectedAndCountsIt()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailOpen);
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => new IOException("connection refused"));
        var runs = 0;

        var first = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));
        var second = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(2, runs);
        Assert.Equal(IdempotencyOutcome.ExecutedUnprotected, first.Outcome);
        Assert.Equal(1, first.Value);
        Assert.Equal(2, second.Value);
        Assert.Equal(2, harness.CountOutcome("fail_open"));
        Assert.Equal(2, harness.Calls.Count(IdempotencyStoreOperation.Claim));
        Assert.Equal(2, harness.Calls.Count(IdempotencyStoreOperation.Release));
        Assert.Equal(4, harness.Calls.TotalCount);
        Assert.Equal(0, harness.Calls.Count(IdempotencyStoreOperation.Complete));
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "FailOpen" && log.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task ExecuteAsync_FailOpenOnNamedPolicyOnly_DefaultStillFailsClosed()
    {
        using var harness = new EngineHarness(o => o.AddPolicy("best-effort", p => p.StoreFailureMode = StoreFailureMode.FailOpen));
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);

        var open = await harness.RunAsync(Request with { Policy = "best-effort" }, () => 1);
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.RunAsync(Request, () => 1).AsTask());

        Assert.Equal(IdempotencyOutcome.ExecutedUnprotected, open.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsDuringClaim_ThrowsOperationCanceledNotUnavailable()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailOpen);
        harness.Faults.Delay(IdempotencyStoreOperation.Claim, TimeSpan.FromMinutes(1));
        using var cancellation = new CancellationTokenSource();
        var runs = 0;

        var call = Task.Run(() => harness.Executor.ExecuteAsync(Request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), cancellation.Token).AsTask());
        await Waits.UntilAsync(() => harness.Faults.InjectedFaultCount == 1, "the claim is delayed");
        await cancellation.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WithinLimit());
        Assert.IsNotType<IdempotencyStoreUnavailableException>(ex);
        Assert.Equal(0, runs);
        Assert.Equal(0, harness.CountOutcome("store_unavailable"));
        Assert.Equal(0, harness.CountOutcome("fail_open"));
    }

    [Fact]
    public async Task ExecuteAsync_CorruptRecordWhileFailingOpen_ThrowsCorruptWithoutRunning()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailOpen);
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => new IdempotencyRecordCorruptException("idem:x", "unparseable"));
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task ExecuteAsync_StoreRecovers_NextCallRunsAndReplaysNormally()
    {
        using var harness = new EngineHarness();
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim, times: 2);
        var runs = 0;
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        }

        var executed = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));
        var replayed = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, executed.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, replayed.Outcome);
    }

    [Fact]
    public async Task BeginAsync_InMemoryStoreFullOfLiveRecords_RefusesNewKeyAsStoreFullAndKeepsOldOnes()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(EngineHarness.Start);
        using var full = new InMemoryIdempotencyStore(new InMemoryStoreOptions { MaxRecords = 2, SweepInterval = TimeSpan.Zero }, clock);
        using var harness = new EngineHarness(o => o.DefaultPolicy.StoreUnavailableRetryAfter = TimeSpan.FromSeconds(7), clock, full);
        var runs = 0;
        await harness.RunAsync(Request with { Key = "a" }, () => Interlocked.Increment(ref runs));
        await harness.RunAsync(Request with { Key = "b" }, () => Interlocked.Increment(ref runs));

        await using var refused = await harness.Executor.BeginAsync(Request with { Key = "c" }, CancellationToken.None);
        var replay = await harness.RunAsync(Request with { Key = "a" }, () => Interlocked.Increment(ref runs));

        Assert.Equal(IdempotencyClaimStatus.StoreUnavailable, refused.Status);
        Assert.IsType<IdempotencyStoreFullException>(refused.StoreFailure);
        Assert.Equal(TimeSpan.FromSeconds(7), refused.RetryAfter);
        Assert.True(replay.IsReplayed);
        Assert.Equal(2, runs);
        Assert.Equal(1, harness.CountOutcome("store_full"));
        Assert.Equal(0, harness.CountOutcome("store_unavailable"));
        Assert.Equal(0, harness.Calls.Count(IdempotencyStoreOperation.Release)); // a full store wrote nothing to release
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id is { Id: 18, Name: "StoreFull" });
    }

    [Fact]
    public async Task BeginAsync_CancelledAfterTheStoreWroteTheClaim_ReleasesItSoARetryRunsAtOnce()
    {
        // Found by attack: cancellation arriving after the store took the key left an in-progress record nobody owned,
        // answering 409 for a whole lease.
        using var harness = new EngineHarness();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => new OperationCanceledException(cancel.Token), times: 1, afterInnerCall: true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await harness.Executor.BeginAsync(Request, cancel.Token));
        await AssertReleasedSoARetryAcquiresAsync(harness);
    }

    [Theory]
    [InlineData(StoreFailureMode.FailClosed)]
    [InlineData(StoreFailureMode.FailOpen)]
    public async Task BeginAsync_ClaimFailsAfterTheStoreWroteIt_ReleasesItSoARetryRunsAtOnce(StoreFailureMode mode)
    {
        // Found by attack: a claim that landed but whose answer was lost (DynamoDB's PutItem, a Redis timeout) left an
        // in-progress record nobody owned, answering 409 for a whole lease.
        using var harness = new EngineHarness(o => o.DefaultPolicy.StoreFailureMode = mode);
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => new TimeoutException("the response was lost"), times: 1, afterInnerCall: true);

        await using (var failed = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            Assert.Equal(mode == StoreFailureMode.FailOpen ? IdempotencyClaimStatus.FailedOpen : IdempotencyClaimStatus.StoreUnavailable, failed.Status);
        }

        await AssertReleasedSoARetryAcquiresAsync(harness);
    }

    [Fact]
    public async Task BeginAsync_ClaimAndItsReleaseBothFail_AnswersTheClaimFailureAndLogsTheRelease()
    {
        using var harness = new EngineHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => new TimeoutException("the response was lost"), times: 1, afterInnerCall: true);
        harness.Faults.Throw(IdempotencyStoreOperation.Release, () => new IOException("connection reset"), times: 1);

        await using var failed = await harness.Executor.BeginAsync(Request, CancellationToken.None);
        var record = await harness.ReadAsync(Request.Operation, Request.Key!);

        Assert.Equal(IdempotencyClaimStatus.StoreUnavailable, failed.Status);
        Assert.IsType<TimeoutException>(failed.StoreFailure!.InnerException);
        Assert.Equal(IdempotencyRecordStatus.InProgress, record!.Status); // left for its lease: nothing else can free it
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "ReleaseFailed" && log.Exception?.InnerException is IOException);
    }

    // The interrupted claim's record is gone (one release), so the next claim of the key acquires it at once.
    private static async Task AssertReleasedSoARetryAcquiresAsync(EngineHarness harness)
    {
        var record = await harness.ReadAsync(Request.Operation, Request.Key!);
        await using var retry = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Null(record);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Release));
        Assert.Equal(IdempotencyClaimStatus.Acquired, retry.Status);
    }

    private static Exception Create(string failure) => failure switch
    {
        "io" => new IOException("connection reset by peer"),
        "timeout" => new TimeoutException("driver timeout"),
        "socket" => new SocketException((int)SocketError.ConnectionRefused),
        "invalid-operation" => new InvalidOperationException("pool exhausted"),
        _ => new TaskCanceledException("driver gave up"),
    };
}
