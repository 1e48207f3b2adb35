using Xunit;

namespace Idempotency.Testing;

// Taking over a record that no longer holds the key for its owner (lease ended, retryable failure) is a retry of the
// same request: only a claim with the record's fingerprint may do it. A key reused with another fingerprint is never a
// new execution, so until the record expires that claim gets the record back, and the engine answers key reused.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>
    /// After the owner's lease ended, or after a retryable failure, only a claim with the record's fingerprint takes the
    /// key; any other gets the unchanged record back. Fingerprints compare ordinally, and the empty fingerprint (a
    /// request without one) equals only itself.
    /// </summary>
    /// <param name="holder">What holds the key: an in-progress record whose lease ended, or a retryable failure.</param>
    /// <param name="stored">The fingerprint the first claim wrote.</param>
    /// <param name="claiming">The fingerprint of the later claim.</param>
    /// <param name="acquires">Whether the later claim takes the key.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("LeaseExpired", "fp-1", "fp-1", true)]
    [InlineData("LeaseExpired", "fp-1", "fp-2", false)]
    [InlineData("LeaseExpired", "fp-a", "FP-A", false)]
    [InlineData("LeaseExpired", "", "", true)]
    [InlineData("LeaseExpired", "", "fp-1", false)]
    [InlineData("LeaseExpired", "fp-1", "", false)]
    [InlineData("FailedRetryable", "fp-1", "fp-1", true)]
    [InlineData("FailedRetryable", "fp-1", "fp-2", false)]
    [InlineData("FailedRetryable", "fp-a", "FP-A", false)]
    [InlineData("FailedRetryable", "", "", true)]
    [InlineData("FailedRetryable", "", "fp-1", false)]
    [InlineData("FailedRetryable", "fp-1", "", false)]
    public async Task ClaimAsync_Takeover_OnlyWithTheRecordsFingerprint(string holder, string stored, string claiming, bool acquires)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var held = InProgress(key, token, stored, Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token, stored)).IsAcquired);
        if (holder == "FailedRetryable")
        {
            var error = Bytes("timeout");
            held = Failed(held, error, retryable: true, Clock.GetUtcNow());
            Assert.True(await FailAsync(store, key, token, error, retryable: true));
            await AdvanceAsync(TimeSpan.FromSeconds(1));
        }
        else
        {
            await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(1));
        }

        var newToken = NewToken();
        var claimedAt = Clock.GetUtcNow();

        var result = await ClaimAsync(store, key, newToken, claiming);

        Assert.Equal(acquires, result.IsAcquired);
        if (acquires)
        {
            RecordAssert.Matches(InProgress(key, newToken, claiming, claimedAt), await GetAsync(store, key));
        }
        else
        {
            RecordAssert.Matches(held, result.Existing);
            RecordAssert.Matches(held, await GetAsync(store, key));
        }
    }

    /// <summary>A record past its time-to-live is dead in every state: a claim with any other fingerprint acquires the key.</summary>
    /// <param name="state">The state the record expired in.</param>
    /// <returns>A task that completes when the test has run.</returns>
    [Theory]
    [InlineData("InProgress")]
    [InlineData("Completed")]
    [InlineData("FailedRetryable")]
    [InlineData("FailedFinal")]
    public async Task ClaimAsync_ExpiredRecord_AcquiresWithAnyFingerprint(string state)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var ttl = TimeSpan.FromMinutes(2);

        // The lease outlives the record, so only the expiry frees an in-progress key.
        Assert.True((await ClaimAsync(store, key, token, "fp-1", lease: TimeSpan.FromMinutes(5), ttl: ttl)).IsAcquired);
        var finished = state switch
        {
            "Completed" => await CompleteAsync(store, key, token, Bytes("done"), ttl),
            "FailedRetryable" => await FailAsync(store, key, token, Bytes("timeout"), retryable: true, ttl),
            "FailedFinal" => await FailAsync(store, key, token, Bytes("declined"), retryable: false, ttl),
            _ => true,
        };
        Assert.True(finished);
        await AdvanceAsync(ttl);
        var newToken = NewToken();
        var claimedAt = Clock.GetUtcNow();

        Assert.True((await ClaimAsync(store, key, newToken, "fp-2")).IsAcquired);
        RecordAssert.Matches(InProgress(key, newToken, "fp-2", claimedAt), await GetAsync(store, key));
    }

    /// <summary>
    /// Hundreds of claims racing to take over an expired lease, half with the record's fingerprint and half with others:
    /// exactly one takes it over, one with the record's fingerprint. The others with that fingerprint get the winner's
    /// record; those with another get the record that held the key when they ran, the first owner's or the winner's.
    /// </summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_ConcurrentTakeoverWithMixedFingerprints_OnlyTheRecordsFingerprintWins()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var firstToken = NewToken();
        var first = InProgress(key, firstToken, "fp-same", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, firstToken, "fp-same")).IsAcquired);
        await AdvanceAsync(DefaultLease + TimeSpan.FromSeconds(1));
        var tokens = Enumerable.Range(0, Contenders).Select(_ => NewToken()).ToArray();
        var claimedAt = Clock.GetUtcNow();
        static bool Same(int contender) => contender % 2 == 0;

        var results = await RunTogetherAsync(Contenders, i => ClaimAsync(store, key, tokens[i], Same(i) ? "fp-same" : $"fp-{i}").AsTask());

        var winners = Enumerable.Range(0, Contenders).Where(i => results[i].IsAcquired).ToArray();
        Assert.Single(winners);
        Assert.True(Same(winners[0]), $"Contender {winners[0]}, with another fingerprint, took the key over.");
        var winner = InProgress(key, tokens[winners[0]], "fp-same", claimedAt);
        for (var i = 0; i < Contenders; i++)
        {
            if (i != winners[0])
            {
                RecordAssert.Matches(Same(i) || results[i].Existing!.OwnerToken != firstToken ? winner : first, results[i].Existing);
            }
        }

        RecordAssert.Matches(winner, await GetAsync(store, key));
    }
}
