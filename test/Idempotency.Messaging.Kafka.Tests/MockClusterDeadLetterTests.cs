using System.Text;
using Confluent.Kafka;
using Idempotency.Messaging.Kafka.Internal;

namespace Idempotency.Messaging.Kafka.Tests;

// Against librdkafka's mock cluster: poison records go to the dead-letter topic (or callback) and only then is their
// offset committed; the partition goes on after them.
public sealed class MockClusterDeadLetterTests(KafkaMockCluster cluster) : IClassFixture<KafkaMockCluster>
{
    [Fact]
    public async Task MockCluster_SameKeyDifferentPayload_ConflictDeadLetteredToTopicThenCommitted()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var runs = new HandlerRuns();
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1", amount: 10), partition: 0, headers: TestEvents.Headers("msg-1"));
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1", amount: 99), partition: 0, headers: TestEvents.Headers("msg-1"));
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-2"), partition: 0, headers: TestEvents.Headers("msg-2"));

        await using (await KafkaTestConsumer.Create(cluster, new InMemoryIdempotencyStore(), group, topic, o => o.AddHandler("charge", (m, _, _) =>
        {
            runs.Count("charge", m);
            return ValueTask.CompletedTask;
        })).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(1, runs["charge", "evt-1"]);
        Assert.Equal(1, runs["charge", "evt-2"]);
        var dead = Assert.Single(cluster.ReadAll(topic + ".dlq", expected: 1));
        Assert.Contains("\"amount\":99", dead.Message.Value, StringComparison.Ordinal);
        Assert.Equal("Conflict", Header(dead, KafkaDeadLetters.OutcomeHeader));
        Assert.Equal("charge", Header(dead, KafkaDeadLetters.HandlerHeader));
        Assert.Equal($"{topic}/0/1", Header(dead, KafkaDeadLetters.SourceHeader));
        Assert.Equal("msg-1", Header(dead, "message-id")); // the original headers travel along
    }

    [Fact]
    public async Task MockCluster_HandlerFailsOnEveryDelivery_DeadLetteredAfterMaxDeliveries()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var runs = new HandlerRuns();
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1"), partition: 0, headers: TestEvents.Headers());
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-2"), partition: 0, headers: TestEvents.Headers());

        await using (await KafkaTestConsumer.Create(
            cluster,
            new InMemoryIdempotencyStore(),
            group,
            topic,
            o => o.AddHandler("charge", (m, _, _) =>
            {
                runs.Count("charge", m);
                return TestEvents.EventId(m) == "evt-1" ? throw new InvalidOperationException("card declined") : ValueTask.CompletedTask;
            }),
            consumer: o => o.MaxDeliveries = 3).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(3, runs["charge", "evt-1"]);
        Assert.Equal(1, runs["charge", "evt-2"]);
        var dead = Assert.Single(cluster.ReadAll(topic + ".dlq", expected: 1));
        Assert.Equal("Failed", Header(dead, KafkaDeadLetters.OutcomeHeader));
        Assert.Contains("delivery 3 of at most 3", Header(dead, KafkaDeadLetters.ReasonHeader), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MockCluster_DeadLetterCallbackFailsOnce_RecordNotCommittedUntilItSucceeds()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var calls = new List<(long Offset, MessageOutcome Outcome)>();
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1", amount: 10), partition: 0, headers: TestEvents.Headers());
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1", amount: 99), partition: 0, headers: TestEvents.Headers());

        await using (await KafkaTestConsumer.Create(cluster, new InMemoryIdempotencyStore(), group, topic, o =>
        {
            o.DeadLetterTopic = null;
            o.OnDeadLetter = (record, result, _) =>
            {
                lock (calls)
                {
                    calls.Add((record.Offset.Value, result.Outcome));
                    return calls.Count == 1 ? throw new InvalidOperationException("dead-letter store down") : ValueTask.CompletedTask;
                }
            };
            o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask);
        }).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal([(1, MessageOutcome.Conflict), (1, MessageOutcome.Conflict)], calls);
    }

    private static string Header(ConsumeResult<string?, string> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));
}
