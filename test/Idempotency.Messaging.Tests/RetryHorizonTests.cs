using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.Tests;

// SPEC §5: a TTL shorter than the transport's redelivery horizon would let a late redelivery run again; start-up refuses
// it, naming the event type, both durations and the fix.
public sealed class RetryHorizonTests
{
    [Fact]
    public void EventTypeTtlShorterThanTheHorizon_FailsStartupNamingBoth()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(
            o =>
            {
                o.RetryHorizon = TimeSpan.FromHours(2);
                o.RetryHorizonSource = "MaxDeliver 5 x backoff 24m";
            },
            e => e.OperationTtls["essay.spellcheck.requested"] = TimeSpan.FromHours(1)));

        var message = Assert.Single(ex.Failures);
        Assert.Contains("'essay.spellcheck.requested'", message, StringComparison.Ordinal);
        Assert.Contains("01:00:00", message, StringComparison.Ordinal);
        Assert.Contains("02:00:00", message, StringComparison.Ordinal);
        Assert.Contains("MaxDeliver 5 x backoff 24m", message, StringComparison.Ordinal);
        Assert.Contains("OperationTtls[\"essay.spellcheck.requested\"]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultTtlShorterThanTheHorizon_FailsStartup()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(o => o.RetryHorizon = TimeSpan.FromDays(2), e => { }));

        Assert.Contains("DefaultPolicy.Ttl", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyOfAnEventTypeShorterThanTheHorizon_FailsStartup()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(
            o =>
            {
                o.RetryHorizon = TimeSpan.FromHours(3);
                o.EventTypePolicies["quick.validation"] = "quick";
            },
            e => e.AddPolicy("quick", p => p.Ttl = TimeSpan.FromMinutes(30))));

        Assert.Contains("'quick.validation'", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownPolicyForAnEventType_FailsStartup()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(o => o.EventTypePolicies["order.paid"] = "missing", e => { }));

        Assert.Contains("'missing'", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void TtlsCoveringTheHorizon_Start()
    {
        var options = Resolve(
            o => o.RetryHorizon = TimeSpan.FromHours(2),
            e => e.OperationTtls["essay.spellcheck.requested"] = TimeSpan.FromHours(3));

        Assert.Equal(TimeSpan.FromHours(2), options.RetryHorizon);
    }

    private static IdempotentConsumerOptions Resolve(Action<IdempotentConsumerOptions> consumer, Action<IdempotencyOptions> engine)
    {
        var services = new ServiceCollection();
        services.AddIdempotency(engine).AddIdempotentConsumer(consumer);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<IdempotentConsumerOptions>>().Value;
    }
}
