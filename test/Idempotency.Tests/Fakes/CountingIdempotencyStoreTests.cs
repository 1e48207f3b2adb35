using Idempotency.Testing;

namespace Idempotency.Tests.Fakes;

public sealed class CountingIdempotencyStoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Count_EveryOperation_IsCountedSeparately()
    {
        var store = new CountingIdempotencyStore(new InMemoryIdempotencyStore());
        var ct = CancellationToken.None;

        await store.ClaimAsync(new IdempotencyClaimRequest("k", "o", string.Empty, Now, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), ct);
        await store.RenewAsync("k", "o", Now, TimeSpan.FromMinutes(1), ct);
        await store.CompleteAsync("k", "o", new byte[] { 1 }, Now, TimeSpan.FromHours(1), ct);
        await store.FailAsync("k", "o", new byte[] { 1 }, false, Now, TimeSpan.FromHours(1), ct);
        await store.ReleaseAsync("k", "o", ct);
        await store.GetAsync("k", Now, ct);
        await store.GetAsync("k", Now, ct);
        await store.DeleteAsync("k", ct);
        await store.PurgeExpiredAsync(Now, 10, ct);
        await store.CountByStatusAsync(Now, ct);
        await store.ListAsync(null, Now, 10, null, ct);

        foreach (var operation in Enum.GetValues<IdempotencyStoreOperation>())
        {
            Assert.Equal(operation == IdempotencyStoreOperation.Get ? 2 : 1, store.Count(operation));
        }

        Assert.Equal(11, store.TotalCount);
        Assert.Contains("Get=2", store.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_SetsEveryCountToZero()
    {
        var store = new CountingIdempotencyStore(new InMemoryIdempotencyStore());
        await store.GetAsync("k", Now, CancellationToken.None);

        store.Reset();

        Assert.Equal(0, store.TotalCount);
        Assert.Equal("no calls", store.ToString());
    }

    [Fact]
    public async Task Count_FailingCall_IsStillCounted()
    {
        var faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        faults.ThrowUnavailable(IdempotencyStoreOperation.Get);
        var store = new CountingIdempotencyStore(faults);

        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => store.GetAsync("k", Now, CancellationToken.None).AsTask());

        Assert.Equal(1, store.Count(IdempotencyStoreOperation.Get));
    }

    [Fact]
    public async Task Count_ParallelCalls_AreAllCounted()
    {
        var store = new CountingIdempotencyStore(new InMemoryIdempotencyStore());

        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), async (i, ct) => await store.GetAsync($"k{i}", Now, ct));

        Assert.Equal(10_000, store.Count(IdempotencyStoreOperation.Get));
    }

    [Fact]
    public async Task CountByStatusAsync_InnerStoreCannotCount_ThrowsNotSupported()
    {
        var store = new CountingIdempotencyStore(new FaultInjectingIdempotencyStore(new GetOnlyStore()));

        await Assert.ThrowsAsync<NotSupportedException>(() => store.CountByStatusAsync(Now, CancellationToken.None).AsTask());
    }

    [Fact]
    public void Constructor_NullInner_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new CountingIdempotencyStore(null!));
    }

    private sealed class GetOnlyStore : IIdempotencyStore
    {
        public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

        public ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) => throw new NotImplementedException();

        public ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) => throw new NotImplementedException();

        public ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) => throw new NotImplementedException();

        public ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) => throw new NotImplementedException();

        public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult<IdempotencyRecord?>(null);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotImplementedException();

        public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) => throw new NotImplementedException();
    }
}
