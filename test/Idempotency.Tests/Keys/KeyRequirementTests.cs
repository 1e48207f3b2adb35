namespace Idempotency.Tests.Keys;

// SPEC §3.8: a missing key is rejected (400) or, when optional, runs without any store call. An empty key is not missing.
public sealed class KeyRequirementTests
{
    [Theory]
    [InlineData(null)]
    public async Task ExecuteAsync_KeyMissingAndRequired_ThrowsKeyMissingWithoutStoreCall(string? key)
    {
        using var harness = new EngineHarness();
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() => harness.RunAsync(new IdempotencyRequest("orders", key), () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal("orders", ex.Operation);
        Assert.Equal(0, runs);
        Assert.Equal(0, harness.Calls.TotalCount);
        Assert.Equal(1, harness.CountOutcome("key_missing"));
    }

    [Theory]
    [InlineData(null)]
    public async Task ExecuteAsync_KeyMissingAndOptional_RunsEveryTimeWithoutStoreCall(string? key)
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);
        var runs = 0;

        var first = await harness.RunAsync(new IdempotencyRequest("orders", key), () => Interlocked.Increment(ref runs));
        var second = await harness.RunAsync(new IdempotencyRequest("orders", key), () => Interlocked.Increment(ref runs));

        Assert.Equal(2, runs);
        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, first.Outcome);
        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, second.Outcome);
        Assert.Equal(2, second.Value);
        Assert.False(second.IsReplayed);
        Assert.Equal(0, harness.Calls.TotalCount);
        Assert.Equal(2, harness.CountOutcome("without_key"));
    }

    [Theory]
    [InlineData(KeyRequirement.Required)]
    [InlineData(KeyRequirement.Optional)]
    public async Task ExecuteAsync_EmptyKey_IsInvalidNeverUnprotected(KeyRequirement requirement)
    {
        // Before: "" counted as missing, so an optional-key policy ran the work unprotected on every retry.
        using var harness = new EngineHarness(o => o.DefaultPolicy.KeyRequirement = requirement);
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => harness.RunAsync(new IdempotencyRequest("orders", string.Empty), () => Interlocked.Increment(ref runs)).AsTask());
        await using var claim = await harness.Executor.BeginAsync(new IdempotencyRequest("orders", string.Empty), CancellationToken.None);

        Assert.Equal("it is empty.", ex.Reason);
        Assert.Equal(IdempotencyClaimStatus.KeyInvalid, claim.Status);
        Assert.Equal(0, runs);
        Assert.Equal(0, harness.Calls.TotalCount);
        Assert.Equal(2, harness.CountOutcome("key_invalid"));
    }

    [Fact]
    public async Task ExecuteAsync_VoidWithoutKeyAndOptional_RunsWithoutStoreCall()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);
        var runs = 0;

        var result = await harness.Executor.ExecuteAsync(new IdempotencyRequest("orders", null), _ =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, result.Outcome);
        Assert.Equal(0, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_OptionalOnNamedPolicy_DefaultStillRequiresKey()
    {
        using var harness = new EngineHarness(o => o.AddPolicy("lenient", p => p.KeyRequirement = KeyRequirement.Optional));

        var lenient = await harness.RunAsync(new IdempotencyRequest("orders", null) { Policy = "lenient" }, () => 1);
        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() => harness.RunAsync(new IdempotencyRequest("orders", null), () => 1).AsTask());

        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, lenient.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_OptionalPolicyWithKey_IsProtected()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional);
        var runs = 0;

        await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs));
        var replay = await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs));

        Assert.Equal(1, runs);
        Assert.True(replay.IsReplayed);
    }
}
