using System.Diagnostics.Metrics;
using System.Text;
using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §3.6: the lease is renewed every third of it while the operation runs; a crashed owner is taken over after the
// lease; a late finisher whose lease was taken over never overwrites the newer record (fencing).
public sealed class LeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly IdempotencyRequest Request = new("jobs", "k1");

    [Fact]
    public async Task ExecuteAsync_LongOperation_RenewsEveryThirdOfTheLease()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);

        harness.Clock.Advance(Lease / 3 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, harness.Calls.Count(IdempotencyStoreOperation.Renew));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Renew));
        for (var i = 0; i < 5; i++)
        {
            harness.Clock.Advance(Lease / 3);
        }

        Assert.Equal(6, harness.Calls.Count(IdempotencyStoreOperation.Renew));
        var record = await harness.ReadAsync("jobs", "k1");
        Assert.Equal(IdempotencyRecordStatus.InProgress, record!.Status);
        Assert.Equal(harness.Clock.GetUtcNow() + Lease, record.LeaseExpiresAt);
    }

    [Fact]
    public async Task ExecuteAsync_RenewedPastOriginalLease_OtherClaimantStillGetsInProgress()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        for (var i = 0; i < 6; i++)
        {
            harness.Clock.Advance(Lease / 3);
        }

        var runs = 0;
        var ex = await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal(EngineHarness.Start + (2 * Lease) + Lease, ex.LeaseExpiresAt);
        first.Release();
        Assert.Equal(IdempotencyOutcome.Executed, (await first.Task.WithinLimit()).Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_OperationEnded_StopsRenewing()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        harness.Clock.Advance(Lease / 3);
        first.Release();
        await first.Task.WithinLimit();
        var renewals = harness.Calls.Count(IdempotencyStoreOperation.Renew);

        for (var i = 0; i < 6; i++)
        {
            harness.Clock.Advance(Lease / 3);
        }

        Assert.Equal(1, renewals);
        Assert.Equal(renewals, harness.Calls.Count(IdempotencyStoreOperation.Renew));
    }

    [Fact]
    public async Task ExecuteAsync_SlowRenewal_TicksDoNotPileUpCalls()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        harness.Faults.Delay(IdempotencyStoreOperation.Renew, TimeSpan.FromSeconds(25), times: 1);

        harness.Clock.Advance(Lease / 3); // renewal starts and hangs until t = 35 s
        harness.Clock.Advance(Lease / 3); // skipped: one renewal at a time
        harness.Clock.Advance(Lease / 3); // skipped
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Renew));

        for (var i = 0; i < 10 && harness.Calls.Count(IdempotencyStoreOperation.Renew) < 2; i++)
        {
            harness.Clock.Advance(Lease / 3);
            await Task.Delay(20);
        }

        Assert.Equal(2, harness.Calls.Count(IdempotencyStoreOperation.Renew));
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsDuringOperation_ReleasesAndRetryRuns()
    {
        using var harness = new EngineHarness();
        using var cancellation = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = Task.Run(() => harness.Executor.ExecuteAsync(Request, async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct); // the caller's token reaches the operation
            return 1;
        }, cancellation.Token).AsTask());
        await started.Task.WaitAsync(Waits.Limit);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WithinLimit());
        var retry = await harness.RunAsync(Request, () => 2);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_RenewalFailsOnce_KeepsRenewingAndHoldsTheKey()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Renew, times: 1);

        harness.Clock.Advance(Lease / 3); // fails
        harness.Clock.Advance(Lease / 3); // renews to 50 s
        harness.Clock.Advance(Lease / 3); // renews to 60 s

        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => 2).AsTask());
        Assert.Equal(3, harness.Calls.Count(IdempotencyStoreOperation.Renew));
        first.Release();
        var result = await first.Task.WithinLimit();
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await harness.ReadAsync("jobs", "k1"))!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_TtlShorterThanLease_KeyStaysHeldWhileRunning()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.Lease = Lease;
            o.OperationTtls["jobs"] = TimeSpan.FromSeconds(2);
        });
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        var runs = 0;

        harness.Clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        Assert.Equal(0, runs);
        first.Release();
        await first.Task.WithinLimit();
    }

    [Fact]
    public async Task ExecuteAsync_CrashedOwner_InProgressUntilLeaseThenExactlyOneTakesOver()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        // A process claimed the key and died: no renewal, no completion.
        var claim = await harness.Memory.ClaimAsync(
            new IdempotencyClaimRequest(harness.StoreKey("jobs", "k1"), "crashed-owner", string.Empty, harness.Clock.GetUtcNow(), Lease, TimeSpan.FromHours(24)),
            CancellationToken.None);
        Assert.True(claim.IsAcquired);
        var runs = 0;

        harness.Clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));

        using var go = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            go.Wait();
            try
            {
                return (await harness.Executor.ExecuteAsync(Request, async ct =>
                {
                    var run = Interlocked.Increment(ref runs);
                    await Task.Delay(20, ct);
                    return run;
                }, CancellationToken.None)).Outcome.ToString();
            }
            catch (IdempotencyRequestInProgressException)
            {
                return "InProgress";
            }
        })).ToArray();
        go.Set();
        var outcomes = await Task.WhenAll(callers).WaitAsync(Waits.Limit);

        Assert.Equal(1, runs);
        Assert.Single(outcomes, o => o == nameof(IdempotencyOutcome.Executed));
        Assert.All(outcomes, o => Assert.Contains(o, new[] { nameof(IdempotencyOutcome.Executed), nameof(IdempotencyOutcome.Replayed), "InProgress" }));
        var record = await harness.ReadAsync("jobs", "k1");
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.NotEqual("crashed-owner", record.OwnerToken);
    }

    [Fact]
    public async Task ExecuteAsync_LateFinisherAfterTakeover_DoesNotOverwriteAndReturnsOwnResult()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        var original = await StartBlockedStringRunAsync(harness, "from-original");
        // The original owner is cut off from the store: its renewals never arrive.
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Renew);
        for (var i = 0; i < 3; i++)
        {
            harness.Clock.Advance(Lease / 3);
        }

        var takeover = await harness.Executor.ExecuteAsync(Request, _ => ValueTask.FromResult("from-takeover"), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Executed, takeover.Outcome);
        var newer = await harness.ReadAsync("jobs", "k1");

        original.Gate.SetResult();
        var late = await original.Task.WithinLimit();

        Assert.Equal("from-original", late.Value);
        Assert.Equal(IdempotencyOutcome.Executed, late.Outcome);
        var record = await harness.ReadAsync("jobs", "k1");
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.Equal(newer!.OwnerToken, record.OwnerToken);
        Assert.Contains("from-takeover", Encoding.UTF8.GetString(record.Payload.Span), StringComparison.Ordinal);
        Assert.Equal(1, harness.CountOutcome("lease_lost"));
        var replay = await harness.Executor.ExecuteAsync(Request, _ => ValueTask.FromResult("third"), CancellationToken.None);
        Assert.Equal("from-takeover", replay.Value);
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "LeaseLost");
    }

    [Fact]
    public async Task ExecuteAsync_LeaseLossSeenByRenewalThenCompletion_CountsLeaseLostOnce()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        var original = await StartBlockedStringRunAsync(harness, "from-original");
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Renew);
        for (var i = 0; i < 3; i++)
        {
            harness.Clock.Advance(Lease / 3);
        }

        await harness.Executor.ExecuteAsync(Request, _ => ValueTask.FromResult("from-takeover"), CancellationToken.None);
        harness.Faults.HealAll();
        harness.Clock.Advance(Lease / 3); // the original's next renewal finds another owner
        original.Gate.SetResult();
        var late = await original.Task.WithinLimit();

        Assert.Equal("from-original", late.Value);
        Assert.Equal(1, harness.CountOutcome("lease_lost"));
    }

    [Fact]
    public async Task CompleteAsync_ManualClaimAfterTakeover_ReturnsLeaseLost()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Renew);
        await using var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.Acquired, claim.Status);
        harness.Clock.Advance(Lease);
        await harness.Executor.ExecuteAsync(Request, _ => ValueTask.FromResult(2), CancellationToken.None);

        var completion = await claim.CompleteAsync(1, CancellationToken.None);

        Assert.Equal(IdempotencyCompletion.LeaseLost, completion);
        Assert.True(claim.LeaseLost);
        var replay = await harness.RunAsync(Request, () => 3);
        Assert.Equal(2, replay.Value);
    }

    // A renewal already on its way to the store when the claim ends reaches it after the completion: the record is no
    // longer in progress, so the store refuses it. That refusal is the ending's doing, not another owner's: no LeaseLost
    // warning, no lease_lost count, LeaseLost false, and the run counted once as executed.
    [Fact]
    public async Task ExecuteAsync_RenewalInFlightWhenTheRunCompletes_NoSpuriousLeaseLoss()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        using var storeCalls = StoreCalls(harness);
        await using var first = await BlockedRun.StartAsync(harness, Request, 1);
        harness.Faults.Delay(IdempotencyStoreOperation.Renew, TimeSpan.FromSeconds(5), times: 1);
        harness.Clock.Advance(Lease / 3); // the renewal starts and waits until t = 15 s before reaching the store
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Renew));

        first.Release();
        var result = await first.Task.WithinLimit();
        Assert.Equal(IdempotencyRecordStatus.Completed, (await harness.ReadAsync("jobs", "k1"))!.Status);
        harness.Clock.Advance(TimeSpan.FromSeconds(5)); // now it reaches the store, which refuses it
        await RenewalAnsweredAsync(storeCalls);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.False(result.LeaseLost);
        Assert.False(result.ResultNotStored);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), log => log.Id.Name == "LeaseLost");
        Assert.Equal(0, harness.CountOutcome("lease_lost"));
        Assert.Equal(1, harness.CountOutcome("executed"));
        Assert.Equal(1, (await harness.RunAsync(Request, () => 2)).Value);
    }

    [Fact]
    public async Task CompleteAsync_RenewalInFlightWhenTheManualClaimCompletes_LeaseNotLost()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
        using var storeCalls = StoreCalls(harness);
        await using var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.Acquired, claim.Status);
        harness.Faults.Delay(IdempotencyStoreOperation.Renew, TimeSpan.FromSeconds(5), times: 1);
        harness.Clock.Advance(Lease / 3); // the renewal is in flight

        var completion = await claim.CompleteAsync(1, CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromSeconds(5)); // it reaches the completed record and is refused
        await RenewalAnsweredAsync(storeCalls);

        Assert.Equal(IdempotencyCompletion.Stored, completion);
        Assert.False(claim.LeaseLost);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), log => log.Id.Name == "LeaseLost");
        Assert.Equal(0, harness.CountOutcome("lease_lost"));
        Assert.Equal(1, harness.CountOutcome("executed"));
    }

    // Whatever a renewal throws, including what the engine does not wrap as a store failure (a corrupt record passes
    // through as itself), is logged as RenewalFailed (event 10) and retried at the next tick. Nothing is left in a faulted
    // task that nobody awaits (which would surface only as TaskScheduler.UnobservedTaskException, or not at all).
    [Theory]
    [InlineData("corrupt")]
    [InlineData("invalid-operation")]
    public async Task ExecuteAsync_RenewalThrowsANonStoreException_LoggedAsRenewalFailedAndNeverUnobserved(string kind)
    {
        var marker = $"renewal-fault-{Guid.NewGuid():N}";
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            // Global event: keep only this test's exception.
            if (e.Exception.Flatten().InnerExceptions.Any(ex => ex.ToString().Contains(marker, StringComparison.Ordinal)))
            {
                lock (unobserved)
                {
                    unobserved.Add(e.Exception);
                }
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            using var harness = new EngineHarness(o => o.DefaultPolicy.Lease = Lease);
            await using var first = await BlockedRun.StartAsync(harness, Request, 1);
            Func<Exception> fault = kind == "corrupt"
                ? () => new IdempotencyRecordCorruptException(harness.StoreKey("jobs", "k1"), marker)
                : () => new InvalidOperationException(marker);
            harness.Faults.Throw(IdempotencyStoreOperation.Renew, fault, times: 1);

            harness.Clock.Advance(Lease / 3); // throws
            await Waits.UntilAsync(() => harness.Logs.GetSnapshot().Any(log => log.Id.Name == "RenewalFailed"), "the renewal failure is logged");
            harness.Clock.Advance(Lease / 3); // renews to 50 s

            var failed = Assert.Single(harness.Logs.GetSnapshot(), log => log.Id.Name == "RenewalFailed");
            Assert.Equal(10, failed.Id.Id);
            Assert.Contains(marker, failed.Exception!.ToString(), StringComparison.Ordinal);
            Assert.Equal(2, harness.Calls.Count(IdempotencyStoreOperation.Renew));
            var record = await harness.ReadAsync("jobs", "k1");
            Assert.Equal(harness.Clock.GetUtcNow() + Lease, record!.LeaseExpiresAt);
            await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => 2).AsTask());
            first.Release();
            var result = await first.Task.WithinLimit();
            Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
            Assert.False(result.LeaseLost);
            Assert.Equal(0, harness.CountOutcome("lease_lost"));
        }
        finally
        {
            // A faulted task nobody awaited reports its exception when it is finalized.
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.Empty(unobserved);
    }

    private static MetricCollector<double> StoreCalls(EngineHarness harness) =>
        new(harness.Services.GetRequiredService<IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.StoreDurationInstrument);

    // The store has answered the renewal (its duration is recorded as the call returns). What the claim does with the
    // answer follows on the same thread at once; the short pause leaves room for it before the test looks.
    private static async Task RenewalAnsweredAsync(MetricCollector<double> storeCalls)
    {
        await Waits.UntilAsync(
            () => storeCalls.GetMeasurementSnapshot().Any(m => m.Tags.TryGetValue(IdempotencyTelemetry.StoreOperationTag, out var operation) && (string?)operation == "renew"),
            "the delayed renewal is answered");
        await Task.Delay(100);
    }

    private static async Task<StringRun> StartBlockedStringRunAsync(EngineHarness harness, string value)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task.Run(() => harness.Executor.ExecuteAsync(Request, async _ =>
        {
            started.SetResult();
            await gate.Task;
            return value;
        }, CancellationToken.None).AsTask());
        await started.Task.WaitAsync(Waits.Limit);
        return new StringRun(task, gate);
    }

    private sealed record StringRun(Task<IdempotencyResult<string>> Task, TaskCompletionSource Gate);
}
