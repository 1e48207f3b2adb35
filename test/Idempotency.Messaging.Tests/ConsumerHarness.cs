using System.Text;
using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.Tests;

/// <summary>A consumer on the in-memory store behind a fault injector, with the messaging counter collected.</summary>
internal sealed class ConsumerHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public ConsumerHarness(Action<IdempotentConsumerOptions>? consumer = null, Action<IdempotencyOptions>? engine = null)
    {
        Faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<IIdempotencyStore>(Faults);
        services.AddIdempotency(o =>
        {
            o.ServiceName = "billing";
            engine?.Invoke(o);
        }).AddIdempotentConsumer(consumer);
        _services = services.BuildServiceProvider();
        Consumer = _services.GetRequiredService<IIdempotentConsumer>();
        Messages = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, "idempotency.messages");
        _ = _services.GetRequiredService<IOptions<IdempotentConsumerOptions>>().Value;
    }

    public FaultInjectingIdempotencyStore Faults { get; }

    public IIdempotentConsumer Consumer { get; }

    public MetricCollector<long> Messages { get; }

    public IServiceProvider Services => _services;

    public static InboundMessage Event(string eventId, string payload = "{\"amount\":10}", string eventType = "payment.charged", string? messageId = null, int attempt = 1) =>
        new(eventType, Encoding.UTF8.GetBytes($"{{\"eventId\":\"{eventId}\",\"occurredAt\":\"{DateTime.UtcNow:O}\",\"data\":{payload}}}"))
        {
            MessageId = messageId,
            DeliveryAttempt = attempt,
        };

    public void Dispose()
    {
        Messages.Dispose();
        _services.Dispose();
    }
}
