using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace EventsWorker;

/// <summary>RabbitMQ: a quorum queue (it counts deliveries) consumed by both consumer processes.</summary>
internal sealed class RabbitMqTransport(string url) : BrokerTransport
{
    private const int DeliveryLimit = 20;
    private readonly string _queue = "events-worker-" + RunId;
    private IConnection? _connection;
    private IChannel? _publisher;

    public override string Description => $"RabbitMQ at {new Uri(url).Host}:{new Uri(url).Port} (quorum queue {_queue})";

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _connection = await new ConnectionFactory { Uri = new Uri(url) }.CreateConnectionAsync(cancellationToken);
        _publisher = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var arguments = new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-delivery-limit"] = DeliveryLimit };
        await _publisher.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
    }

    public override async Task PublishAsync(IReadOnlyList<BrokerMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            var properties = new BasicProperties { MessageId = message.MessageId, Type = message.EventType, Persistent = true };
            await _publisher!.BasicPublishAsync(string.Empty, _queue, mandatory: true, properties, message.Body, cancellationToken);
        }
    }

    public override void AddConsumer(IIdempotencyBuilder builder, Handlers handlers)
    {
        builder.Services.AddSingleton(_connection!);
        builder.AddIdempotentRabbitMqConsumer(_queue, o =>
        {
            o.DeliveryLimit = DeliveryLimit;
            o.ConcurrentDeliveries = 4;
            foreach (var (handler, eventType) in Handlers.Registrations)
            {
                o.AddHandler(handler, eventType, (message, _, ct) => handlers.RunAsync(handler, message, ct));
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.QueueDeleteAsync(_queue);
            await _publisher.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
