using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.Kafka.Tests;

// Start-up checks of the Kafka consumer (the options point at librdkafka's mock cluster; a failing check connects to nothing).
public sealed class MockClusterStartupTests(KafkaMockCluster cluster) : IClassFixture<KafkaMockCluster>
{
    [Fact]
    public async Task MockCluster_RecordTtlShorterThanRetryHorizon_StartUpFailsNamingEventTypeBothNumbersAndTheFix()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KafkaTestConsumer.StartAsync(
            cluster,
            new InMemoryIdempotencyStore(),
            "group",
            "payments",
            o => o.Handle("charge", (_, _, _) => ValueTask.CompletedTask).RetryBackoff = TimeSpan.FromMinutes(1),
            engine: o => o.OperationTtls[TestEvents.EventType] = TimeSpan.FromMinutes(2)));

        // MaxDeliveries 5 x 1 min + the test consumers' 3 s session timeout.
        Assert.Contains(
            "Event type 'payment.charged' keep their records for 00:02:00, but the transport may redeliver a message for up to 00:05:03 " +
            "(Kafka: MaxDeliveries 5 x RetryBackoff 00:01:00 + session.timeout.ms 00:00:03 + RedeliveryAllowance 00:00:00): " +
            "a redelivery after the record expired would run the handler again. " +
            "Raise the TTL (IdempotencyOptions.OperationTtls[\"payment.charged\"]) to at least 00:05:03, or shorten the redelivery horizon.",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void MockCluster_RetryHorizon_IsMaxDeliveriesTimesBackoffPlusSessionTimeoutPlusAllowance()
    {
        using var services = KafkaTestConsumer.BuildServices(
            cluster.BootstrapServers,
            new InMemoryIdempotencyStore(),
            "group",
            "payments",
            o =>
            {
                o.Handle("charge", (_, _, _) => ValueTask.CompletedTask);
                o.RetryBackoff = TimeSpan.FromSeconds(10);
                o.RedeliveryAllowance = TimeSpan.FromMinutes(30);
            },
            consumer: o => o.MaxDeliveries = 4);

        var options = services.GetRequiredService<IOptions<IdempotentConsumerOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds((4 * 10) + 3 + (30 * 60)), options.RetryHorizon);
        Assert.StartsWith("Kafka: MaxDeliveries 4 x RetryBackoff 00:00:10", options.RetryHorizonSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MockCluster_MaxDeliveriesZero_RetriedForever_StartUpFailsUnlessTheTtlCoversAYear()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KafkaTestConsumer.StartAsync(
            cluster,
            new InMemoryIdempotencyStore(),
            "group",
            "payments",
            o => o.Handle("charge", (_, _, _) => ValueTask.CompletedTask),
            consumer: o => o.MaxDeliveries = 0));

        Assert.Contains("MaxDeliveries is 0, so a failing record is retried forever", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MockCluster_MisconfiguredConsumer_StartUpFailsListingEveryProblem()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KafkaTestConsumer.StartAsync(
            cluster,
            new InMemoryIdempotencyStore(),
            string.Empty,
            "payments",
            o =>
            {
                o.DeadLetterTopic = null;
                o.Handle("charge", (_, _, _) => ValueTask.CompletedTask).Handle("charge", (_, _, _) => ValueTask.CompletedTask);
            }));

        Assert.Contains("Consumer.GroupId must be set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("The handler name 'charge' is used twice", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Set DeadLetterTopic or DeadLetterHandler", ex.Message, StringComparison.Ordinal);
    }
}
