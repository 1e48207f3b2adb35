namespace Idempotency.Messaging.Kafka.Tests;

// Against librdkafka's mock cluster (the real protocol and client, no Kafka broker): a handler runs once per event and
// handler however often Kafka delivers it, and every record is committed.
public sealed class MockClusterDeliveryTests(KafkaMockCluster cluster) : IClassFixture<KafkaMockCluster>
{
    [Fact]
    public async Task MockCluster_ThousandEventsWithThirtyPercentDuplicatesAndRedeliveries_HandlerRunsEqualDistinctEvents()
    {
        var topic = TestWait.Unique("payments");
        var store = new InMemoryIdempotencyStore();
        var runs = new HandlerRuns();

        // 1 000 events keyed by id, then 300 re-publishes of some of them without a key: a re-published copy lands on
        // another partition and is processed there at the same time as, or after, the original.
        var publishes = Enumerable.Range(0, 1000).Select(i => (Id: $"evt-{i}", Keyed: true))
            .Concat(Enumerable.Range(0, 300).Select(i => (Id: $"evt-{i * 3 % 1000}", Keyed: false)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();
        await Task.WhenAll(publishes.Select(p => cluster.ProduceAsync(topic, TestEvents.Body(p.Id), p.Keyed ? p.Id : null, headers: TestEvents.Headers())));

        // Two instances of the service in one group; one stops mid-stream, so its partitions move to the other (a
        // rebalance: what was done is committed first, what was buffered is delivered again to the new owner).
        var group = TestWait.Unique("group");
        var byInstance = new int[3];
        Action<KafkaConsumerOptions> Handler(int instance) => o =>
        {
            o.MaxBufferedPerPartition = 50; // partitions pause and resume along the way
            o.AddHandler("charge", async (m, _, ct) =>
            {
                runs.Count("charge", m);
                Interlocked.Increment(ref byInstance[instance]);
                await Task.Delay(3, ct);
            });
        };
        await using (await KafkaTestConsumer.Create(cluster, store, group, topic, Handler(0)).StartAsync())
        {
            await using (await KafkaTestConsumer.Create(cluster, store, group, topic, Handler(1)).StartAsync())
            {
                await TestWait.UntilAsync(() => Volatile.Read(ref byInstance[1]) >= 20);
            }

            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.True(byInstance[0] > 0 && byInstance[1] > 0, $"Both instances process: {byInstance[0]} and {byInstance[1]} runs.");

        // Redelivery: a second consumer group of the same service reads all 1 300 records again.
        var again = TestWait.Unique("group");
        await using (await KafkaTestConsumer.Create(cluster, store, again, topic, Handler(2)).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(again, topic);
        }

        Assert.Equal(1000, runs.All.Count);
        Assert.All(runs.All, r => Assert.Equal(1, r.Value));
        Assert.Equal(1300, cluster.EndOffsets(topic).Sum());
    }

    [Fact]
    public async Task MockCluster_HandlerThrowsOnce_ReleasedAndProcessedAgainInPlace_RunsOnceMoreAndLaterRecordsWait()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var runs = new HandlerRuns();
        var order = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            await cluster.ProduceAsync(topic, TestEvents.Body($"evt-{i}", sequence: i), partition: 0, headers: TestEvents.Headers());
        }

        await using (await KafkaTestConsumer.Create(cluster, new InMemoryIdempotencyStore(), group, topic, o => o.AddHandler("charge", (m, _, _) =>
        {
            var n = runs.Count("charge", m);
            lock (order)
            {
                order.Add(TestEvents.Sequence(m));
            }

            return TestEvents.EventId(m) == "evt-2" && n == 1 ? throw new InvalidOperationException("card declined") : ValueTask.CompletedTask;
        })).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(2, runs["charge", "evt-2"]);
        Assert.All(runs.All.Where(r => r.Key.EventId != "evt-2"), r => Assert.Equal(1, r.Value));
        Assert.Equal([0, 1, 2, 2, 3, 4], order); // evt-3 waited for evt-2's second delivery
    }

    [Fact]
    public async Task MockCluster_TwoHandlersOfOneEvent_EachRunsOnce()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var runs = new HandlerRuns();
        for (var i = 0; i < 50; i++)
        {
            await cluster.ProduceAsync(topic, TestEvents.Body($"evt-{i % 25}"), headers: TestEvents.Headers());
        }

        await using (await KafkaTestConsumer.Create(cluster, new InMemoryIdempotencyStore(), group, topic, o => o
            .AddHandler("charge", (m, _, _) => Count(runs, "charge", m))
            .AddHandler("receipt", (m, _, _) => Count(runs, "receipt", m))
            .AddHandler("refund", "payment.refunded", (m, _, _) => Count(runs, "refund", m))).StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(50, runs.All.Count);
        Assert.Equal(25, runs.All.Count(r => r.Key.Handler == "charge"));
        Assert.Equal(25, runs.All.Count(r => r.Key.Handler == "receipt"));
        Assert.All(runs.All, r => Assert.Equal(1, r.Value));
    }

    [Fact]
    public async Task MockCluster_TwoServicesOnOneStore_EachRunsOnce()
    {
        var topic = TestWait.Unique("payments");
        var store = new InMemoryIdempotencyStore();
        var runs = new HandlerRuns();
        for (var i = 0; i < 60; i++)
        {
            await cluster.ProduceAsync(topic, TestEvents.Body($"evt-{i % 30}"), headers: TestEvents.Headers());
        }

        // Two services, each its own consumer group, one handler name: records are namespaced by service.
        var billing = TestWait.Unique("billing");
        var ledger = TestWait.Unique("ledger");
        await using (await KafkaTestConsumer.Create(cluster, store, billing, topic, o => o.AddHandler("apply", (m, _, _) => Count(runs, "billing", m)), service: "billing").StartAsync())
        await using (await KafkaTestConsumer.Create(cluster, store, ledger, topic, o => o.AddHandler("apply", (m, _, _) => Count(runs, "ledger", m)), service: "ledger").StartAsync())
        {
            await cluster.WaitUntilCommittedAsync(billing, topic);
            await cluster.WaitUntilCommittedAsync(ledger, topic);
        }

        Assert.Equal(30, runs.All.Count(r => r.Key.Handler == "billing"));
        Assert.Equal(30, runs.All.Count(r => r.Key.Handler == "ledger"));
        Assert.All(runs.All, r => Assert.Equal(1, r.Value));
    }


    private static ValueTask Count(HandlerRuns runs, string handler, InboundMessage message)
    {
        runs.Count(handler, message);
        return ValueTask.CompletedTask;
    }
}
