using Idempotency.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Tests.Execution;

// A claim whose answer reaches a starved process after its lease could lapse must not run the work if another owner
// took the key over in the meantime (found by the crash soak: both ran, the late one was only fenced afterwards).
public sealed class LateClaimTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly IdempotencyRequest Request = new("orders", "late-1");

    [Fact]
    public async Task ExecuteAsync_ClaimAnsweredAfterTheLeaseAndTakenOver_WorkDoesNotRunAndInProgress()
    {
        var (harness, store) = Create();
        using var _ = harness;
        store.OnAcquired = async request =>
        {
            harness.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
            var takeover = await store.Inner.ClaimAsync(new IdempotencyClaimRequest(request.Key, "another-owner", request.Fingerprint, harness.Clock.GetUtcNow(), Lease, TimeSpan.FromHours(1)), CancellationToken.None);
            Assert.True(takeover.IsAcquired);
        };
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal("another-owner", (await ReadAsync(harness, store))!.OwnerToken);
        Assert.Contains(harness.Logs.GetSnapshot(), e => e.Id.Name == "LateClaimTakenOver");
    }

    [Fact]
    public async Task ExecuteAsync_ClaimAnsweredAfterTheLeaseStillHeld_RenewsThenRunsOnce()
    {
        var (harness, store) = Create();
        using var _ = harness;
        store.OnAcquired = _ =>
        {
            harness.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
            return ValueTask.CompletedTask;
        };
        var runs = 0;

        var result = await harness.RunAsync(Request, () => Interlocked.Increment(ref runs));

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Renew));
        Assert.Equal(IdempotencyRecordStatus.Completed, (await ReadAsync(harness, store))!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_ClaimAnsweredWithinAThirdOfTheLease_NoExtraStoreCall()
    {
        var (harness, store) = Create();
        using var _ = harness;
        store.OnAcquired = _ =>
        {
            harness.Clock.Advance((Lease / 3) - TimeSpan.FromMilliseconds(1));
            return ValueTask.CompletedTask;
        };

        var result = await harness.RunAsync(Request, () => 7);

        Assert.Equal(7, result.Value);
        Assert.Equal(0, harness.Calls.Count(IdempotencyStoreOperation.Renew));
    }

    [Fact]
    public async Task ExecuteAsync_LateClaimAndTheStoreFailsToConfirm_WorkDoesNotRunAndStoreUnavailable()
    {
        var (harness, store) = Create();
        using var _ = harness;
        store.OnAcquired = _ =>
        {
            harness.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
            harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Renew, times: 1);
            return ValueTask.CompletedTask;
        };
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Null(await ReadAsync(harness, store)); // released: a retry does not wait out a lease
    }

    private static ValueTask<IdempotencyRecord?> ReadAsync(EngineHarness harness, LateAnswerStore store) =>
        store.Inner.GetAsync(harness.StoreKey("orders", "late-1"), harness.Clock.GetUtcNow(), CancellationToken.None);

    private static (EngineHarness Harness, LateAnswerStore Store) Create()
    {
        var clock = new FakeTimeProvider(EngineHarness.Start);
        var store = new LateAnswerStore(new InMemoryIdempotencyStore(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero }, clock));
        return (new EngineHarness(o => o.DefaultPolicy.Lease = Lease, clock, store), store);
    }

    /// <summary>Runs a hook after an acquired claim and before its answer goes back: the time a starved caller loses.</summary>
    private sealed class LateAnswerStore(InMemoryIdempotencyStore inner) : DelegatingIdempotencyStore(inner)
    {
        public InMemoryIdempotencyStore Inner { get; } = inner;

        public Func<IdempotencyClaimRequest, ValueTask>? OnAcquired { get; set; }

        public override async ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
        {
            var result = await base.ClaimAsync(request, cancellationToken);
            if (result.IsAcquired && OnAcquired is { } hook)
            {
                OnAcquired = null;
                await hook(request);
            }

            return result;
        }
    }
}
