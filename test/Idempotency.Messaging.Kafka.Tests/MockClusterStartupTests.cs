using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.Kafka.Tests;

// Start-up checks of the Kafka consumer (the options point at librdkafka's mock cluster; a failing check connects to nothing).
public sealed class MockClusterStartupTests(KafkaMockCluster cluster) : IClassFixture<KafkaMockCluster>
{
    [Fact]
    public async Task MockCluster_RecordTtlShorterThanRetryHorizon_StartUpFailsNamingEventTypeBothNumbersAndTheFix()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KafkaTestConsumer.Create(
            cluster,
            new InMemoryIdempotencyStore(),
            "group",
            "payments",
            o => o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask).RetryBackoff = TimeSpan.FromMinutes(1),
            engine: o => o.OperationTtls[TestEvents.EventType] = TimeSpan.FromMinutes(2)).StartAsync());

        // MaxDeliveries 5 x 1 min + the test consumers' 3 s session timeout.
        Assert.Contains("Event type 'payment.charged'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(
            "00:02:00, but the transport may redeliver a message for up to 00:05:03 (Kafka: MaxDeliveries 5 x RetryBackoff 00:01:00 + session.timeout.ms 00:00:03)",
            ex.Message,
            StringComparison.Ordinal);
        Assert.Contains("Raise the TTL (IdempotencyOptions.OperationTtls[\"payment.charged\"]) to at least 00:05:03", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MockCluster_RetryHorizon_IsMaxDeliveriesTimesBackoffPlusSessionTimeout_OrTheStatedOneWhenLonger()
    {
        var computed = await HorizonAsync(maxDeliveries: 4, stated: null);
        Assert.Equal(TimeSpan.FromSeconds((4 * 10) + 3), computed.RetryHorizon);
        Assert.Equal("Kafka: MaxDeliveries 4 x RetryBackoff 00:00:10 + session.timeout.ms 00:00:03", computed.RetryHorizonSource);
        Assert.Equal(TimeSpan.FromSeconds(43), (await HorizonAsync(maxDeliveries: 4, stated: TimeSpan.FromSeconds(5))).RetryHorizon);
        Assert.Equal(TimeSpan.FromHours(2), (await HorizonAsync(maxDeliveries: 4, stated: TimeSpan.FromHours(2))).RetryHorizon);
        Assert.Equal("KafkaConsumerOptions.RetryHorizon 02:00:00", (await HorizonAsync(maxDeliveries: 0, stated: TimeSpan.FromHours(2))).RetryHorizonSource);
    }

    [Fact]
    public async Task MockCluster_MaxDeliveriesZero_RetriedWithoutLimit_StartUpFailsUnlessAHorizonIsStated()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KafkaTestConsumer.Create(
            cluster,
            new InMemoryIdempotencyStore(),
            "group",
            "payments",
            o => o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask),
            consumer: o => o.MaxDeliveries = 0).StartAsync());

        Assert.Contains("MaxDeliveries is 0, so a failing record is retried without limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MockCluster_MisconfiguredConsumer_StartUpFailsListingEveryProblem()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KafkaTestConsumer.Create(
            cluster,
            new InMemoryIdempotencyStore(),
            string.Empty,
            "payments",
            o =>
            {
                o.DeadLetterTopic = null;
                o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask).AddHandler("charge", (_, _, _) => ValueTask.CompletedTask);
            }).StartAsync());

        Assert.Contains("ConsumerConfig.GroupId must be set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("The handler name 'charge' is added twice for the same event type", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Set DeadLetterTopic or OnDeadLetter", ex.Message, StringComparison.Ordinal);
    }

    private async Task<IdempotentConsumerOptions> HorizonAsync(int maxDeliveries, TimeSpan? stated)
    {
        await using var service = KafkaTestConsumer.Create(
            cluster,
            new InMemoryIdempotencyStore(),
            "group",
            "payments",
            o =>
            {
                o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask);
                o.RetryBackoff = TimeSpan.FromSeconds(10);
                o.RetryHorizon = stated;
            },
            consumer: o => o.MaxDeliveries = maxDeliveries);
        return service.Services.GetRequiredService<IOptions<IdempotentConsumerOptions>>().Value;
    }
}
