using Microsoft.Extensions.DependencyInjection;

namespace EventsWorker;

/// <summary>
/// A real broker for <c>--transport</c>: declares what this run reads from (named for the run, so runs never meet),
/// publishes the stream, and adds the broker adapter's hosted consumer to a consumer process.
/// </summary>
internal abstract class BrokerTransport : IAsyncDisposable
{
    protected static readonly string RunId = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Gets what the summary says about the broker.</summary>
    public abstract string Description { get; }

    public static BrokerTransport Create(WorkerSettings settings) => settings.Transport switch
    {
        "nats" => new NatsTransport(settings.Url ?? "nats://127.0.0.1:4222"),
        "rabbitmq" => new RabbitMqTransport(settings.Url ?? "amqp://guest:guest@127.0.0.1:5672"),
        "kafka" => new KafkaTransport(settings.Url),
        _ => throw new ArgumentException($"Unknown transport '{settings.Transport}': use inproc, nats, rabbitmq or kafka."),
    };

    /// <summary>Creates the stream, queue or topic of this run.</summary>
    public abstract Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Publishes every message, with its message id and event type where the broker carries them.</summary>
    public abstract Task PublishAsync(IReadOnlyList<BrokerMessage> messages, CancellationToken cancellationToken);

    /// <summary>Adds the adapter's hosted consumer, with the sample's handlers, to a consumer process's services.</summary>
    public abstract void AddConsumer(IIdempotencyBuilder builder, Handlers handlers);

    /// <summary>Deletes what <see cref="PrepareAsync"/> created, and closes the connections.</summary>
    public abstract ValueTask DisposeAsync();
}
