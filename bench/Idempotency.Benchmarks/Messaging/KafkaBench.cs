using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Idempotency.Messaging.Kafka.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// Kafka on librdkafka's built-in mock cluster (<c>test.mock.num.brokers</c>: no broker can be installed here), which
/// speaks the real protocol to the real Confluent.Kafka client, inside this process. Each batch gets a topic of its own,
/// its records all in partition 0, and each consumer a group of its own. One partition, because the adapter processes a
/// partition's records one at a time, in order: with one partition both sides run one handler at a time. (The mock
/// cluster creates topics on first use with 4 partitions and has no controller for CreateTopics; the other 3 stay empty.) The floor is the usual
/// Confluent.Kafka loop with the settings the adapter forces (<c>enable.auto.offset.store=false</c>,
/// <c>enable.auto.commit=true</c>, offsets stored after the handler) and its poll interval. Both join their group with
/// the consumer group protocol (KIP-848, <c>group.protocol=consumer</c>): with the classic protocol the mock cluster took
/// 3 s or more to form each new group, which would make a run take minutes; membership is all it changes, not how records are
/// fetched, handled or committed, and it is outside the timed window either way.
/// </summary>
internal sealed class KafkaBench : IBrokerBench
{
    private readonly IIdempotencyStore _redisStore;
    private readonly IAdminClient _cluster;
    private readonly IProducer<Null, byte[]> _producer;
    private int _destinations;

    private KafkaBench(IIdempotencyStore redisStore)
    {
        _redisStore = redisStore;
        var config = new AdminClientConfig { BootstrapServers = "ignored:9092" };
        config.Set("test.mock.num.brokers", "1");
        _cluster = new AdminClientBuilder(config).SetLogHandler(static (_, _) => { }).Build();
        var metadata = _cluster.GetMetadata(TimeSpan.FromSeconds(10));
        BootstrapServers = string.Join(',', metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
        _producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers, LingerMs = 5 })
            .SetLogHandler(static (_, _) => { })
            .Build();
    }

    public string Name => "kafka";

    public string Settings => string.Create(CultureInfo.InvariantCulture, $"librdkafka mock cluster (1 broker, in process), one partition, group.protocol=consumer, offsets stored after the handler and auto-committed, poll interval {KafkaConsumerDefaults.PollInterval.TotalMilliseconds} ms");

    private string BootstrapServers { get; }

    public static Task<KafkaBench> StartAsync(IIdempotencyStore redisStore) => Task.FromResult(new KafkaBench(redisStore));

    public Task<string> PublishAsync(IReadOnlyList<BenchEvent> events)
    {
        var topic = "b" + Interlocked.Increment(ref _destinations).ToString(CultureInfo.InvariantCulture);
        var failures = 0;
        foreach (var e in events)
        {
            var message = new Message<Null, byte[]>
            {
                Value = e.Body,
                Headers = [new Header("event-type", Encoding.UTF8.GetBytes(BenchEvents.EventType)), new Header("message-id", Encoding.UTF8.GetBytes(e.MessageId))],
            };
            _producer.Produce(new TopicPartition(topic, 0), message, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        }

        if (_producer.Flush(MessagingBench.Timeout) > 0 || failures > 0)
        {
            throw new InvalidOperationException($"Topic {topic}: {failures} records failed or were not delivered.");
        }

        return Task.FromResult(topic);
    }

    public async Task<IAsyncDisposable> StartAsync(Contender contender, string destination, BatchClock clock)
    {
        if (contender != Contender.Floor)
        {
            return await LibraryHost.StartAsync(
                contender,
                _redisStore,
                static _ => { },
                builder => builder.AddIdempotentKafkaConsumer(o =>
                {
                    o.ConsumerConfig = ConsumerConfig(destination);
                    o.Topics.Add(destination);
                    o.DeadLetterTopic = destination + ".dlq"; // required; nothing goes there
                    o.AddHandler(LibraryHost.HandlerName, (message, _, _) =>
                    {
                        clock.Run(message.Body.Span);
                        return ValueTask.CompletedTask;
                    });
                }));
        }

        return new Floor(ConsumerConfig(destination), destination, clock);
    }

    public Task<long> UnansweredAsync(string destination)
    {
        using var reader = new ConsumerBuilder<Null, Null>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = destination, EnableAutoCommit = false })
            .SetLogHandler(static (_, _) => { })
            .Build();
        var partition = new TopicPartition(destination, 0);
        var committed = reader.Committed([partition], TimeSpan.FromSeconds(10)).Single().Offset.Value;
        var end = reader.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
        return Task.FromResult(end - Math.Max(committed, 0));
    }

    // The mock cluster cannot delete topics (no controller); they live in this process's memory until it ends.
    public Task DeleteAsync(string destination) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _producer.Dispose();
        _cluster.Dispose();
        return ValueTask.CompletedTask;
    }

    // The group is named after the topic: a fresh one per batch, reading from the start.
    private ConsumerConfig ConsumerConfig(string destination) => new()
    {
        BootstrapServers = BootstrapServers,
        GroupId = destination,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        GroupProtocol = GroupProtocol.Consumer,
    };

    /// <summary>The floor: poll, run the handler, store the offset (committed by librdkafka); one thread, as the adapter polls.</summary>
    private sealed class Floor : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Floor(ConsumerConfig config, string topic, BatchClock clock)
        {
            config.EnableAutoOffsetStore = false;
            config.EnableAutoCommit = true;
            _loop = Task.Factory.StartNew(() => Consume(config, topic, clock), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }

        private void Consume(ConsumerConfig config, string topic, BatchClock clock)
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler(static (_, _) => { }).Build();
            consumer.Subscribe(topic);
            while (!_stop.IsCancellationRequested)
            {
                if (consumer.Consume(KafkaConsumerDefaults.PollInterval) is { IsPartitionEOF: false } record)
                {
                    clock.Run(record.Message.Value);
                    consumer.StoreOffset(record);
                }
            }

            // As the adapter does on stop: commit what is stored, then leave the group.
            try
            {
                consumer.Commit();
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
            {
                // Nothing stored since the last commit.
            }

            consumer.Close();
        }
    }
}
