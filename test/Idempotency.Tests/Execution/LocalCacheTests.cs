using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §3.12: an optional bounded in-process cache of completed records: never in-progress ones, fingerprints still checked.
public sealed class LocalCacheTests
{
    [Fact]
    public async Task ExecuteAsync_CachedKeyWithOtherFingerprint_ThrowsKeyReusedWithoutStoreCall()
    {
        using var harness = new EngineHarness(o => o.LocalCacheMaxEntries = 10);
        var runs = 0;
        await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-a" }, () => Interlocked.Increment(ref runs));
        harness.Calls.Reset();

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-b" }, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(1, runs);
        Assert.Equal(0, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_KeyInProgress_IsNotCachedAndLaterCompletionIsServed()
    {
        using var harness = new EngineHarness(o => o.LocalCacheMaxEntries = 10);
        var request = new IdempotencyRequest("orders", "k1");
        await using var first = await BlockedRun.StartAsync(harness, request, 5);

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(request, () => 6).AsTask());
        }

        // Each in-progress answer came from the store: nothing in progress was cached.
        Assert.Equal(4, harness.Calls.Count(IdempotencyStoreOperation.Claim));
        first.Release();
        await first.Task.WithinLimit();
        harness.Calls.Reset();
        var replay = await harness.RunAsync(request, () => 6);
        Assert.Equal(5, replay.Value);
        Assert.Equal(0, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_ReplayFromStore_IsCachedForTheNextReplay()
    {
        // Two engines share the store: the second learns the record from the store once, then answers from its cache.
        using var harness = new EngineHarness(o => o.LocalCacheMaxEntries = 10);
        var other = IdempotencyExecutor.Create(new IdempotencyOptions(), harness.Calls, harness.Clock);
        await other.ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult(7), CancellationToken.None);
        harness.Calls.Reset();

        var fromStore = await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => 8);
        var fromCache = await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => 8);

        Assert.Equal(7, fromStore.Value);
        Assert.Equal(7, fromCache.Value);
        Assert.Equal(1, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_FailedRecord_IsNotCachedSoOperatorDeleteTakesEffect()
    {
        using var harness = new EngineHarness(o =>
        {
            o.LocalCacheMaxEntries = 10;
            o.DefaultPolicy.RememberFailure = _ => true;
        });
        var request = new IdempotencyRequest("orders", "k1");
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(request, () => throw new InvalidOperationException("x")).AsTask());
        await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => harness.RunAsync(request, () => 1).AsTask());

        await harness.Administrator.DeleteAsync("orders", "k1", null, CancellationToken.None);
        var rerun = await harness.RunAsync(request, () => 2);

        Assert.Equal(IdempotencyOutcome.Executed, rerun.Outcome);
        Assert.Equal(2, rerun.Value);
    }

    [Fact]
    public async Task ExecuteAsync_CachedRecordPastItsTtl_GoesBackToTheStore()
    {
        using var harness = new EngineHarness(o =>
        {
            o.LocalCacheMaxEntries = 10;
            o.DefaultPolicy.Ttl = TimeSpan.FromMinutes(10);
        });
        var runs = 0;
        var request = new IdempotencyRequest("orders", "k1");
        await harness.RunAsync(request, () => Interlocked.Increment(ref runs));

        harness.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        harness.Calls.Reset();
        var cached = await harness.RunAsync(request, () => Interlocked.Increment(ref runs));
        Assert.Equal(0, harness.Calls.TotalCount);

        harness.Clock.Advance(TimeSpan.FromTicks(1));
        var rerun = await harness.RunAsync(request, () => Interlocked.Increment(ref runs));

        Assert.True(cached.IsReplayed);
        Assert.Equal(IdempotencyOutcome.Executed, rerun.Outcome);
        Assert.Equal(2, runs);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Claim));
    }

    [Fact]
    public async Task ExecuteAsync_MoreKeysThanEntries_CacheStaysBounded()
    {
        const int MaxEntries = 4;
        using var harness = new EngineHarness(o => o.LocalCacheMaxEntries = MaxEntries);
        for (var i = 0; i < 20; i++)
        {
            await harness.RunAsync(new IdempotencyRequest("orders", $"k{i}"), () => i);
        }

        harness.Calls.Reset();
        var runs = 0;
        for (var i = 0; i < 20; i++)
        {
            var replay = await harness.RunAsync(new IdempotencyRequest("orders", $"k{i}"), () => Interlocked.Increment(ref runs));
            Assert.Equal(i, replay.Value);
        }

        Assert.Equal(0, runs);
        // At most MaxEntries keys can be answered from the cache at any time; the rest needed the store.
        Assert.True(harness.Calls.Count(IdempotencyStoreOperation.Claim) >= 20 - MaxEntries, harness.Calls.ToString());
    }

    [Fact]
    public async Task ExecuteAsync_PolicyOptsOutOfCache_AlwaysAsksTheStore()
    {
        using var harness = new EngineHarness(o =>
        {
            o.LocalCacheMaxEntries = 10;
            o.AddPolicy("no-cache", p => p.UseLocalCache = false);
        });
        var request = new IdempotencyRequest("orders", "k1") { Policy = "no-cache" };
        await harness.RunAsync(request, () => 1);
        harness.Calls.Reset();

        await harness.RunAsync(request, () => 1);
        await harness.RunAsync(request, () => 1);

        Assert.Equal(2, harness.Calls.Count(IdempotencyStoreOperation.Claim));
    }

    [Fact]
    public async Task ExecuteAsync_ScopesShareNoCacheEntry()
    {
        using var harness = new EngineHarness(o => o.LocalCacheMaxEntries = 10);
        var runs = 0;

        await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Scope = "tenant-a" }, () => Interlocked.Increment(ref runs));
        var other = await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Scope = "tenant-b" }, () => Interlocked.Increment(ref runs));

        Assert.Equal(IdempotencyOutcome.Executed, other.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Set_ConcurrentWritersOfDistinctKeys_NeverExceedMaxEntries()
    {
        const int MaxEntries = 16;
        var cache = new LocalRecordCache(MaxEntries, IdempotencyDefaults.LocalCacheMaxBytes);
        var now = DateTimeOffset.UnixEpoch;

        var observedMax = await PeakWhileAsync(() => cache.Count, () =>
            Parallel.For(0, 50_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => cache.Set(Completed($"key-{i}", now))));

        Assert.True(cache.Count <= MaxEntries, $"The cache holds {cache.Count} entries, more than {MaxEntries}.");
        Assert.True(observedMax <= MaxEntries, $"The cache held {observedMax} entries at one point, more than {MaxEntries}.");
    }

    [Fact]
    public void Set_InProgressOrFailedRecord_IsIgnored()
    {
        var cache = new LocalRecordCache(4, IdempotencyDefaults.LocalCacheMaxBytes);
        var now = DateTimeOffset.UnixEpoch;

        cache.Set(Completed("a", now, IdempotencyRecordStatus.InProgress));
        cache.Set(Completed("b", now, IdempotencyRecordStatus.Failed));

        Assert.Equal(0, cache.Count);
        Assert.Null(cache.TryGet("a", now));
    }

    [Fact]
    public void Set_RecordsBeyondTheByteBudget_EvictsToStayWithinIt()
    {
        const long MaxBytes = 64 * 1024;
        var cache = new LocalRecordCache(1000, MaxBytes);
        var now = DateTimeOffset.UnixEpoch;

        for (var i = 0; i < 100; i++)
        {
            cache.Set(Completed($"key-{i}", now, payloadBytes: 3000));
            Assert.True(cache.Bytes <= MaxBytes, $"The cache holds {cache.Bytes} bytes, more than {MaxBytes}.");
        }

        // Room for about 20 such records: far fewer than the entry bound, and the latest one is always kept.
        Assert.InRange(cache.Count, 15, 21);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => cache.TryGet($"key-{i}", now)).OfType<IdempotencyRecord>().Sum(LocalRecordCache.SizeOf), cache.Bytes);
        Assert.NotNull(cache.TryGet("key-99", now));
    }

    [Fact]
    public void Set_RecordLargerThanItsShareOfTheBudget_IsNotCachedAndDropsTheOlderOne()
    {
        const long MaxBytes = 64 * 1024;
        var cache = new LocalRecordCache(1000, MaxBytes);
        var now = DateTimeOffset.UnixEpoch;
        var largest = (int)(MaxBytes / LocalRecordCache.LargestEntryShare) - (int)LocalRecordCache.SizeOf(Completed("k", now));

        cache.Set(Completed("k", now, payloadBytes: largest));
        Assert.NotNull(cache.TryGet("k", now));

        cache.Set(Completed("k", now, payloadBytes: largest + 1));

        Assert.Null(cache.TryGet("k", now));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public async Task Set_ConcurrentWritersOfLargeRecords_NeverExceedMaxBytes()
    {
        const long MaxBytes = 256 * 1024;
        var cache = new LocalRecordCache(1000, MaxBytes);
        var now = DateTimeOffset.UnixEpoch;

        var observedMax = await PeakWhileAsync(() => cache.Bytes, () => Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            cache.Set(Completed($"key-{i % 500}", now, payloadBytes: 1000 + (i % 7 * 1000)));
            cache.TryGet($"key-{(i * 7) % 500}", now);
        }));

        Assert.True(observedMax <= MaxBytes, $"The cache held {observedMax} bytes at one point, more than {MaxBytes}.");
        Assert.Equal(cache.Bytes, Enumerable.Range(0, 500).Select(i => cache.TryGet($"key-{i}", now)).OfType<IdempotencyRecord>().Sum(LocalRecordCache.SizeOf));
    }

    [Fact]
    public async Task ExecuteAsync_ResultAboveTheLargestCachedSize_ReplaysFromTheStore()
    {
        using var harness = new EngineHarness(o =>
        {
            o.LocalCacheMaxEntries = 10;
            o.LocalCacheMaxBytes = 32 * 1024; // records above 2 KiB are not cached
            o.CompressionThreshold = 0; // the cache holds what the store holds: sized here by the result itself
        });
        var large = new IdempotencyRequest("orders", "large");
        var small = new IdempotencyRequest("orders", "small");
        await harness.RunAsync(large, () => new string('x', 4096));
        await harness.RunAsync(small, () => "x");
        harness.Calls.Reset();

        Assert.True((await harness.RunAsync(large, () => "again")).IsReplayed);
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Claim));
        Assert.True((await harness.RunAsync(small, () => "again")).IsReplayed);
        Assert.Equal(1, harness.Calls.TotalCount);
    }

    // The largest value sample() returned, read in a loop on another thread, while work ran.
    private static async Task<long> PeakWhileAsync(Func<long> sample, Action work)
    {
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var observer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, sample());
            }
        });

        work();
        await stop.CancelAsync();
        await observer;
        return peak;
    }

    private static IdempotencyRecord Completed(string key, DateTimeOffset now, IdempotencyRecordStatus status = IdempotencyRecordStatus.Completed, int payloadBytes = 0) => new()
    {
        Key = key,
        Status = status,
        OwnerToken = "o",
        Fingerprint = string.Empty,
        CreatedAt = now,
        LeaseExpiresAt = now,
        ExpiresAt = now + TimeSpan.FromHours(1),
        Payload = new byte[payloadBytes],
    };
}
