using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.Functions.Tests;

/// <summary>The pre-configured policies of the source document: each carries its key expression and TTL, set once.</summary>
public sealed class PolicyTests
{
    internal static void Preconfigured(IdempotentFunctionOptions o)
    {
        o.AddPolicy("quest-creation", "from_json(body).questId", TimeSpan.FromHours(24));
        o.AddPolicy("reward-processing", "rewardId", TimeSpan.FromDays(7));
        o.AddPolicy("user-creation", "request.userAttributes.sub", TimeSpan.FromHours(1));
        o.AddPolicy("attestation", "from_json(body).[questId, userId]", TimeSpan.FromHours(24));
    }

    [Theory]
    [InlineData("quest-creation", 24, """{"body":"{\"questId\":\"q-1\"}"}""")]
    [InlineData("reward-processing", 7 * 24, """{"rewardId":"r-1","xp":10}""")]
    [InlineData("user-creation", 1, """{"request":{"userAttributes":{"sub":"u-1"}}}""")]
    [InlineData("attestation", 24, """{"body":"{\"questId\":\"q-1\",\"userId\":\"u-1\"}"}""")]
    public async Task Policy_ReplaysUntilItsTtlEndsAndRunsAgainAfter(string policy, int ttlHours, string evt)
    {
        var harness = new FunctionHarness(Preconfigured);
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>(policy, (e, ct) => Task.FromResult(counter.Increment()));
        var ttl = TimeSpan.FromHours(ttlHours);

        await handler.InvokeAsync(evt, null, CancellationToken.None);
        harness.FakeClock.Advance(ttl - TimeSpan.FromSeconds(1));
        var beforeExpiry = await handler.ExecuteAsync(evt, null, CancellationToken.None);
        harness.FakeClock.Advance(TimeSpan.FromSeconds(1));
        var afterExpiry = await handler.ExecuteAsync(evt, null, CancellationToken.None);

        Assert.True(beforeExpiry.IsReplayed);
        Assert.Equal(IdempotencyOutcome.Executed, afterExpiry.Outcome);
        Assert.Equal(2, counter.Runs);
        Assert.Equal(ttl, harness.Store.Claims.First().Ttl);
    }

    [Fact]
    public async Task Policy_ConfigurePolicy_ReachesTheEnginePolicy()
    {
        var harness = new FunctionHarness(o => o.AddPolicy("payments", p =>
        {
            p.KeyExpression = "paymentId";
            p.ConfigurePolicy = e =>
            {
                e.RememberFailure = ex => ex is InvalidOperationException;
                e.Lease = TimeSpan.FromSeconds(90);
            };
        }));
        var handler = harness.Functions.CreateHandler<string, int>("payments", (e, ct) => throw new InvalidOperationException("card declined"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => handler.InvokeAsync("""{"paymentId":"p-1"}""", null, CancellationToken.None));
        var remembered = await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => handler.InvokeAsync("""{"paymentId":"p-1"}""", null, CancellationToken.None));

        Assert.Equal("card declined", remembered.ErrorMessage);
        Assert.Equal(TimeSpan.FromSeconds(90), harness.Store.Claims.First().Lease);
    }

    [Fact]
    public void Create_InvalidPolicies_NamesEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => IdempotentFunctions.Create(o =>
        {
            o.AddPolicy("no-key", p => p.Ttl = TimeSpan.FromHours(1));
            o.AddPolicy("bad-expression", "body.[questId", TimeSpan.FromHours(1));
            o.AddPolicy("bad name", "id", TimeSpan.FromHours(1));
            o.AddPolicy("negative", "id", TimeSpan.FromHours(-1));
        }));

        Assert.Contains("Function policy 'no-key': KeyExpression must be set.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Function policy 'bad-expression': 'body.[questId' is not a valid JMESPath expression", error.Message, StringComparison.Ordinal);
        Assert.Contains("Function policy 'bad name': its name is used as the operation", error.Message, StringComparison.Ordinal);
        Assert.Contains("Function policy 'negative': Ttl must be positive.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddIdempotentFunctions_RegistersEnginePoliciesAndTheLocalCache()
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o => o.ServiceName = "quests").AddIdempotentFunctions(Preconfigured);
        await using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value;
        var functions = provider.GetRequiredService<IIdempotentFunctions>();
        var counter = new Counter();
        var handler = functions.CreateHandler<string, int>("reward-processing", (e, ct) => Task.FromResult(counter.Increment()));
        await handler.InvokeAsync("""{"rewardId":"r-1"}""", null, CancellationToken.None);
        var replay = await handler.ExecuteAsync("""{"rewardId":"r-1"}""", null, CancellationToken.None);

        Assert.Equal(TimeSpan.FromDays(7), engine.GetTtl("reward-processing", IdempotentFunctionOptions.EnginePolicyName("reward-processing")));
        Assert.Equal(1000, engine.LocalCacheMaxEntries);
        Assert.True(replay.IsReplayed);
        Assert.Equal(1, counter.Runs);
    }

    [Fact]
    public void AddIdempotentFunctions_InvalidExpression_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddIdempotentFunctions(o => o.AddPolicy("broken", "unknown_fn(body)", TimeSpan.FromHours(1)));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IdempotentFunctionOptions>>().Value);

        Assert.Contains("Function policy 'broken'", error.Message, StringComparison.Ordinal);
    }
}
