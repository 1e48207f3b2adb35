using Idempotency.TestServers;
using RabbitMQ.Client;

namespace Idempotency.Messaging.RabbitMQ.Tests;

/// <summary>One RabbitMQ node for the whole test collection (it takes seconds to boot), and a publishing connection to it.</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private IChannel? _publisher;

    public RabbitMqServer Server { get; } = new();

    private IChannel Publisher => _publisher ?? throw new InvalidOperationException("The fixture is not initialized.");

    public IConnection Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Connection = await ConnectAsync();

        // Publisher confirms: a publish returns once the broker has the message, so tests count exactly what was sent.
        _publisher = await Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
    }

    public async Task DisposeAsync()
    {
        if (_publisher is not null)
        {
            await Publisher.DisposeAsync();
        }

        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await Server.DisposeAsync();
    }

    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = Server.AmqpUri }.CreateConnectionAsync();

    /// <summary>Declares a fresh quorum queue (the kind that counts deliveries), optionally dead-lettering into a fresh queue.</summary>
    public async Task<TestQueue> QuorumQueueAsync(int deliveryLimit = 20, bool deadLetters = false) =>
        await DeclareAsync(new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-delivery-limit"] = deliveryLimit }, deadLetters);

    /// <summary>Declares a fresh classic queue (no delivery count, only the redelivered flag).</summary>
    public async Task<TestQueue> ClassicQueueAsync(bool deadLetters = false) => await DeclareAsync([], deadLetters);

    public async Task PublishAsync(string exchange, string routingKey, ReadOnlyMemory<byte> body, BasicProperties? properties = null) =>
        await Publisher.BasicPublishAsync(exchange, routingKey, mandatory: true, properties ?? new BasicProperties(), body);

    public async Task<uint> ReadyCountAsync(string queue) => (await Publisher.QueueDeclarePassiveAsync(queue)).MessageCount;

    /// <summary>Waits until the queue holds exactly <paramref name="count"/> ready messages.</summary>
    public async Task ReadyCountReachesAsync(string queue, uint count, TimeSpan timeout)
    {
        uint last = 0;
        await Events.EventuallyAsync(async () => (last = await ReadyCountAsync(queue)) == count, timeout, () => $"queue {queue} holds {last} ready messages, not {count}");
    }

    /// <summary>
    /// Waits until the queue has had no ready message for a second: consumers answer within milliseconds here, so by
    /// then every delivery was acknowledged (a stop after it must hand nothing back).
    /// </summary>
    public async Task DrainedAsync(string queue, TimeSpan timeout)
    {
        var quiet = 0;
        await Events.EventuallyAsync(async () => (quiet = await ReadyCountAsync(queue) == 0 ? quiet + 1 : 0) >= 20, timeout, () => $"queue {queue} still has messages");
    }

    public async Task<BasicGetResult?> GetAsync(string queue) => await Publisher.BasicGetAsync(queue, autoAck: true);

    public async Task DeclareFanoutAsync(string exchange, params string[] queues)
    {
        await Publisher.ExchangeDeclareAsync(exchange, ExchangeType.Fanout);
        foreach (var queue in queues)
        {
            await Publisher.QueueBindAsync(queue, exchange, string.Empty);
        }
    }

    private async Task<TestQueue> DeclareAsync(Dictionary<string, object?> arguments, bool deadLetters)
    {
        var name = "q-" + Guid.NewGuid().ToString("N")[..10];
        string? deadLetterQueue = null;
        if (deadLetters)
        {
            // The dead-letter exchange the queue's rejected messages go to, and a queue to read them from.
            deadLetterQueue = name + "-dlq";
            await Publisher.ExchangeDeclareAsync(name + "-dlx", ExchangeType.Fanout);
            await Publisher.QueueDeclareAsync(deadLetterQueue, durable: true, exclusive: false, autoDelete: false);
            await Publisher.QueueBindAsync(deadLetterQueue, name + "-dlx", string.Empty);
            arguments["x-dead-letter-exchange"] = name + "-dlx";
        }

        await Publisher.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments);
        return new TestQueue(name, deadLetterQueue);
    }
}

public sealed record TestQueue(string Name, string? DeadLetterQueue);

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqFixture>
{
    public const string Name = "rabbitmq";
}
