using Idempotency.Testing;

namespace Idempotency.Tests.Execution;

// SPEC §3.3: a key reused with another fingerprint is an error (422), checked before the in-progress check (409).
public sealed class FingerprintTests
{
    [Fact]
    public async Task ExecuteAsync_CompletedKeyWithOtherFingerprint_ThrowsKeyReusedWithoutRunning()
    {
        using var harness = new EngineHarness();
        var runs = 0;
        await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-a" }, () => Interlocked.Increment(ref runs));

        var ex = await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-b" }, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(1, runs);
        Assert.Equal(harness.StoreKey("orders", "k1"), ex.StoreKey);
        Assert.Equal("orders", ex.Operation); // found by a user: the error did not say which operation the key was reused on
        Assert.Contains("'orders'", ex.Message, StringComparison.Ordinal);
        var record = await harness.ReadAsync("orders", "k1");
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.Equal("fp-a", record.Fingerprint);
    }

    [Fact]
    public async Task ExecuteAsync_FingerprintThenNone_ThrowsKeyReused()
    {
        using var harness = new EngineHarness();
        var runs = 0;
        await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-a" }, () => Interlocked.Increment(ref runs));

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_SameFingerprint_Replays()
    {
        using var harness = new EngineHarness();
        var runs = 0;
        var fingerprint = ContentHash.ComputeCanonicalJson("""{"amount":10,"currency":"EUR"}"""u8);
        await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = fingerprint }, () => Interlocked.Increment(ref runs));

        var replay = await harness.RunAsync(
            new IdempotencyRequest("orders", "k1") { Fingerprint = ContentHash.ComputeCanonicalJson("""{ "currency": "EUR", "amount": 10.0 }"""u8) },
            () => Interlocked.Increment(ref runs));

        Assert.True(replay.IsReplayed);
        Assert.Equal(1, replay.Value);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_KeyInFlightWithOtherFingerprint_ThrowsKeyReusedNotInProgress()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
        var runs = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Task.Run(() => harness.Executor.ExecuteAsync(
            new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-a" },
            async _ =>
            {
                Interlocked.Increment(ref runs);
                started.SetResult();
                await release.Task;
                return 1;
            },
            CancellationToken.None).AsTask());
        await started.Task.WaitAsync(Waits.Limit);
        harness.Calls.Reset();

        // Even with a wait configured, a different fingerprint is answered at once, not polled.
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-b" }, () => Interlocked.Increment(ref runs)).AsTask());
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Claim));

        release.SetResult();
        await first.WithinLimit();
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_FailedKeyWithOtherFingerprint_ThrowsKeyReusedNotPreviouslyFailed()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.RememberFailure = _ => true);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            harness.RunAsync<int>(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-a" }, () => throw new InvalidOperationException("boom")).AsTask());

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-b" }, () => 1).AsTask());
    }

    [Fact]
    public async Task ExecuteAsync_CrashedRunsLeaseEndedAndOtherFingerprint_ThrowsKeyReusedAndTheSameRequestRecovers()
    {
        // Found by attack: after a crash, the claim took over the expired lease without comparing fingerprints, so a
        // different payload under the key ran (charged 1000 instead of 100), and the crashed request's own retry got 422.
        using var harness = new EngineHarness(o => o.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30));
        var storeKey = harness.StoreKey("orders", "k1");
        var crashed = await harness.Memory.ClaimAsync(new(storeKey, "crashed-owner", "amount=100", harness.Clock.GetUtcNow(), TimeSpan.FromSeconds(60), TimeSpan.FromHours(24)), CancellationToken.None);
        Assert.True(crashed.IsAcquired);
        harness.Clock.Advance(TimeSpan.FromSeconds(61));
        var charged = new List<int>();

        // Answered at once: the wait is for the same request in progress, not for another one.
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "amount=1000" }, () => Charge(1000)).AsTask());
        Assert.Equal(1, harness.Calls.Count(IdempotencyStoreOperation.Claim));
        var recovered = await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "amount=100" }, () => Charge(100));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "amount=1000" }, () => Charge(1000)).AsTask());

        Assert.Equal(IdempotencyOutcome.Executed, recovered.Outcome);
        Assert.Equal([100], charged);
        Assert.Equal(2, harness.CountOutcome("key_reused"));
        Assert.Equal(0, harness.CountOutcome("in_progress"));

        int Charge(int amount)
        {
            charged.Add(amount);
            return amount;
        }
    }

    [Fact]
    public async Task ExecuteAsync_RetryableFailureAndOtherFingerprint_ThrowsKeyReusedAndTheSameRequestRetries()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.RememberFailure = _ => true;
            o.DefaultPolicy.FailureRetryable = true;
        });
        var runs = 0;
        await Assert.ThrowsAsync<TimeoutException>(() =>
            harness.RunAsync<int>(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-a" }, () => throw new TimeoutException("gateway")).AsTask());

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-b" }, () => Interlocked.Increment(ref runs)).AsTask());
        var retried = await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Fingerprint = "fp-a" }, () => Interlocked.Increment(ref runs));

        Assert.Equal(IdempotencyOutcome.Executed, retried.Outcome);
        Assert.Equal(1, runs);
    }
}
