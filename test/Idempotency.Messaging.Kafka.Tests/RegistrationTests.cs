using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Messaging.Kafka.Tests;

// Found by attack: a second AddIdempotentKafkaConsumer() merged its group, topics and handlers into the first consumer
// in silence (the first group's offsets abandoned, each handler run on the other's topic). It now throws.
public sealed class RegistrationTests
{
    [Fact]
    public void SecondKafkaConsumer_InOneServiceCollection_Throws()
    {
        var builder = new ServiceCollection().AddIdempotency();
        builder.AddIdempotentKafkaConsumer(o => o.Topics.Add("payments"));

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddIdempotentKafkaConsumer(o => o.Topics.Add("audit-log")));

        Assert.Contains("one Kafka consumer per service collection", ex.Message, StringComparison.Ordinal);
    }
}
