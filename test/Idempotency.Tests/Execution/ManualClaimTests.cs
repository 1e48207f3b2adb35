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
            Assert.Equal(harness.StoreKey("http", "k1"), claim.StoreKey);
            Assert.False(claim.TryGetReplayedRaw(out _));
            Assert.Equal(IdempotencyCompletion.Stored, await claim.CompleteRawAsync(new byte[] { 0, 1, 2, 255 }, CancellationToken.None));
        }

        await using var replay = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Replayed, replay.Status);
        Assert.True(replay.TryGetReplayedRaw(out var raw));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, raw.ToArray());
        var corrupt = Assert.Throws<IdempotencyRecordCorruptException>(() => replay.GetReplayedValue<int>());
        Assert.Equal(harness.StoreKey("http", "k1"), corrupt.StoreKey);
        Assert.StartsWith("the record holds raw bytes", corrupt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_KeyHoldsRawResult_ThrowsRecordCorruptWithoutRunning()
    {
        using var harness = new EngineHarness();
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            await claim.CompleteRawAsync(new byte[] { 1 }, CancellationToken.None);
        }

        var runs = 0;
        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () =>
            await harness.Executor.ExecuteAsync(Request, _ => ValueTask.FromResult(++runs), CancellationToken.None));

        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task GetReplayedValue_ClaimNotAReplay_ThrowsInvalidOperation()
    {
        using var harness = new EngineHarness();
        await using var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => claim.GetReplayedValue<int>());
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

        Assert.False(replay.TryGetReplayedRaw(out _));
        Assert.Equal(new[] { 1, 2, 3 }, replay.GetReplayedValue<int[]>());
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
    public async Task CompleteAsync_StoreRefusesOnce_RetriesAtOnceAndStores()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Ttl = TimeSpan.FromHours(6));
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1);
            Assert.Equal(IdempotencyCompletion.Stored, await claim.CompleteRawAsync(new byte[] { 1 }, CancellationToken.None));
        }

        await using var replay = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Replayed, replay.Status);
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "CompletionRetrying");
    }

    [Fact]
    public async Task CompleteAsync_SerializerThrows_MarksNotStoredSoRetryIsToldNotRerun()
    {
        // Before: the claim stayed acquired, disposal released it, and a retry ran completed work again.
        var executor = IdempotencyExecutor.Create(serializer: new ThrowingSerializer());
        await using (var claim = await executor.BeginAsync(Request, CancellationToken.None))
        {
            Assert.Equal(IdempotencyCompletion.NotStored, await claim.CompleteAsync(42, CancellationToken.None));
        }

        await using var retry = await executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.ResultNotStored, retry.Status);
        Assert.Equal("the result could not be serialized.", retry.Reason);
        Assert.IsType<IdempotencyResultNotStoredException>(retry.CreateException());
    }

    [Fact]
    public async Task CompleteAsync_OnReplayedClaim_Throws()
    {
        using var harness = new EngineHarness();
        await harness.RunAsync(Request, () => 1);
        await using var replay = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => replay.CompleteAsync(2, CancellationToken.None).AsTask());
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

        Assert.Equal(IdempotencyCompletion.Unprotected, await claim.CompleteAsync(5, CancellationToken.None));
        Assert.Equal(IdempotencyClaimStatus.WithoutKey, claim.Status);
        Assert.Null(claim.StoreKey);
        Assert.Equal(0, harness.Calls.TotalCount);
    }

    private sealed class ThrowingSerializer : IIdempotencySerializer
    {
        public void Serialize<T>(System.Buffers.IBufferWriter<byte> destination, T value) => throw new NotSupportedException("cannot serialize");

        public T Deserialize<T>(ReadOnlySpan<byte> source) => throw new NotSupportedException("cannot deserialize");
    }
}
