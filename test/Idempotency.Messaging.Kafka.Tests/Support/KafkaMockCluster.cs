using System.Text;
using Confluent.Kafka;

namespace Idempotency.Messaging.Kafka.Tests;

/// <summary>
/// librdkafka's built-in mock cluster (<c>test.mock.num.brokers=3</c>): three brokers on loopback ports inside this test
/// process, speaking the real Kafka protocol to the real Confluent.Kafka client (no broker can be installed on the build
/// machines). The client that creates it owns it, so it lives as long as the fixture; its brokers' addresses, read from
/// the metadata, are the bootstrap servers every other client uses, child processes included. Topics are created on
/// first produce, with 4 partitions.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    public const int PartitionsPerTopic = 4;
    private readonly IAdminClient _owner;
    private readonly IProducer<string?, string> _producer;

    public KafkaMockCluster()
    {
        var config = new AdminClientConfig { BootstrapServers = "ignored:9092" };
        config.Set("test.mock.num.brokers", "3");
        _owner = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        var metadata = _owner.GetMetadata(TimeSpan.FromSeconds(10));
        BootstrapServers = string.Join(',', metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
        Assert.True(metadata.Brokers.Count == 3, $"The mock cluster has {metadata.Brokers.Count} brokers: {BootstrapServers}");
        _producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = BootstrapServers, LingerMs = 5 })
            .SetLogHandler((_, _) => { })
            .Build();
    }

    /// <summary>Gets the mock brokers' addresses (127.0.0.1 and ports chosen by librdkafka).</summary>
    public string BootstrapServers { get; }

    /// <summary>Produces one record and waits for the brokers' acknowledgement.</summary>
    public Task<DeliveryResult<string?, string>> ProduceAsync(string topic, string body, string? key = null, int? partition = null, params (string Name, string Value)[] headers)
    {
        var message = new Message<string?, string> { Key = key, Value = body, Headers = [] };
        foreach (var (name, value) in headers)
        {
            message.Headers.Add(name, Encoding.UTF8.GetBytes(value));
        }

        return partition is int p
            ? _producer.ProduceAsync(new TopicPartition(topic, new Partition(p)), message)
            : _producer.ProduceAsync(topic, message);
    }

    /// <summary>Makes sure a topic exists (the mock cluster creates it on the first record a client sends or asks metadata for).</summary>
    public void CreateTopic(string topic)
    {
        var metadata = _owner.GetMetadata(topic, TimeSpan.FromSeconds(10));
        Assert.Equal(PartitionsPerTopic, metadata.Topics.Single().Partitions.Count);
    }

    /// <summary>Gets the group's committed offset of every partition of a topic (0 when none).</summary>
    public long[] Committed(string groupId, string topic)
    {
        using var reader = Reader(groupId);
        var partitions = Enumerable.Range(0, PartitionsPerTopic).Select(p => new TopicPartition(topic, p));
        return [.. reader.Committed(partitions, TimeSpan.FromSeconds(10)).OrderBy(p => p.Partition.Value).Select(p => Math.Max(p.Offset.Value, 0))];
    }

    /// <summary>Gets the end offset of every partition of a topic.</summary>
    public long[] EndOffsets(string topic)
    {
        using var reader = Reader("watermarks");
        return [.. Enumerable.Range(0, PartitionsPerTopic).Select(p => reader.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value)];
    }

    /// <summary>Reads every record of a topic from the beginning (for dead-letter topics), waiting for <paramref name="expected"/> records.</summary>
    public List<ConsumeResult<string?, string>> ReadAll(string topic, int expected)
    {
        using var reader = Reader("reader-" + Guid.NewGuid().ToString("N"));
        reader.Assign(Enumerable.Range(0, PartitionsPerTopic).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string?, string>>();
        var deadline = DateTime.UtcNow + TestWait.Timeout;
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (reader.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Waits until the group has committed every record of the topic, or fails saying where it stands.</summary>
    public Task WaitUntilCommittedAsync(string groupId, string topic)
    {
        var end = EndOffsets(topic);
        long[] committed = [];
        return TestWait.UntilAsync(
            () => (committed = Committed(groupId, topic)).SequenceEqual(end),
            () => $"Group {groupId} committed [{string.Join(", ", committed)}] of [{string.Join(", ", end)}] within {TestWait.Timeout}.");
    }

    public void Dispose()
    {
        _producer.Dispose();
        _owner.Dispose();
    }

    private IConsumer<string?, string> Reader(string groupId) =>
        new ConsumerBuilder<string?, string>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = groupId, EnableAutoCommit = false })
            .SetLogHandler((_, _) => { })
            .Build();
}
