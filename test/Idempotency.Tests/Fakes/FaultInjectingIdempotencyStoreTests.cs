using Idempotency.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Tests.Fakes;

public sealed class FaultInjectingIdempotencyStoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IdempotencyClaimRequest Claim = new("k", "o", string.Empty, Now, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    [Fact]
    public async Task ThrowUnavailable_UntilHealed_FailsEveryCallWithoutReachingInnerStore()
    {
        var inner = new InMemoryIdempotencyStore();
        var store = new FaultInjectingIdempotencyStore(inner);
        store.ThrowUnavailable(IdempotencyStoreOperation.Claim);

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => store.ClaimAsync(Claim, CancellationToken.None).AsTask());
        }

        Assert.Equal(0, inner.Count);
        store.Heal(IdempotencyStoreOperation.Claim);
        Assert.True((await store.ClaimAsync(Claim, CancellationToken.None)).IsAcquired);
        Assert.Equal(3, store.InjectedFaultCount);
    }

    [Fact]
    public async Task Throw_WithTimes_FailsThatManyCallsThenHealsItself()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.Throw(IdempotencyStoreOperation.Get, () => new TimeoutException("driver"), times: 2);

        await Assert.ThrowsAsync<TimeoutException>(() => store.GetAsync("k", Now, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<TimeoutException>(() => store.GetAsync("k", Now, CancellationToken.None).AsTask());
        Assert.Null(await store.GetAsync("k", Now, CancellationToken.None));
        Assert.Equal(2, store.InjectedFaultCount);
    }

    [Fact]
    public async Task Throw_WithTimesUnderParallelCalls_FailsExactlyThatMany()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.ThrowUnavailable(IdempotencyStoreOperation.Get, times: 100);
        var failures = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 1_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            try
            {
                await store.GetAsync("k", Now, ct);
            }
            catch (IdempotencyStoreUnavailableException)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(100, failures);
    }

    [Fact]
    public async Task Throw_AfterInnerCall_WritesThenThrows()
    {
        var inner = new InMemoryIdempotencyStore();
        var store = new FaultInjectingIdempotencyStore(inner);
        store.Throw(IdempotencyStoreOperation.Claim, () => new IOException("reply lost"), times: 1, afterInnerCall: true);

        await Assert.ThrowsAsync<IOException>(() => store.ClaimAsync(Claim, CancellationToken.None).AsTask());

        Assert.NotNull(await inner.GetAsync("k", Now, CancellationToken.None));
    }

    [Fact]
    public async Task Delay_OnFakeClock_WaitsUntilTheClockMoves()
    {
        var clock = new FakeTimeProvider(Now);
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore(), clock);
        store.Delay(IdempotencyStoreOperation.Get, TimeSpan.FromSeconds(5));

        var call = store.GetAsync("k", Now, CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await call.WaitAsync(Waits.Limit));
    }

    [Fact]
    public async Task Delay_CallerCancels_ThrowsOperationCanceled()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore(), new FakeTimeProvider(Now));
        store.Delay(IdempotencyStoreOperation.Get, TimeSpan.FromHours(1));
        using var cancellation = new CancellationTokenSource();

        var call = store.GetAsync("k", Now, cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Waits.Limit));
    }

    [Fact]
    public async Task HealAll_RemovesEveryRule()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.ThrowUnavailable(IdempotencyStoreOperation.Get);
        store.ThrowUnavailable(IdempotencyStoreOperation.Delete);

        store.HealAll();

        Assert.Null(await store.GetAsync("k", Now, CancellationToken.None));
        Assert.False(await store.DeleteAsync("k", CancellationToken.None));
    }

    [Fact]
    public async Task Rules_OnOneOperation_LeaveOthersAlone()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.ThrowUnavailable(IdempotencyStoreOperation.Complete);

        Assert.True((await store.ClaimAsync(Claim, CancellationToken.None)).IsAcquired);
        Assert.True(await store.RenewAsync("k", "o", Now, TimeSpan.FromMinutes(1), CancellationToken.None));
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => store.CompleteAsync("k", "o", new byte[] { 1 }, Now, TimeSpan.FromHours(1), CancellationToken.None).AsTask());
    }

    [Fact]
    public void Arguments_OutOfRange_Throw()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());

        Assert.Throws<ArgumentOutOfRangeException>(() => store.ThrowUnavailable(IdempotencyStoreOperation.Get, times: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Delay(IdempotencyStoreOperation.Get, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentNullException>(() => store.Throw(IdempotencyStoreOperation.Get, null!));
    }
}
