namespace Idempotency.Tests.Options;

// SPEC §3.10: named policies start as a copy of the default policy; per-operation TTLs override the policy TTL.
public sealed class PolicyTests
{
    [Fact]
    public async Task ExecuteAsync_DefaultPolicy_KeepsRecord24Hours()
    {
        using var harness = new EngineHarness();

        await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => 1);

        var record = await harness.ReadAsync("orders", "k1");
        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(24), record!.ExpiresAt);
    }

    [Fact]
    public async Task ExecuteAsync_NamedPolicy_OverridesTtl()
    {
        using var harness = new EngineHarness(o => o.AddPolicy("payments", p => p.Ttl = TimeSpan.FromDays(7)));

        await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Policy = "payments" }, () => 1);

        var record = await harness.ReadAsync("orders", "k1");
        Assert.Equal(EngineHarness.Start + TimeSpan.FromDays(7), record!.ExpiresAt);
    }

    [Fact]
    public async Task ExecuteAsync_NamedPolicy_InheritsDefaultsItDoesNotSet()
    {
        using var harness = new EngineHarness(o =>
        {
            // The named policy is added first: it still inherits settings made on the default policy afterwards.
            o.AddPolicy("payments", p => p.InProgressRetryAfter = TimeSpan.FromSeconds(9));
            o.DefaultPolicy.Ttl = TimeSpan.FromHours(2);
            o.DefaultPolicy.Lease = TimeSpan.FromSeconds(12);
        });
        await using var first = await Execution.BlockedRun.StartAsync(harness, new IdempotencyRequest("orders", "k1") { Policy = "payments" }, 1);

        var ex = await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Policy = "payments" }, () => 2).AsTask());

        Assert.Equal(TimeSpan.FromSeconds(9), ex.RetryAfter);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromSeconds(12), ex.LeaseExpiresAt);
        first.Release();
        await first.Task.WithinLimit();
        var record = await harness.ReadAsync("orders", "k1");
        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(2), record!.ExpiresAt);
    }

    [Fact]
    public async Task ExecuteAsync_NamedPolicyChange_DoesNotAffectDefaultPolicy()
    {
        using var harness = new EngineHarness(o => o.AddPolicy("long", p => p.Ttl = TimeSpan.FromDays(30)));

        await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => 1);

        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(24), (await harness.ReadAsync("orders", "k1"))!.ExpiresAt);
    }

    [Fact]
    public async Task ExecuteAsync_OperationTtl_OverridesDefaultAndNamedPolicyTtl()
    {
        using var harness = new EngineHarness(o =>
        {
            o.OperationTtls["order.created"] = TimeSpan.FromMinutes(5);
            o.AddPolicy("payments", p => p.Ttl = TimeSpan.FromDays(7));
        });

        await harness.RunAsync(new IdempotencyRequest("order.created", "k1"), () => 1);
        await harness.RunAsync(new IdempotencyRequest("order.created", "k2") { Policy = "payments" }, () => 1);
        await harness.RunAsync(new IdempotencyRequest("order.shipped", "k3") { Policy = "payments" }, () => 1);

        Assert.Equal(EngineHarness.Start + TimeSpan.FromMinutes(5), (await harness.ReadAsync("order.created", "k1"))!.ExpiresAt);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromMinutes(5), (await harness.ReadAsync("order.created", "k2"))!.ExpiresAt);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromDays(7), (await harness.ReadAsync("order.shipped", "k3"))!.ExpiresAt);
    }

    [Fact]
    public async Task ExecuteAsync_RecordPastItsTtl_RunsAgain()
    {
        using var harness = new EngineHarness(o => o.OperationTtls["orders"] = TimeSpan.FromMinutes(5));
        var runs = 0;
        await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs));

        harness.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        var replay = await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs));
        harness.Clock.Advance(TimeSpan.FromTicks(1));
        var rerun = await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs));

        Assert.True(replay.IsReplayed);
        Assert.Equal(IdempotencyOutcome.Executed, rerun.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownPolicyName_ThrowsArgumentExceptionWithoutStoreCall()
    {
        using var harness = new EngineHarness(o => o.AddPolicy("payments", _ => { }));
        var runs = 0;

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            harness.RunAsync(new IdempotencyRequest("orders", "k1") { Policy = "paymnets" }, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Contains("paymnets", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
        Assert.Equal(0, harness.Calls.TotalCount);
    }

    [Fact]
    public async Task ExecuteAsync_PolicyNames_AreCaseSensitive()
    {
        using var harness = new EngineHarness(o => o.AddPolicy("payments", _ => { }));

        await Assert.ThrowsAsync<ArgumentException>(() => harness.RunAsync(new IdempotencyRequest("orders", "k1") { Policy = "Payments" }, () => 1).AsTask());
    }

    [Fact]
    public async Task ExecuteAsync_PolicyName_IsNotPartOfTheStoreKey()
    {
        // Switching a request's policy must not make an earlier run invisible (and so run it twice).
        using var harness = new EngineHarness(o => o.AddPolicy("payments", _ => { }));
        var runs = 0;

        await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => Interlocked.Increment(ref runs));
        var replay = await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Policy = "payments" }, () => Interlocked.Increment(ref runs));

        Assert.True(replay.IsReplayed);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void PolicyNames_ListsAddedPolicies()
    {
        var options = new IdempotencyOptions();
        options.AddPolicy("a", _ => { }).AddPolicy("b", _ => { });

        Assert.Equal(["a", "b"], options.PolicyNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void AddPolicy_BlankName_Throws(string? name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new IdempotencyOptions().AddPolicy(name!, _ => { }));
    }
}
