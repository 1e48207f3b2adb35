using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace EventsWorker;

/// <summary>
/// Kafka: one topic, one consumer group of both consumer processes. Without <c>--url</c> it runs on librdkafka's
/// built-in mock cluster (three brokers inside this process speaking the real protocol to the real client), so it
/// needs no Kafka installed.
/// </summary>
internal sealed class KafkaTransport : BrokerTransport
{
    private readonly string _topic = "events-worker-" + RunId;
    private readonly IAdminClient? _mockCluster;
    private readonly string _bootstrapServers;

    public KafkaTransport(string? bootstrapServers)
    {
        if (bootstrapServers is null)
        {
            var config = new AdminClientConfig { BootstrapServers = "mock:9092" };
            config.Set("test.mock.num.brokers", "3");
            _mockCluster = new AdminClientBuilder(config).SetLogHandler(static (_, _) => { }).Build();
            bootstrapServers = string.Join(',', _mockCluster.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Select(b => $"{b.Host}:{b.Port}"));
        }

        _bootstrapServers = bootstrapServers;
    }

    public override string Description => (_mockCluster is null ? $"Kafka at {_bootstrapServers}" : "Kafka: librdkafka's mock cluster, 3 brokers in this process") + $" (topic {_topic})";

    public override Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask; // created on first produce

    public override async Task PublishAsync(IReadOnlyList<BrokerMessage> messages, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = _bootstrapServers, LingerMs = 5 }).SetLogHandler(static (_, _) => { }).Build();
        foreach (var message in messages)
        {
            var headers = new Headers { { "event-type", Encoding.UTF8.GetBytes(message.EventType) }, { "message-id", Encoding.UTF8.GetBytes(message.MessageId) } };
            producer.Produce(_topic, new Message<Null, byte[]> { Value = message.Body, Headers = headers });
        }

        producer.Flush(cancellationToken);
        await Task.CompletedTask;
    }

    public override void AddConsumer(IIdempotencyBuilder builder, Handlers handlers) =>
        builder.AddIdempotentKafkaConsumer(o =>
        {
            o.ConsumerConfig = new ConsumerConfig { BootstrapServers = _bootstrapServers, GroupId = _topic, AutoOffsetReset = AutoOffsetReset.Earliest };
            o.Topics.Add(_topic);
            o.RetryBackoff = TimeSpan.FromMilliseconds(200);
            o.DeadLetterTopic = _topic + ".dead-letter";
            foreach (var (handler, eventType) in Handlers.Registrations)
            {
                o.AddHandler(handler, eventType, (message, _, ct) => handlers.RunAsync(handler, message, ct));
            }
        });

    public override ValueTask DisposeAsync()
    {
        _mockCluster?.Dispose();
        return ValueTask.CompletedTask;
    }
}
