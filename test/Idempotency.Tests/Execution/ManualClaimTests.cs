using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// The manual claim API (BeginAsync), used by integrations that cannot wrap their work in a delegate.
public sealed class ManualClaimTests
{
    private static readonly IdempotencyRequest Request = new("http", "k1");

    [Fact]
    public async Task BeginAsync_FirstCall_IsAcquiredAndCompleteRawReplaysBytes()
    {
        using var harness = new EngineHarness();
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            Assert.Equal(IdempotencyClaimStatus.Acquired, claim.Status);
            Assert.Equal(IdempotencyOutcome.Executed, claim.Outcome);
            Assert.Equal(harness.StoreKey("http", "k1"), claim.StoreKey);
            Assert.Null(claim.ReplayKind);
            await claim.CompleteRawAsync(new byte[] { 0, 1, 2, 255 }, CancellationToken.None);
        }

        await using var replay = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Replay, replay.Status);
        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal(PayloadKind.Raw, replay.ReplayKind);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, replay.ReplayBody.ToArray());
        Assert.Throws<InvalidOperationException>(() => replay.GetReplayValue<int>());
    }

    [Fact]
    public async Task BeginAsync_CompleteWithValue_ReplaysValue()
    {
        using var harness = new EngineHarness();
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            await claim.CompleteAsync(new[] { 1, 2, 3 }, CancellationToken.None);
        }

        await using var replay = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(PayloadKind.Value, replay.ReplayKind);
        Assert.Equal(new[] { 1, 2, 3 }, replay.GetReplayValue<int[]>());
    }

    [Fact]
    public async Task DisposeAsync_AcquiredClaimNotCompleted_ReleasesSoRetryRuns()
    {
        using var harness = new EngineHarness();
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            Assert.Equal(IdempotencyClaimStatus.Acquired, claim.Status);
        }

        await using var retry = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Acquired, retry.Status);
    }

    [Fact]
    public async Task CompleteAsync_Twice_ThrowsInvalidOperation()
    {
        using var harness = new EngineHarness();
        await using var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None);
        await claim.CompleteAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => claim.CompleteAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task CompleteAsync_StoreRefuses_ThrowsAndRetryIsToldForTheKeysTtl()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Ttl = TimeSpan.FromHours(6));
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1);
            await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => claim.CompleteRawAsync(new byte[] { 1 }, CancellationToken.None).AsTask());
        }

        var ex = await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => harness.Executor.BeginAsync(Request, CancellationToken.None).AsTask());

        Assert.Equal(typeof(IdempotencyResultNotStoredException).FullName, ex.ErrorType);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(6), ex.ExpiresAt);
    }

    [Fact]
    public async Task FailAsync_StoreDown_DoesNotThrow()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.RememberFailure = _ => true);
        await using var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Fail);

        await claim.FailAsync(new InvalidOperationException("x"), CancellationToken.None);
    }

    [Fact]
    public async Task BeginAsync_NoKeyOptional_IsUnprotectedAndCompleteIsNoOp()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);
        await using var claim = await harness.Executor.BeginAsync(Request with { Key = null }, CancellationToken.None);

        await claim.CompleteAsync(5, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Unprotected, claim.Status);
        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, claim.Outcome);
        Assert.Null(claim.StoreKey);
        Assert.Equal(0, harness.Calls.TotalCount);
    }
}
