using System.Text;
using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Messaging.Kafka.Tests;

// Against librdkafka's mock cluster: a record that cannot be processed yet (in progress elsewhere, store unavailable) is
// not skipped past. Its partition waits, later offsets are neither processed nor committed, and it resumes on its own.
public sealed class MockClusterOrderingTests(KafkaMockCluster cluster) : IClassFixture<KafkaMockCluster>
{
    [Fact]
    public async Task MockCluster_RecordInProgressElsewhere_NotSkippedPast_LaterOffsetsWaitUncommitted()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var store = new InMemoryIdempotencyStore();
        var runs = new HandlerRuns();
        var bodies = Enumerable.Range(0, 5).Select(i => TestEvents.Body($"evt-{i}", sequence: i)).ToList();
        foreach (var body in bodies)
        {
            await cluster.ProduceAsync(topic, body, partition: 0, headers: TestEvents.Headers());
        }

        // Another instance of the same service is running evt-1's handler and holds its lease; later it fails.
        await using var other = new ServiceCollection().AddSingleton<IIdempotencyStore>(store)
            .AddIdempotency(o => o.ServiceName = "billing").AddIdempotentConsumer().Services.BuildServiceProvider();
        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var elsewhere = other.GetRequiredService<IIdempotentConsumer>().ProcessAsync(
            new InboundMessage(TestEvents.EventType, Encoding.UTF8.GetBytes(bodies[1])),
            "charge",
            async (m, _) =>
            {
                runs.Count("elsewhere", m);
                holding.SetResult();
                await release.Task;
                throw new InvalidOperationException("the other instance's run failed");
            },
            CancellationToken.None).AsTask();
        await holding.Task;

        // MaxDeliveries 2: the many in-progress retries must not count, or evt-1's one failure here would dead-letter it.
        await using (await KafkaTestConsumer.Create(
            cluster,
            store,
            group,
            topic,
            o => o.AddHandler("charge", (m, _, _) =>
            {
                var n = runs.Count("charge", m);
                return TestEvents.EventId(m) == "evt-1" && n == 1 ? throw new InvalidOperationException("card declined") : ValueTask.CompletedTask;
            }),
            consumer: o => o.MaxDeliveries = 2).StartAsync())
        {
            await TestWait.UntilAsync(() => runs["charge", "evt-0"] == 1);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // the consumer retries evt-1 every 100 ms meanwhile

            Assert.Equal(0, runs["charge", "evt-1"]);
            Assert.Equal(0, runs["charge", "evt-2"]);
            Assert.Equal([1, 0, 0, 0], cluster.Committed(group, topic)); // evt-0 committed, evt-1 and later not

            release.SetResult();
            Assert.Equal(MessageOutcome.Failed, (await elsewhere).Outcome); // released: this consumer takes evt-1 over
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(1, runs["elsewhere", "evt-1"]);
        Assert.Equal(2, runs["charge", "evt-1"]); // failed once, then succeeded on its second delivery to a handler
        Assert.All(Enumerable.Range(2, 3), i => Assert.Equal(1, runs["charge", $"evt-{i}"]));
    }

    [Fact]
    public async Task MockCluster_StoreOutage_NothingRunOrCommitted_ProcessingResumesWhenStoreReturns()
    {
        var (topic, group) = TestWait.TopicAndGroup();
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        var runs = new HandlerRuns();
        for (var i = 0; i < 40; i++)
        {
            await cluster.ProduceAsync(topic, TestEvents.Body($"evt-{i}"), key: $"evt-{i}", headers: TestEvents.Headers());
        }

        // A small buffer: partitions are paused while their first record waits for the store, and resumed after.
        store.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        await using (await KafkaTestConsumer.Create(cluster, store, group, topic, o =>
        {
            o.MaxBufferedPerPartition = 3;
            o.AddHandler("charge", (m, _, _) =>
            {
                runs.Count("charge", m);
                return ValueTask.CompletedTask;
            });
        }).StartAsync())
        {
            await TestWait.UntilAsync(() => store.InjectedFaultCount >= 20); // every partition retried its first record several times
            Assert.Equal(0, runs.Total);
            Assert.Equal([0, 0, 0, 0], cluster.Committed(group, topic));

            store.HealAll();
            await cluster.WaitUntilCommittedAsync(group, topic);
        }

        Assert.Equal(40, runs.All.Count);
        Assert.All(runs.All, r => Assert.Equal(1, r.Value));
    }
}
