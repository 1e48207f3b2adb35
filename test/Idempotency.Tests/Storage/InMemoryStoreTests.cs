using Idempotency.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Tests.Storage;

// What the in-memory store adds to the contract: the size bound, the expiry sweep and its record count.
public sealed class InMemoryStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Constructor_MaxRecordsBelowOne_Throws()
    {
        Assert.Contains("MaxRecords must be at least 1", Assert.Throws<ArgumentException>(() => new InMemoryIdempotencyStore(new InMemoryStoreOptions { MaxRecords = 0 }, _clock)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_MaxBytesBelowOne_Throws(long maxBytes)
    {
        Assert.Contains("MaxBytes must be at least 1", Assert.Throws<ArgumentException>(() => new InMemoryIdempotencyStore(new InMemoryStoreOptions { MaxBytes = maxBytes }, _clock)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Default_AreBoundedByRecordsAndBytes()
    {
        var options = new InMemoryStoreOptions();

        Assert.Equal(100_000, options.MaxRecords);
        Assert.Equal(256L * 1024 * 1024, options.MaxBytes);
    }

    [Fact]
    public async Task ClaimAsync_DefaultOptions_RefusesTheNewKeyBeyondOneHundredThousandRecords()
    {
        using var store = new InMemoryIdempotencyStore(timeProvider: _clock);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True((await ClaimAsync(store, $"idem:test:op::{i}", "t")).IsAcquired);
        }

        var exception = await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::one-more", "t"));

        Assert.Equal(IdempotencyStoreLimit.Records, exception.Limit);
        Assert.Equal(100_000, store.Count);
    }

    [Fact]
    public void Constructor_SweepBatchSizeBelowOne_Throws()
    {
        Assert.Contains("SweepBatchSize must be at least 1", Assert.Throws<ArgumentException>(() => new InMemoryIdempotencyStore(new InMemoryStoreOptions { SweepBatchSize = 0 }, _clock)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimAsync_NewKeyBeyondMaxRecords_ThrowsStoreFull()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 3, MaxBytes = 1_000_000, SweepInterval = TimeSpan.Zero });
        var keys = Enumerable.Range(0, 3).Select(i => $"idem:test:op::{i}").ToArray();
        foreach (var key in keys)
        {
            Assert.True((await ClaimAsync(store, key)).IsAcquired);
        }

        var exception = await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::3"));

        Assert.IsAssignableFrom<IdempotencyStoreUnavailableException>(exception);
        Assert.Contains("full", exception.Message, StringComparison.Ordinal);
        Assert.Equal((IdempotencyStoreLimit.Records, 3L, 1_000_000L), (exception.Limit, exception.MaxRecords, exception.MaxBytes));
        Assert.Equal(3, store.Count);
        Assert.Null(await store.GetAsync("idem:test:op::3", _clock.GetUtcNow(), CancellationToken.None));
        Assert.False((await ClaimAsync(store, keys[0])).IsAcquired);
        Assert.Equal(3, store.Count);
    }

    [Fact]
    public async Task ClaimAsync_FullOfLiveRecords_RefusesNewKeysAndKeepsEveryRecord()
    {
        const int Max = 50;
        using var store = Create(new InMemoryStoreOptions { MaxRecords = Max, SweepInterval = TimeSpan.Zero });
        var now = _clock.GetUtcNow();
        for (var i = 0; i < Max; i++)
        {
            Assert.True((await ClaimAsync(store, $"idem:test:op::{i}", $"t{i}")).IsAcquired);
            Assert.True(await store.CompleteAsync($"idem:test:op::{i}", $"t{i}", new[] { (byte)i }, now, Ttl, CancellationToken.None));
        }

        var bytes = store.EstimatedBytes;
        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, $"idem:test:op::new-{i}"));
            _clock.Advance(TimeSpan.FromSeconds(5)); // sweeps may run (nothing has expired): they must not drop live records
        }

        Assert.Equal(Max, store.Count);
        Assert.Equal(bytes, store.EstimatedBytes);
        for (var i = 0; i < Max; i++)
        {
            var replay = await ClaimAsync(store, $"idem:test:op::{i}");
            Assert.False(replay.IsAcquired);
            Assert.Equal(IdempotencyRecordStatus.Completed, replay.Existing!.Status);
            Assert.Equal(new[] { (byte)i }, replay.Existing.Payload.ToArray());
        }

        Assert.Equal(Max, store.Count);
    }

    [Fact]
    public async Task ClaimAsync_FullStoreKeyWithExpiredLease_TakesItOver()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 1, SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::only", "first")).IsAcquired);
        _clock.Advance(Lease);

        Assert.True((await ClaimAsync(store, "idem:test:op::only", "second")).IsAcquired);

        Assert.Equal("second", (await store.GetAsync("idem:test:op::only", _clock.GetUtcNow(), CancellationToken.None))!.OwnerToken);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task EstimatedBytes_Record_IsOverheadPlusTwoBytesPerCharacterPlusPayload()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero });
        const string Key = "idem:test:op::sized";
        const string Token = "owner-token";
        var claimed = InMemoryIdempotencyStore.RecordOverheadBytes + (2 * (Key.Length + Token.Length + "fp".Length));

        Assert.True((await ClaimAsync(store, Key, Token)).IsAcquired);
        Assert.Equal(claimed, store.EstimatedBytes);

        Assert.True(await store.CompleteAsync(Key, Token, new byte[1000], _clock.GetUtcNow(), Ttl, CancellationToken.None));
        Assert.Equal(claimed + 1000, store.EstimatedBytes);

        Assert.True(await store.DeleteAsync(Key, CancellationToken.None));
        Assert.Equal(0, store.EstimatedBytes);
    }

    [Fact]
    public async Task ClaimAsync_NewKeyBeyondMaxBytes_ThrowsStoreFullAndCompletionsAreStillStored()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 100, MaxBytes = 10_000, SweepInterval = TimeSpan.Zero });
        var now = _clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            // The third completion takes the estimate past MaxBytes: the work has run, so it is stored anyway.
            Assert.True((await ClaimAsync(store, $"idem:test:op::{i}", $"t{i}")).IsAcquired);
            Assert.True(await store.CompleteAsync($"idem:test:op::{i}", $"t{i}", new byte[4000], now, Ttl, CancellationToken.None));
        }

        Assert.True(store.EstimatedBytes > 10_000);

        var exception = await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::3"));

        Assert.Equal((IdempotencyStoreLimit.Bytes, 100L, 10_000L), (exception.Limit, exception.MaxRecords, exception.MaxBytes));
        Assert.Contains("10000 estimated bytes", exception.Message, StringComparison.Ordinal);
        Assert.Equal(3, store.Count);
        for (var i = 0; i < 3; i++)
        {
            var replay = await ClaimAsync(store, $"idem:test:op::{i}");
            Assert.Equal(4000, replay.Existing!.Payload.Length);
        }

        Assert.True(await store.DeleteAsync("idem:test:op::0", CancellationToken.None));
        Assert.True((await ClaimAsync(store, "idem:test:op::3")).IsAcquired);
    }

    [Fact]
    public async Task CompleteAsync_StoreFull_IsStored()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 2, MaxBytes = 2_000, SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::a", "ta")).IsAcquired);
        Assert.True((await ClaimAsync(store, "idem:test:op::b", "tb")).IsAcquired);
        await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::c"));

        var payload = Enumerable.Range(0, 64 * 1024).Select(i => (byte)i).ToArray();
        Assert.True(await store.CompleteAsync("idem:test:op::a", "ta", payload, _clock.GetUtcNow(), Ttl, CancellationToken.None));
        Assert.True(await store.FailAsync("idem:test:op::b", "tb", payload, false, _clock.GetUtcNow(), Ttl, CancellationToken.None));

        Assert.Equal(payload, (await ClaimAsync(store, "idem:test:op::a")).Existing!.Payload.ToArray());
        Assert.Equal(IdempotencyRecordStatus.Failed, (await ClaimAsync(store, "idem:test:op::b")).Existing!.Status);
        Assert.True(store.EstimatedBytes > 2 * payload.Length);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task ClaimAsync_NewRecordLargerThanMaxBytes_ThrowsStoreFull()
    {
        using var store = Create(new InMemoryStoreOptions { MaxBytes = InMemoryIdempotencyStore.RecordOverheadBytes, SweepInterval = TimeSpan.Zero });

        var exception = await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::a"));

        Assert.Equal(IdempotencyStoreLimit.Bytes, exception.Limit);
        Assert.Equal((0, 0L), (store.Count, store.EstimatedBytes));
    }

    [Fact]
    public async Task ClaimAsync_AtMaxRecordsWithExpiredRecords_PurgesThemToMakeRoom()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 3, SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::short-1", ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        Assert.True((await ClaimAsync(store, "idem:test:op::short-2", ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        Assert.True((await ClaimAsync(store, "idem:test:op::long")).IsAcquired);
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.True((await ClaimAsync(store, "idem:test:op::new-1")).IsAcquired);
        Assert.True((await ClaimAsync(store, "idem:test:op::new-2")).IsAcquired);

        Assert.Equal(3, store.Count);
        await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::new-3"));
        Assert.NotNull(await store.GetAsync("idem:test:op::long", _clock.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task ClaimAsync_AtMaxBytesWithExpiredRecords_EvictsThemToMakeRoom()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 100, MaxBytes = 20_000, SweepInterval = TimeSpan.Zero });
        var now = _clock.GetUtcNow();
        Assert.True((await ClaimAsync(store, "idem:test:op::short", "ts", ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        Assert.True(await store.CompleteAsync("idem:test:op::short", "ts", new byte[10_000], now, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.True((await ClaimAsync(store, "idem:test:op::long", "tl")).IsAcquired);
        Assert.True(await store.CompleteAsync("idem:test:op::long", "tl", new byte[9_000], now, Ttl, CancellationToken.None));
        await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::new"));

        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True((await ClaimAsync(store, "idem:test:op::new")).IsAcquired);
        Assert.Equal(2, store.Count);
        Assert.Null(await store.GetAsync("idem:test:op::short", now, CancellationToken.None));
        Assert.Equal(9_000, (await store.GetAsync("idem:test:op::long", _clock.GetUtcNow(), CancellationToken.None))!.Payload.Length);
    }

    [Fact]
    public async Task ClaimAsync_FullStore_SweepsForRoomAtMostOnceASecond()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 2, SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::a", ttl: TimeSpan.FromSeconds(10))).IsAcquired);
        Assert.True((await ClaimAsync(store, "idem:test:op::b", ttl: TimeSpan.FromSeconds(10.5))).IsAcquired);

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await ClaimAsync(store, "idem:test:op::c")).IsAcquired); // sweeps: a has expired

        _clock.Advance(TimeSpan.FromSeconds(0.6));
        await Assert.ThrowsAsync<IdempotencyStoreFullException>(async () => await ClaimAsync(store, "idem:test:op::d")); // b has expired, but the last sweep was 0.6 s ago
        Assert.Equal(2, store.Count);

        _clock.Advance(TimeSpan.FromSeconds(0.4));
        Assert.True((await ClaimAsync(store, "idem:test:op::d")).IsAcquired);
        Assert.Null(await store.GetAsync("idem:test:op::b", _clock.GetUtcNow() - TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task ClaimAsync_ExpiredKeyAtMaxRecords_ReclaimsInPlace()
    {
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 1, SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::only", ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True((await ClaimAsync(store, "idem:test:op::only")).IsAcquired);

        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentNewKeysBeyondMaxRecords_AcquiresExactlyMax()
    {
        const int Max = 100;
        const int Claims = 400;
        using var store = Create(new InMemoryStoreOptions { MaxRecords = Max, SweepInterval = TimeSpan.Zero });
        var acquired = 0;
        var refused = 0;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var tasks = Enumerable.Range(0, Claims).Select(i => Task.Run(async () =>
        {
            await go.Task;
            try
            {
                if ((await ClaimAsync(store, $"idem:test:op::{i}")).IsAcquired)
                {
                    Interlocked.Increment(ref acquired);
                }
            }
            catch (IdempotencyStoreUnavailableException)
            {
                Interlocked.Increment(ref refused);
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(tasks);

        Assert.Equal(Max, acquired);
        Assert.Equal(Claims - Max, refused);
        Assert.Equal(Max, store.Count);
    }

    [Theory]
    [InlineData(IdempotencyStoreLimit.Records)]
    [InlineData(IdempotencyStoreLimit.Bytes)]
    public async Task ClaimAsync_ConcurrentNewKeysOnThreads_NeverPassTheBounds(IdempotencyStoreLimit binding)
    {
        // Keys of different lengths, so records differ in size; the other limit is far away.
        const int Threads = 4;
        const int ClaimsPerThread = 2_000;
        static string Key(int thread, int i) => $"idem:test:op::{thread}-{new string('k', i % 50)}-{i}";
        const string Token = "0123456789abcdef0123456789abcdef";
        var options = binding == IdempotencyStoreLimit.Records
            ? new InMemoryStoreOptions { MaxRecords = 1_000, SweepInterval = TimeSpan.Zero }
            : new InMemoryStoreOptions { MaxBytes = 400_000, SweepInterval = TimeSpan.Zero };
        using var store = Create(options);
        var acquired = new System.Collections.Concurrent.ConcurrentBag<string>();
        var refused = 0;
        var wrongLimit = 0;
        var passed = 0;
        var done = 0;
        using var barrier = new Barrier(Threads + 1);

        var sampler = Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait();
            while (Volatile.Read(ref done) == 0)
            {
                if (store.Count > options.MaxRecords || store.EstimatedBytes > options.MaxBytes)
                {
                    Interlocked.Increment(ref passed);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var claimers = Enumerable.Range(0, Threads).Select(thread => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait();
            for (var i = 0; i < ClaimsPerThread; i++)
            {
                var key = Key(thread, i);
                try
                {
                    var request = new IdempotencyClaimRequest(key, Token, "fp", _clock.GetUtcNow(), Lease, Ttl);
                    if (store.ClaimAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult().IsAcquired)
                    {
                        acquired.Add(key);
                    }
                }
                catch (IdempotencyStoreFullException exception)
                {
                    Interlocked.Increment(ref refused);
                    if (exception.Limit != binding)
                    {
                        Interlocked.Increment(ref wrongLimit);
                    }
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(claimers);
        Volatile.Write(ref done, 1);
        await sampler;

        var expectedBytes = acquired.Sum(key => (long)InMemoryIdempotencyStore.RecordOverheadBytes + (2 * (key.Length + Token.Length + 2)));
        Assert.Equal((0, 0), (passed, wrongLimit));
        Assert.Equal(Threads * ClaimsPerThread, acquired.Count + refused);
        Assert.True(refused > 0);
        Assert.Equal(acquired.Count, store.Count);
        Assert.Equal(expectedBytes, store.EstimatedBytes);
        Assert.True(expectedBytes <= options.MaxBytes);
        foreach (var key in acquired)
        {
            Assert.NotNull(await store.GetAsync(key, _clock.GetUtcNow(), CancellationToken.None));
        }

        if (binding == IdempotencyStoreLimit.Records)
        {
            Assert.Equal(options.MaxRecords, store.Count);
        }
        else
        {
            // Full: the room left is less than the largest record of this test (a refusal left less, and nothing was removed).
            var largest = Enumerable.Range(0, Threads).SelectMany(thread => Enumerable.Range(0, ClaimsPerThread).Select(i => Key(thread, i).Length)).Max();
            Assert.True(store.EstimatedBytes > options.MaxBytes - (InMemoryIdempotencyStore.RecordOverheadBytes + (2 * (largest + Token.Length + 2))));
        }
    }

    [Fact]
    public async Task ClaimAsync_Replay_AllocatesNothing()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::replayed", "owner")).IsAcquired);
        Assert.True(await store.CompleteAsync("idem:test:op::replayed", "owner", new byte[] { 1, 2, 3 }, _clock.GetUtcNow(), Ttl, CancellationToken.None));
        var request = new IdempotencyClaimRequest("idem:test:op::replayed", "another-owner", "fp", _clock.GetUtcNow(), Lease, Ttl);
        Assert.Equal(1_000, Replays(store, request, 1_000)); // warm-up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var replays = Replays(store, request, 1_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((1_000, 0L), (replays, allocated));

        static int Replays(InMemoryIdempotencyStore store, IdempotencyClaimRequest request, int times)
        {
            var replays = 0;
            for (var i = 0; i < times; i++)
            {
                var claim = store.ClaimAsync(request, CancellationToken.None);
                if (claim.IsCompletedSuccessfully && claim.Result.Existing is not null)
                {
                    replays++;
                }
            }

            return replays;
        }
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentOnOneNewKeyAtLastFreeSlot_OneAcquiresOthersSeeIt()
    {
        // One slot is free: claims racing on one new key need that one slot between them, so none may be refused as
        // "full". The race window is short, so it is run for many rounds, each on a fresh key, on dedicated threads
        // released together by a barrier.
        const int Rounds = 1_500;
        const int Contenders = 4;
        using var store = Create(new InMemoryStoreOptions { MaxRecords = 2, SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::held")).IsAcquired);
        var acquired = 0;
        var existing = 0;
        var refused = 0;

        for (var round = 0; round < Rounds; round++)
        {
            var key = $"idem:test:op::contended-{round}";
            using var barrier = new Barrier(Contenders);
            var threads = Enumerable.Range(0, Contenders).Select(i => Task.Factory.StartNew(() =>
            {
                barrier.SignalAndWait();
                try
                {
                    var result = ClaimAsync(store, key, $"token-{i}").AsTask().GetAwaiter().GetResult();
                    Interlocked.Increment(ref result.IsAcquired ? ref acquired : ref existing);
                }
                catch (IdempotencyStoreUnavailableException)
                {
                    Interlocked.Increment(ref refused);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            await Task.WhenAll(threads);
            Assert.True(await store.DeleteAsync(key, CancellationToken.None));
        }

        Assert.Equal((Rounds, Rounds * (Contenders - 1), 0), (acquired, existing, refused));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task Sweep_AfterSweepInterval_RemovesExpiredRecords()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.FromMinutes(1) });
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await ClaimAsync(store, $"idem:test:op::short-{i}", ttl: TimeSpan.FromSeconds(30))).IsAcquired);
        }

        Assert.True((await ClaimAsync(store, "idem:test:op::long-1")).IsAcquired);
        Assert.True((await ClaimAsync(store, "idem:test:op::long-2")).IsAcquired);
        Assert.Equal(7, store.Count);

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(7, store.Count);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, store.Count);
        Assert.NotNull(await store.GetAsync("idem:test:op::long-1", _clock.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task Sweep_SweepBatchSize_BoundsEachSweep()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.FromMinutes(1), SweepBatchSize = 2 });
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await ClaimAsync(store, $"idem:test:op::{i}", ttl: TimeSpan.FromSeconds(30))).IsAcquired);
        }

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, store.Count);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, store.Count);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Sweep_Disabled_KeepsExpiredRecordsUntilPurged()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero });
        Assert.True((await ClaimAsync(store, "idem:test:op::a", ttl: TimeSpan.FromSeconds(30))).IsAcquired);

        _clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, store.Count);
        Assert.Null(await store.GetAsync("idem:test:op::a", _clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(1, await store.PurgeExpiredAsync(_clock.GetUtcNow(), 10, CancellationToken.None));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Dispose_StopsTheSweep()
    {
        var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.FromMinutes(1) });
        Assert.True((await ClaimAsync(store, "idem:test:op::a", ttl: TimeSpan.FromSeconds(30))).IsAcquired);

        store.Dispose();
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task PurgeAsync_BatchSize_RemovesExactlyThatManyExpiredRecords()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero });
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await ClaimAsync(store, $"idem:test:op::expired-{i}", ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        }

        Assert.True((await ClaimAsync(store, "idem:test:op::live")).IsAcquired);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var now = _clock.GetUtcNow();

        Assert.Equal(2, await store.PurgeExpiredAsync(now, 2, CancellationToken.None));
        Assert.Equal(2, await store.PurgeExpiredAsync(now, 2, CancellationToken.None));
        Assert.Equal(1, await store.PurgeExpiredAsync(now, 2, CancellationToken.None));
        Assert.Equal(0, await store.PurgeExpiredAsync(now, 2, CancellationToken.None));

        Assert.Equal(1, store.Count);
        for (var i = 0; i < 5; i++)
        {
            // Read at a time before expiry: a purged record is physically gone, not just filtered out.
            Assert.Null(await store.GetAsync($"idem:test:op::expired-{i}", now - TimeSpan.FromMinutes(2), CancellationToken.None));
        }
    }

    [Fact]
    public async Task CountByStatusAsync_MixedRecords_CountsLiveRecordsByStatus()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero });
        var now = _clock.GetUtcNow();
        Assert.True((await ClaimAsync(store, "idem:test:op::running")).IsAcquired);
        Assert.True((await ClaimAsync(store, "idem:test:op::done", "t-done")).IsAcquired);
        Assert.True(await store.CompleteAsync("idem:test:op::done", "t-done", new byte[] { 1 }, now, Ttl, CancellationToken.None));
        Assert.True((await ClaimAsync(store, "idem:test:op::failed", "t-failed")).IsAcquired);
        Assert.True(await store.FailAsync("idem:test:op::failed", "t-failed", new byte[] { 2 }, false, now, Ttl, CancellationToken.None));
        Assert.True((await ClaimAsync(store, "idem:test:op::expired", ttl: TimeSpan.FromSeconds(1))).IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var counts = await store.CountByStatusAsync(_clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal(1, counts[IdempotencyRecordStatus.InProgress]);
        Assert.Equal(1, counts[IdempotencyRecordStatus.Completed]);
        Assert.Equal(1, counts[IdempotencyRecordStatus.Failed]);
        Assert.Equal(4, store.Count);
    }

    [Fact]
    public async Task Count_ConcurrentClaimsOnOneKey_IsOne()
    {
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero });
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acquired = 0;

        var tasks = Enumerable.Range(0, 256).Select(i => Task.Run(async () =>
        {
            await go.Task;
            if ((await ClaimAsync(store, "idem:test:op::one", $"token-{i}")).IsAcquired)
            {
                Interlocked.Increment(ref acquired);
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(tasks);

        Assert.Equal(1, acquired);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task Count_ConcurrentMixedOperations_MatchesRecordsHeld()
    {
        const int Keys = 32;
        const int Workers = 8;
        const int OperationsPerWorker = 2_000;
        using var store = Create(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero });
        var now = _clock.GetUtcNow();
        var keys = Enumerable.Range(0, Keys).Select(i => $"idem:test:op::{i}").ToArray();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            await go.Task;
            var random = new Random(worker);
            for (var n = 0; n < OperationsPerWorker; n++)
            {
                var key = keys[random.Next(Keys)];
                var token = $"w{worker}-{n}";
                switch (random.Next(5))
                {
                    case 0:
                    case 1:
                        // A very short lease so claims keep taking keys over from each other.
                        var claim = await store.ClaimAsync(new IdempotencyClaimRequest(key, token, "fp", now + TimeSpan.FromMilliseconds(n), TimeSpan.FromMilliseconds(1), Ttl), CancellationToken.None);
                        if (claim.IsAcquired && random.Next(2) == 0)
                        {
                            await store.ReleaseAsync(key, token, CancellationToken.None);
                        }

                        break;
                    case 2:
                        var owner = await store.GetAsync(key, now, CancellationToken.None);
                        if (owner is not null)
                        {
                            await store.CompleteAsync(key, owner.OwnerToken, new byte[] { 1 }, now, Ttl, CancellationToken.None);
                        }

                        break;
                    case 3:
                        await store.DeleteAsync(key, CancellationToken.None);
                        break;
                    default:
                        var held = await store.GetAsync(key, now, CancellationToken.None);
                        if (held is not null)
                        {
                            await store.ReleaseAsync(key, held.OwnerToken, CancellationToken.None);
                        }

                        break;
                }
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(workers);

        var held = 0;
        foreach (var key in keys)
        {
            if (await store.GetAsync(key, now, CancellationToken.None) is not null)
            {
                held++;
            }
        }

        Assert.Equal(held, store.Count);
        Assert.Equal(held, await store.PurgeExpiredAsync(now + TimeSpan.FromDays(1), int.MaxValue, CancellationToken.None));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void ConformanceKeys_Longest_IsTheCoreStoreKeyMaxLength()
    {
        Assert.Equal(StoreKey.MaxLength, ConformanceKeys.MaxLength);
        Assert.Equal(StoreKey.MaxLength, ConformanceKeys.Longest().Length);
        var engineKey = StoreKey.Create(new string('p', 100), new string('s', 100), new string('o', 100), "tenant-1", "client key");
        Assert.Equal(StoreKey.MaxLength, engineKey.Length);
    }

    private InMemoryIdempotencyStore Create(InMemoryStoreOptions options) => new(options, _clock);

    private ValueTask<IdempotencyClaimResult> ClaimAsync(InMemoryIdempotencyStore store, string key, string? token = null, TimeSpan? ttl = null) =>
        store.ClaimAsync(new IdempotencyClaimRequest(key, token ?? Guid.NewGuid().ToString("N"), "fp", _clock.GetUtcNow(), Lease, ttl ?? Ttl), CancellationToken.None);
}
