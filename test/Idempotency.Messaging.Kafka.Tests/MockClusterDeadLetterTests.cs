using System.Text;
using Confluent.Kafka;
using Idempotency.Testing;
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
    public async Task MockCluster_OneHandlerConflicts_AnotherNeedsARetry_RetriedUntilItRan_ThenDeadLettered()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var runs = new HandlerRuns();
        var chargeAttempts = 0;

        // evt-1 reaches the audit first as a refund; then as a charge with another payload: a conflict for the audit
        // alone, while the charge is new to the card handler, whose first run fails.
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1", amount: 10), partition: 0, headers: TestEvents.Headers(eventType: "payment.refunded"));
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1", amount: 99), partition: 0, headers: TestEvents.Headers());

        await using (await KafkaTestConsumer.Create(cluster, new InMemoryIdempotencyStore(), group, topic, o =>
        {
            o.AddHandler("audit", (m, _, _) =>
            {
                runs.Count("audit", m);
                return ValueTask.CompletedTask;
            });
            o.AddHandler("charge-card", TestEvents.EventType, (m, _, _) =>
            {
                if (Interlocked.Increment(ref chargeAttempts) == 1)
                {
                    throw new TimeoutException("card network");
                }

                runs.Count("charge-card", m);
                return ValueTask.CompletedTask;
            });
        }).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(2, chargeAttempts);
        Assert.Equal(1, runs["charge-card", "evt-1"]);
        Assert.Equal(1, runs["audit", "evt-1"]);
        var dead = Assert.Single(cluster.ReadAll(topic + ".dlq", expected: 1));
        Assert.Equal("Conflict", Header(dead, KafkaDeadLetters.OutcomeHeader));
        Assert.Equal("audit", Header(dead, KafkaDeadLetters.HandlerHeader));
        Assert.Equal($"{topic}/0/1", Header(dead, KafkaDeadLetters.SourceHeader));
    }

    [Fact]
    public async Task MockCluster_ProcessingThrowsOnEveryDelivery_DeadLetteredAfterMaxDeliveries_NotRetriedForever()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var runs = new HandlerRuns();
        var told = new List<KafkaDeadLetter>();
        await cluster.ProduceAsync(topic, TestEvents.Body("evt-1"), partition: 0, headers: TestEvents.Headers());

        // Not a handler failure: the store answers the claim with an exception the engine passes on, so processing
        // itself throws, on every delivery.
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.Throw(IdempotencyStoreOperation.Claim, () => new IdempotencyStorePayloadTooLargeException("key", 500_000, 400_000));

        await using (await KafkaTestConsumer.Create(
            cluster,
            store,
            group,
            topic,
            o =>
            {
                o.AddHandler("charge", (m, _, _) =>
                {
                    runs.Count("charge", m);
                    return ValueTask.CompletedTask;
                });
                o.OnDeadLetter = (dead, _) =>
                {
                    lock (told)
                    {
                        told.Add(dead);
                    }

                    return ValueTask.CompletedTask;
                };
            },
            consumer: o => o.MaxDeliveries = 3).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(0, runs.Total);
        Assert.Equal(3, store.InjectedFaultCount);
        var callback = Assert.Single(told);
        Assert.Null(callback.Handler);
        Assert.Null(callback.Result);
        Assert.StartsWith("processing the record threw IdempotencyStorePayloadTooLargeException on delivery 3 of at most 3", callback.Reason, StringComparison.Ordinal);
        var dead = Assert.Single(cluster.ReadAll(topic + ".dlq", expected: 1));
        Assert.Equal("Failed", Header(dead, KafkaDeadLetters.OutcomeHeader));
        Assert.Equal(callback.Reason, Header(dead, KafkaDeadLetters.ReasonHeader));
        Assert.False(dead.Message.Headers.TryGetLastBytes(KafkaDeadLetters.HandlerHeader, out _));
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
            o.OnDeadLetter = (dead, _) =>
            {
                lock (calls)
                {
                    calls.Add((dead.Record.Offset.Value, dead.Result!.Outcome));
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
