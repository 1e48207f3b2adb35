using System.Diagnostics;
using System.Globalization;
using Idempotency.Messaging.RabbitMQ;
using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// RabbitMQ on a real node (the test fixture). Each batch gets a quorum queue of its own (<c>x-delivery-limit</c> 20,
/// persistent messages), and each consumer a channel of its own on one shared connection. The floor is RabbitMQ.Client's
/// <see cref="AsyncEventingBasicConsumer"/> with the adapter's defaults: <c>basic.qos</c> prefetch
/// <see cref="RabbitMqConsumerOptions.PrefetchCount"/>, <see cref="RabbitMqConsumerOptions.ConcurrentDeliveries"/> as the
/// channel's dispatch concurrency, manual acks, each message acknowledged after the handler.
/// </summary>
internal sealed class RabbitMqBench : IBrokerBench
{
    private const int DeliveryLimit = 20;
    private static readonly RabbitMqConsumerOptions Defaults = new();

    private readonly RabbitMqServer _server = new();
    private readonly IIdempotencyStore _redisStore;
    private IConnection _publisher = null!;
    private IConnection _consumers = null!;
    private IChannel _channel = null!;
    private int _destinations;

    private RabbitMqBench(IIdempotencyStore redisStore) => _redisStore = redisStore;

    public string Name => "rabbitmq";

    public string Settings => string.Create(CultureInfo.InvariantCulture, $"quorum queue, persistent messages, manual acks, prefetch {Defaults.PrefetchCount} and dispatch concurrency {Defaults.ConcurrentDeliveries} (the defaults)");

    public static async Task<RabbitMqBench> StartAsync(IIdempotencyStore redisStore)
    {
        var bench = new RabbitMqBench(redisStore);
        await bench._server.InitializeAsync();
        var factory = new ConnectionFactory { Uri = bench._server.AmqpUri };
        bench._publisher = await factory.CreateConnectionAsync("bench-publisher");
        bench._consumers = await factory.CreateConnectionAsync("bench-consumers");
        bench._channel = await bench._publisher.CreateChannelAsync();
        return bench;
    }

    public async Task<string> PublishAsync(IReadOnlyList<BenchEvent> events)
    {
        var queue = "b" + Interlocked.Increment(ref _destinations).ToString(CultureInfo.InvariantCulture);
        await _channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-delivery-limit"] = DeliveryLimit });
        foreach (var e in events)
        {
            var properties = new BasicProperties { Type = BenchEvents.EventType, MessageId = e.MessageId, Persistent = true };
            await _channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, e.Body);
        }

        // Without publisher confirms: the queue's count says when the broker holds them all.
        var waited = Stopwatch.StartNew();
        while ((await _channel.QueueDeclarePassiveAsync(queue)).MessageCount < events.Count)
        {
            if (waited.Elapsed > MessagingBench.Timeout)
            {
                throw new TimeoutException($"Queue {queue} did not receive {events.Count} messages.");
            }

            await Task.Delay(20);
        }

        return queue;
    }

    public async Task<IAsyncDisposable> StartAsync(Contender contender, string destination, BatchClock clock)
    {
        if (contender != Contender.Floor)
        {
            return await LibraryHost.StartAsync(
                contender,
                _redisStore,
                services => services.AddSingleton(_consumers),
                builder => builder.AddIdempotentRabbitMqConsumer(destination, o =>
                {
                    o.DeliveryLimit = DeliveryLimit;
                    o.AddHandler(LibraryHost.HandlerName, (message, _, _) =>
                    {
                        clock.Run(message.Body.Span);
                        return ValueTask.CompletedTask;
                    });
                }));
        }

        return await Floor.StartAsync(_consumers, destination, clock);
    }

    public async Task<long> UnansweredAsync(string destination)
    {
        // A closed channel's unacknowledged deliveries go back to the queue: give the quorum queue a moment to count them.
        await Task.Delay(500);
        return (await _channel.QueueDeclarePassiveAsync(destination)).MessageCount;
    }

    public async Task DeleteAsync(string destination) => await _channel.QueueDeleteAsync(destination);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _consumers.DisposeAsync();
        await _publisher.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>The floor: the client's async consumer, the handler, a <c>basic.ack</c>.</summary>
    private sealed class Floor : IAsyncDisposable
    {
        private readonly IChannel _channel;
        private string _consumerTag = string.Empty;
        private int _running;

        private Floor(IChannel channel) => _channel = channel;

        public static async Task<Floor> StartAsync(IConnection connection, string queue, BatchClock clock)
        {
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: Defaults.ConcurrentDeliveries));
            await channel.BasicQosAsync(0, Defaults.PrefetchCount, global: false);
            var floor = new Floor(channel);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                Interlocked.Increment(ref floor._running);
                try
                {
                    clock.Run(delivery.Body.Span);
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                }
                finally
                {
                    Interlocked.Decrement(ref floor._running);
                }
            };
            floor._consumerTag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
            return floor;
        }

        // As the adapter does: stop consuming, let running deliveries finish (their acks sent), then close.
        public async ValueTask DisposeAsync()
        {
            await _channel.BasicCancelAsync(_consumerTag);
            while (Volatile.Read(ref _running) > 0)
            {
                await Task.Delay(1);
            }

            await _channel.CloseAsync();
            await _channel.DisposeAsync();
        }
    }
}
