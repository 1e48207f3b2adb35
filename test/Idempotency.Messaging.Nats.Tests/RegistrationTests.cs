using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Messaging.Nats.Tests;

// Found by attack: a second AddIdempotentNatsConsumer() replaced the first consumer's stream and merged its handlers,
// so the first consumer silently disappeared. It now throws.
public sealed class RegistrationTests
{
    [Fact]
    public void SecondNatsConsumer_InOneServiceCollection_Throws()
    {
        var builder = new ServiceCollection().AddIdempotency();
        builder.AddIdempotentNatsConsumer(o => o.Stream = "PAYMENTS");

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddIdempotentNatsConsumer(o => o.Stream = "AUDIT"));

        Assert.Contains("one JetStream consumer per service collection", ex.Message, StringComparison.Ordinal);
    }
}
