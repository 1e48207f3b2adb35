namespace Idempotency.Messaging.Nats.Tests;

// Records are kept per service and per handler: one event runs once in each handler of each service.
public sealed class HandlersAndServicesTests(NatsFixture nats) : IClassFixture<NatsFixture>
{
    [Fact]
    public async Task TwoHandlersOfOneEvent_EachRunsOnce_AFailedOneAloneRunsAgain()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("orders", c => c.Backoff = [TimeSpan.FromMilliseconds(200)]);
        var runs = new HandlerRuns();
        var receiptFailures = 0;
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = "orders";
            o.AddHandler("charge-card", runs.Handler("charge-card"));
            o.AddHandler("send-receipt", runs.Handler("send-receipt", (eventId, _, _) =>
                eventId == "evt-3" && Interlocked.Increment(ref receiptFailures) == 1 ? throw new TimeoutException("mail server") : Task.CompletedTask));
        });
        for (var i = 0; i < 20; i++)
        {
            await stream.PublishAsync($"evt-{i}");
        }

        for (var i = 0; i < 5; i++)
        {
            await stream.PublishAsync($"evt-{i}", messageId: $"evt-{i}-again");
        }

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("orders", 25, TimeSpan.FromSeconds(20));

        foreach (var handler in new[] { "charge-card", "send-receipt" })
        {
            Assert.Equal(20, runs.DistinctEvents(handler));
            Assert.All(runs.CountsOf(handler), n => Assert.Equal(1, n));
        }

        // evt-3 came back for the receipt alone: the card was not charged again.
        Assert.Equal(2, receiptFailures);
        Assert.Equal(1, runs["charge-card", "evt-3"]);
    }

    [Fact]
    public async Task HandlerOfOneEventType_SeesOnlyThatType_OthersAreStillAcknowledged()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("orders");
        var runs = new HandlerRuns();
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = "orders";
            o.AddHandler("charge-card", stream.Subject("paid"), runs.Handler("charge-card"));
            o.AddHandler("audit", runs.Handler("audit"));
        });
        await stream.PublishAsync("evt-1", eventName: "paid");
        await stream.PublishAsync("evt-2", eventName: "refunded");

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("orders", 2, TimeSpan.FromSeconds(20));

        Assert.Equal(1, runs["charge-card", "evt-1"]);
        Assert.Equal(0, runs["charge-card", "evt-2"]);
        Assert.Equal(1, runs["audit", "evt-1"]);
        Assert.Equal(1, runs["audit", "evt-2"]);
    }

    [Fact]
    public async Task TwoServicesOnOneStore_EachRunsOnce()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing");
        await stream.CreateConsumerAsync("shipping");
        var store = new InMemoryIdempotencyStore();
        var billing = new HandlerRuns();
        var shipping = new HandlerRuns();

        // The same handler name in both: only the service name keeps their records apart.
        await using var billingHost = new ConsumerHost(stream, store, o => { o.Consumer = "billing"; o.AddHandler("handle", billing.Handler("handle")); }, serviceName: "billing");
        await using var shippingHost = new ConsumerHost(stream, store, o => { o.Consumer = "shipping"; o.AddHandler("handle", shipping.Handler("handle")); }, serviceName: "shipping");
        for (var i = 0; i < 30; i++)
        {
            await stream.PublishAsync($"evt-{i}");
            await stream.PublishAsync($"evt-{i}", messageId: $"evt-{i}-again");
        }

        await billingHost.StartAsync();
        await shippingHost.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 60, TimeSpan.FromSeconds(20));
        await stream.WaitUntilAllAnsweredAsync("shipping", 60, TimeSpan.FromSeconds(20));

        foreach (var runs in new[] { billing, shipping })
        {
            Assert.Equal(30, runs.DistinctEvents("handle"));
            Assert.All(runs.CountsOf("handle"), n => Assert.Equal(1, n));
        }
    }
}
