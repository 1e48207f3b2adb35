using System.Collections.Concurrent;
using Idempotency.Testing;

namespace Idempotency.Messaging.RabbitMQ.Tests;

[Collection(RabbitMqCollection.Name)]
public sealed class OutageTests(RabbitMqFixture rabbit)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StoreOutage_NothingAcknowledged_ProcessingResumesWhenTheStoreReturns()
    {
        var queue = await rabbit.QuorumQueueAsync(deliveryLimit: 1000);
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        foreach (var operation in Enum.GetValues<IdempotencyStoreOperation>())
        {
            store.ThrowUnavailable(operation);
        }

        var runs = new ConcurrentDictionary<string, int>();
        void Configure(RabbitMqConsumerOptions o) => o.AddHandler("charge", (m, _, _) =>
        {
            runs.AddOrUpdate(Events.EventId(m), 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        });

        await using (var first = await ConsumerApp.StartAsync(rabbit, queue.Name, Configure, store, engine: Retry))
        {
            foreach (var i in Enumerable.Range(0, 20))
            {
                await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body($"evt-{i}"), Events.Properties());
            }

            // Every delivery is refused by the store (fail-closed) and requeued, again and again.
            await Events.EventuallyAsync(() => store.InjectedFaultCount >= 60, Timeout, () => $"{store.InjectedFaultCount} store calls refused");
        }

        // Nothing was acknowledged: closing the channel hands all 20 back (the quorum queue takes them back asynchronously).
        Assert.Empty(runs);
        await rabbit.ReadyCountReachesAsync(queue.Name, 20, TimeSpan.FromSeconds(10));

        // A consumer running through the outage picks up by itself once the store is back.
        await using var second = await ConsumerApp.StartAsync(rabbit, queue.Name, Configure, store, engine: Retry);
        var faults = store.InjectedFaultCount;
        await Events.EventuallyAsync(() => store.InjectedFaultCount >= faults + 20, Timeout, () => "the second consumer saw no outage");
        store.HealAll();
        await Events.EventuallyAsync(() => runs.Count == 20, Timeout, () => $"{runs.Count} events ran");
        await rabbit.DrainedAsync(queue.Name, Timeout);
        await second.StopAsync();

        Assert.All(runs, pair => Assert.True(pair.Value == 1, $"{pair.Key} ran {pair.Value} times"));
        Assert.Equal(0u, await rabbit.ReadyCountAsync(queue.Name));
    }

    // The engine suggests a retry delay when the store is down; the consumer holds each delivery that long before requeueing.
    private static void Retry(IdempotencyOptions options) => options.DefaultPolicy.StoreUnavailableRetryAfter = TimeSpan.FromMilliseconds(100);
}
