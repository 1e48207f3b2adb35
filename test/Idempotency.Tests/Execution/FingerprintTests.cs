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
}
