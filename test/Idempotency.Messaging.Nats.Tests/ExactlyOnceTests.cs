using NATS.Client.JetStream.Models;
using Xunit.Abstractions;

namespace Idempotency.Messaging.Nats.Tests;

// SPEC §5 through a real JetStream: however often the stream holds or delivers an event, its handler runs once.
public sealed class ExactlyOnceTests(NatsFixture nats, ITestOutputHelper output) : IClassFixture<NatsFixture>
{
    [Fact]
    public async Task ThousandEventsWithThirtyPercentDuplicatesAndRedeliveries_TwoInstances_HandlerRunsOncePerEvent()
    {
        const int Events = 1000;
        const int ProducerRetries = 150;
        const int Replayed = 150;
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing");

        // 1 000 events and 150 producer retries (same event id, a new Nats-Msg-Id, so JetStream's own deduplication does
        // not catch them): half right behind their original, so the two instances get both at once, half anywhere.
        var random = new Random(9);
        var publications = Enumerable.Range(0, Events).OrderBy(_ => random.Next()).Select(i => (EventId: $"evt-{i}", MessageId: $"evt-{i}")).ToList();
        foreach (var (i, n) in Enumerable.Range(0, Events).OrderBy(_ => random.Next()).Take(ProducerRetries).Select((i, n) => (i, n)))
        {
            var at = n % 2 == 0 ? publications.FindIndex(p => p.EventId == $"evt-{i}") + 1 : random.Next(publications.Count + 1);
            publications.Insert(at, (EventId: $"evt-{i}", MessageId: $"evt-{i}-retry"));
        }

        foreach (var (eventId, messageId) in publications)
        {
            await stream.PublishAsync(eventId, messageId: messageId);
        }

        var store = new InMemoryIdempotencyStore();
        var runs = new HandlerRuns();
        void Configure(NatsConsumerOptions o)
        {
            o.Consumer = "billing";
            o.ConcurrentDeliveries = 4;
            o.AddHandler("charge-card", runs.Handler("charge-card"));
        }

        // Two instances of one service on one durable consumer: concurrent duplicates meet as "in progress" and are
        // redelivered (a real JetStream redelivery, NumDelivered > 1) until the first one's record is there.
        long processed = 0, duplicates = 0, inProgress = 0;
        async Task ConsumeAllAsync(ulong answered)
        {
            await using var first = new ConsumerHost(stream, store, Configure);
            await using var second = new ConsumerHost(stream, store, Configure);
            await first.StartAsync();
            await second.StartAsync();
            await stream.WaitUntilAllAnsweredAsync("billing", answered, TimeSpan.FromSeconds(60));
            await first.StopAsync();
            await second.StopAsync();
            processed += first.Count(MessageOutcome.Processed) + second.Count(MessageOutcome.Processed);
            duplicates += first.Count(MessageOutcome.Duplicate) + second.Count(MessageOutcome.Duplicate);
            inProgress += first.Count(MessageOutcome.InProgress) + second.Count(MessageOutcome.InProgress);
        }

        await ConsumeAllAsync((ulong)publications.Count);

        // The consumer is reset to replay the last 150 stream messages (an operator's replay, a consumer recreated after
        // a crash): JetStream delivers each of them again.
        var replayFrom = (ulong)(publications.Count - Replayed + 1);
        await stream.JetStream.DeleteConsumerAsync(stream.Name, "billing");
        await stream.CreateConsumerAsync("billing", c =>
        {
            c.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence;
            c.OptStartSeq = replayFrom;
        });
        await ConsumeAllAsync((ulong)publications.Count);

        Assert.Equal(Events, runs.DistinctEvents("charge-card"));
        Assert.All(runs.CountsOf("charge-card"), n => Assert.Equal(1, n));
        Assert.Equal(Events, processed);
        Assert.Equal(ProducerRetries + Replayed, duplicates); // 30 % of the events, each skipped once
        output.WriteLine($"{publications.Count + Replayed} messages delivered; {inProgress} deliveries met a concurrent duplicate in progress and were redelivered");
    }
}
