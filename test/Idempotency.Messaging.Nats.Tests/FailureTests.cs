using Idempotency.Testing;

namespace Idempotency.Messaging.Nats.Tests;

// Nothing is acknowledged before its record is durable: a failed handler, a store outage and a long handler each leave
// the message with JetStream, which redelivers it, and it runs once more only when it must.
public sealed class FailureTests(NatsFixture nats) : IClassFixture<NatsFixture>
{
    [Fact]
    public async Task HandlerThrows_ReleasedAndRedelivered_RunsAgainOnce()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c => c.Backoff = [TimeSpan.FromMilliseconds(200)]);
        var runs = new HandlerRuns();
        var attempts = 0;
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = "billing";
            o.AddHandler("charge-card", runs.Handler("charge-card", (eventId, _, _) =>
                eventId == "evt-2" && Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("card declined") : Task.CompletedTask));
        });
        for (var i = 1; i <= 3; i++)
        {
            await stream.PublishAsync($"evt-{i}");
        }

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 3, TimeSpan.FromSeconds(20));

        Assert.Equal(2, attempts); // the failed run and the one after the redelivery
        Assert.Equal(1, runs["charge-card", "evt-2"]);
        Assert.Equal(2, Assert.Single(runs.Seen, s => s.EventId == "evt-2").Message.DeliveryAttempt);
        Assert.Equal(3, runs.Total);
        Assert.Equal(1, host.Count(MessageOutcome.Failed));
        Assert.Equal(3, host.Count(MessageOutcome.Processed));
    }

    [Fact]
    public async Task StoreOutage_NothingAcknowledged_ProcessingResumesWhenTheStoreReturns()
    {
        const int Events = 10;
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c =>
        {
            c.AckWait = TimeSpan.FromSeconds(1);
            c.MaxDeliver = -1; // redelivered for as long as the outage lasts
        });
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        var runs = new HandlerRuns();
        await using var host = new ConsumerHost(
            stream,
            store,
            o =>
            {
                o.Consumer = "billing";
                o.RetryHorizon = TimeSpan.FromHours(1); // what an unlimited consumer must be told
                o.ConcurrentDeliveries = 4;
                o.AddHandler("charge-card", runs.Handler("charge-card"));
            },
            engine: e => e.DefaultPolicy.StoreUnavailableRetryAfter = TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < Events; i++)
        {
            await stream.PublishAsync($"evt-{i}");
        }

        await host.StartAsync();

        // Every message delivered, answered "store unavailable" and redelivered, none acknowledged.
        await Eventually.TrueAsync(
            () => Task.FromResult(host.Count(MessageOutcome.StoreUnavailable) >= 3 * Events),
            TimeSpan.FromSeconds(20),
            () => Task.FromResult($"{host.Count(MessageOutcome.StoreUnavailable)} store-unavailable answers"));
        var during = await stream.InfoAsync("billing");
        Assert.Equal(0ul, during.AckFloor.StreamSeq);
        Assert.Equal(Events, during.NumAckPending + (int)during.NumPending);
        Assert.Equal(0, runs.Total);

        store.HealAll();
        await stream.WaitUntilAllAnsweredAsync("billing", Events, TimeSpan.FromSeconds(20));

        Assert.Equal(Events, runs.DistinctEvents("charge-card"));
        Assert.All(runs.CountsOf("charge-card"), n => Assert.Equal(1, n));
        Assert.All(runs.Seen, s => Assert.True(s.Message.DeliveryAttempt > 1));
    }

    [Fact]
    public async Task HandlerLongerThanTheAckWait_InProgressAcks_NotRedelivered()
    {
        var stream = await nats.CreateStreamAsync();
        // The handler runs over twice the ack wait; the in-progress acks come every 300 ms. The ack wait leaves a signal
        // 2.7 s to arrive: a test host starved by the other test projects of a 2-core machine missed a 0.7 s margin.
        await stream.CreateConsumerAsync("billing", c => c.AckWait = TimeSpan.FromSeconds(3));
        var runs = new HandlerRuns();
        var started = 0;
        await using var host = new ConsumerHost(
            stream,
            new InMemoryIdempotencyStore(),
            o =>
            {
                o.Consumer = "billing";
                o.ConcurrentDeliveries = 2; // a redelivery would find a free slot
                o.AddHandler("render-report", runs.Handler("render-report", async (_, _, ct) =>
                {
                    Interlocked.Increment(ref started);
                    await Task.Delay(TimeSpan.FromSeconds(7), ct);
                }));
            },
            consumer: c => c.ProgressInterval = TimeSpan.FromMilliseconds(300));
        await stream.PublishAsync("evt-1");

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 1, TimeSpan.FromSeconds(20));

        Assert.Equal(1, started);
        Assert.Equal(1, Assert.Single(runs.Seen).Message.DeliveryAttempt);
        Assert.Equal(0, host.Count(MessageOutcome.InProgress)); // JetStream never redelivered it meanwhile
        Assert.Equal(0, (await stream.InfoAsync("billing")).NumRedelivered);
    }
}
