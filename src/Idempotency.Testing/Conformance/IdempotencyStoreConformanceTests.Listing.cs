using Xunit;

namespace Idempotency.Testing;

// list(status, now, limit, continuation) and count by status: what operators see (IIdempotencyStoreListing, IIdempotencyStoreStatistics).
public abstract partial class IdempotencyStoreConformanceTests
{
    private static long _eras;

    /// <summary>
    /// Gets a value indicating whether the store lists newest first across pages (an index on the creation time), not
    /// only within each page (a scan: Redis <c>SCAN</c>, DynamoDB <c>Scan</c>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>; scan-order stores override it.</value>
    protected virtual bool ListsNewestFirstAcrossPages => true;

    /// <summary>
    /// Paging through the store with a small page visits every live record exactly once, as <see cref="IIdempotencyStore.GetAsync"/>
    /// reads it; each page holds at most the limit, newest first (across pages too, for stores that claim it), and the
    /// last page has no continuation.
    /// </summary>
    /// <param name="limit">The page size.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public async Task ListAsync_PagesThroughRecords_VisitsEachLiveRecordOnce(int limit)
    {
        var service = await MoveToOwnEraAsync();
        await using var scope = await OpenAsync();
        if (scope.Store is not IIdempotencyStoreListing listing)
        {
            return;
        }

        var keys = await WriteMixedRecordsAsync(scope.Store, service);

        var listed = await ListAllAsync(listing, null, limit);

        var mine = listed.Where(r => r.Key.Contains(service, StringComparison.Ordinal)).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), mine.Select(r => r.Key).Order(StringComparer.Ordinal));
        foreach (var record in mine)
        {
            RecordAssert.Matches((await GetAsync(scope.Store, record.Key))!, record);
        }

        if (ListsNewestFirstAcrossPages)
        {
            AssertNewestFirst(listed);
        }
    }

    /// <summary>
    /// Records written and deleted while an operator pages: every record live from the first page to the last is
    /// listed (exactly once where the store lists newest first across pages), one deleted before the first page never
    /// is, and paging ends. Records written or deleted meanwhile may or may not be listed.
    /// </summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ListAsync_RecordsWrittenAndDeletedWhilePaging_ListsEveryRecordLiveThroughout()
    {
        var service = await MoveToOwnEraAsync();
        await using var scope = await OpenAsync();
        if (scope.Store is not IIdempotencyStoreListing listing)
        {
            return;
        }

        var keys = await WriteMixedRecordsAsync(scope.Store, service);
        Assert.True(await scope.Store.DeleteAsync(keys[0], CancellationToken.None));
        var listed = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            Assert.True(++pages < 100_000, "ListAsync kept returning continuations while records were written.");
            var page = await listing.ListAsync(null, Clock.GetUtcNow(), 2, continuation, CancellationToken.None);
            listed.AddRange(page.Records.Select(r => r.Key).Where(k => k.Contains(service, StringComparison.Ordinal)));
            continuation = page.Continuation;

            // Between the first pages: one record of the set goes (listed already or not), and new ones arrive.
            if (pages == 1)
            {
                Assert.True(await scope.Store.DeleteAsync(keys[1], CancellationToken.None));
            }

            if (pages <= 5)
            {
                Assert.True((await ClaimAsync(scope.Store, ConformanceKeys.Create("listing-new", service: service), NewToken())).IsAcquired);
                await AdvanceAsync(OneMillisecond);
            }
        }
        while (continuation is not null);

        Assert.Empty(keys[2..].Except(listed, StringComparer.Ordinal));
        Assert.DoesNotContain(keys[0], listed);
        if (ListsNewestFirstAcrossPages)
        {
            Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        }
    }

    /// <summary>A status filter lists the records of that status only, all of them.</summary>
    /// <param name="status">The status asked for.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData(IdempotencyRecordStatus.InProgress)]
    [InlineData(IdempotencyRecordStatus.Completed)]
    [InlineData(IdempotencyRecordStatus.Failed)]
    public async Task ListAsync_StatusFilter_ListsThatStatusOnly(IdempotencyRecordStatus status)
    {
        var service = await MoveToOwnEraAsync();
        await using var scope = await OpenAsync();
        if (scope.Store is not IIdempotencyStoreListing listing)
        {
            return;
        }

        var keys = await WriteMixedRecordsAsync(scope.Store, service);
        var expected = new List<string>();
        foreach (var key in keys)
        {
            if ((await GetAsync(scope.Store, key))!.Status == status)
            {
                expected.Add(key);
            }
        }

        var listed = await ListAllAsync(listing, status, limit: 2);

        Assert.All(listed, r => Assert.Equal(status, r.Status));
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Select(r => r.Key).Where(k => k.Contains(service, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    /// <summary>Records expired at the caller's <c>now</c> are left out, even while the store still holds them (not yet purged).</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ListAsync_ExpiredRecords_AreLeftOut()
    {
        var service = await MoveToOwnEraAsync();
        await using var scope = await OpenAsync();
        if (scope.Store is not IIdempotencyStoreListing listing)
        {
            return;
        }

        var store = scope.Store;
        var shortLived = ConformanceKeys.Create(nameof(ListAsync_ExpiredRecords_AreLeftOut), service: service);
        var token = NewToken();
        Assert.True((await ClaimAsync(store, shortLived, token, ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        Assert.True(await CompleteAsync(store, shortLived, token, Bytes("result"), TimeSpan.FromMinutes(1)));
        var longLived = ConformanceKeys.Create(nameof(ListAsync_ExpiredRecords_AreLeftOut), service: service);
        Assert.True((await ClaimAsync(store, longLived, NewToken())).IsAcquired);
        await AdvanceAsync(TimeSpan.FromMinutes(2));

        var listed = await ListAllAsync(listing, null, limit: 1000);

        Assert.Equal([longLived], listed.Select(r => r.Key).Where(k => k.Contains(service, StringComparison.Ordinal)));
    }

    /// <summary>A continuation the store did not write is refused with <see cref="ArgumentException"/>, never read as "from the start".</summary>
    /// <param name="continuation">The bad continuation.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("")]
    [InlineData("not a continuation")]
    [InlineData("n1.@@@")]
    [InlineData("eyJ4IjoxfQ")]
    public async Task ListAsync_ContinuationNotFromTheStore_ThrowsArgumentException(string continuation)
    {
        await using var scope = await OpenAsync();
        if (scope.Store is not IIdempotencyStoreListing listing)
        {
            return;
        }

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await listing.ListAsync(null, Clock.GetUtcNow(), 10, continuation, CancellationToken.None));
    }

    /// <summary>A page size outside 1 to 1000 is refused.</summary>
    /// <param name="limit">The bad page size.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task ListAsync_LimitOutOfRange_ThrowsArgumentOutOfRange(int limit)
    {
        await using var scope = await OpenAsync();
        if (scope.Store is not IIdempotencyStoreListing listing)
        {
            return;
        }

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await listing.ListAsync(null, Clock.GetUtcNow(), limit, null, CancellationToken.None));
    }

    /// <summary>Counting by status counts the live records of each status (zero counts included), not the expired ones.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task CountByStatusAsync_MixedRecords_CountsLiveRecordsByStatus()
    {
        var service = await MoveToOwnEraAsync();
        await using var scope = await OpenAsync();
        if (scope.Store is not IIdempotencyStoreStatistics statistics)
        {
            return;
        }

        var before = await statistics.CountByStatusAsync(Clock.GetUtcNow(), CancellationToken.None);
        var expired = ConformanceKeys.Create(nameof(CountByStatusAsync_MixedRecords_CountsLiveRecordsByStatus), service: service);
        Assert.True((await ClaimAsync(scope.Store, expired, NewToken(), ttl: TimeSpan.FromMinutes(1))).IsAcquired);
        await AdvanceAsync(TimeSpan.FromMinutes(2));
        await WriteMixedRecordsAsync(scope.Store, service);

        var counts = await statistics.CountByStatusAsync(Clock.GetUtcNow(), CancellationToken.None);

        // Other tests' records are long expired in this era: every count is this test's (the first count is zero).
        Assert.Equal([0L, 0L, 0L], [before[IdempotencyRecordStatus.InProgress], before[IdempotencyRecordStatus.Completed], before[IdempotencyRecordStatus.Failed]]);
        Assert.Equal(3, counts[IdempotencyRecordStatus.InProgress]);
        Assert.Equal(2, counts[IdempotencyRecordStatus.Completed]);
        Assert.Equal(2, counts[IdempotencyRecordStatus.Failed]);
    }

    // Moves the clock to an era of this test's own, where the records of every other test sharing the server have
    // expired: a century ahead, plus a day more for each era opened in this process, so no earlier test's records
    // (created at its own era, living an hour) are live here, not even those "from the future" of a random jump.
    // Returns a service name that marks this test's keys. Called before the store is created, so a store's own timers
    // (the in-memory sweep) do not fire for every period of the century.
    private async ValueTask<string> MoveToOwnEraAsync()
    {
        var era = Interlocked.Increment(ref _eras);
        await AdvanceAsync(TimeSpan.FromDays(36_525 + era));
        return "list" + Guid.NewGuid().ToString("N")[..16];
    }

    // Seven records: 3 in progress (one whose lease ended), 2 completed, 2 failed; created over four milliseconds, with
    // ties, so the order by creation time needs the key as tie-breaker.
    private async ValueTask<List<string>> WriteMixedRecordsAsync(IIdempotencyStore store, string service)
    {
        var keys = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var key = ConformanceKeys.Create("listing", service: service);
            var token = NewToken();
            Assert.True((await ClaimAsync(store, key, token, lease: i == 2 ? TimeSpan.FromMilliseconds(1) : null)).IsAcquired);
            switch (i)
            {
                case 3 or 4:
                    Assert.True(await CompleteAsync(store, key, token, Bytes("result " + i)));
                    break;
                case 5 or 6:
                    Assert.True(await FailAsync(store, key, token, Bytes("error " + i), retryable: i == 6));
                    break;
            }

            keys.Add(key);
            if (i % 2 == 1)
            {
                await AdvanceAsync(OneMillisecond);
            }
        }

        return keys;
    }

    private async ValueTask<List<IdempotencyRecord>> ListAllAsync(IIdempotencyStoreListing listing, IdempotencyRecordStatus? status, int limit)
    {
        var listed = new List<IdempotencyRecord>();
        string? continuation = null;
        var pages = 0;
        do
        {
            Assert.True(++pages < 100_000, "ListAsync kept returning continuations.");
            var page = await listing.ListAsync(status, Clock.GetUtcNow(), limit, continuation, CancellationToken.None);
            Assert.InRange(page.Records.Count, 0, limit);
            AssertNewestFirst(page.Records);
            listed.AddRange(page.Records);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return listed;
    }

    // By creation time, then store key (ordinal), both descending; compared at millisecond precision, like every time.
    private static void AssertNewestFirst(IReadOnlyList<IdempotencyRecord> records)
    {
        for (var i = 1; i < records.Count; i++)
        {
            var previous = records[i - 1];
            var current = records[i];
            var order = previous.CreatedAt.ToUnixTimeMilliseconds().CompareTo(current.CreatedAt.ToUnixTimeMilliseconds());
            Assert.True(
                order > 0 || (order == 0 && string.CompareOrdinal(previous.Key, current.Key) > 0),
                $"Not newest first: {previous.Key} ({previous.CreatedAt:O}) before {current.Key} ({current.CreatedAt:O}).");
        }
    }
}
