using NATS.Client.Core;

namespace Idempotency.Messaging.Nats.Tests;

// What a handler sees of a JetStream message: the event type (a header, else the subject), Nats-Msg-Id as the transport
// message id, the headers, and JetStream's delivery count.
public sealed class InboundMessageTests(NatsFixture nats) : IClassFixture<NatsFixture>
{
    [Fact]
    public async Task Delivery_CarriesEventTypeMessageIdHeadersAndAttempt()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing");
        var runs = new HandlerRuns();
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = "billing";
            o.EventTypeHeader = "Event-Type";
            o.AddHandler("charge-card", runs.Handler("charge-card"));
        });
        await stream.PublishAsync("evt-1", messageId: "m-1", headers: new NatsHeaders { ["Event-Type"] = "payment.charged", ["Idempotency-Key"] = "order-7" });
        await stream.PublishAsync("evt-2", messageId: "m-2");

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 2, TimeSpan.FromSeconds(20));

        var fromHeader = Assert.Single(runs.Seen, s => s.EventId == "evt-1").Message;
        Assert.Equal("payment.charged", fromHeader.EventType);
        Assert.Equal("m-1", fromHeader.MessageId);
        Assert.Equal("order-7", fromHeader.Headers!["idempotency-key"]);
        Assert.Equal(1, fromHeader.DeliveryAttempt);
        Assert.NotNull(fromHeader.SignalProgress);
        var fromSubject = Assert.Single(runs.Seen, s => s.EventId == "evt-2").Message;
        Assert.Equal(stream.Subject("paid"), fromSubject.EventType);
        Assert.Equal("m-2", fromSubject.MessageId);
    }
}
