using System.Collections.Concurrent;
using System.Text;
using RabbitMQ.Client;

namespace Idempotency.Messaging.RabbitMQ.Tests;

// What a handler sees of an AMQP delivery, and which AMQP fields feed the key.
[Collection(RabbitMqCollection.Name)]
public sealed class MappingTests(RabbitMqFixture rabbit)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Delivery_TypeMessageIdAndHeadersReachTheHandler()
    {
        var queue = await rabbit.QuorumQueueAsync();
        var seen = new ConcurrentQueue<InboundMessage>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o => o.AddHandler("charge", (m, _, _) =>
        {
            seen.Enqueue(m);
            return ValueTask.CompletedTask;
        }));
        var properties = Events.Properties("payment.charged", "m-1");
        properties.Headers = new Dictionary<string, object?> { ["Idempotency-Key"] = "key-1", ["tenant"] = 42, ["urgent"] = true, ["nested"] = new Dictionary<string, object?> { ["a"] = 1 } };

        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1"), properties);

        await Events.EventuallyAsync(() => !seen.IsEmpty, Timeout, () => "nothing handled");
        var message = Assert.Single(seen);
        Assert.Equal("payment.charged", message.EventType);
        Assert.Equal("m-1", message.MessageId);
        Assert.Equal(1, message.DeliveryAttempt);
        Assert.Equal("key-1", message.Headers!["idempotency-key"]); // strings arrive as UTF-8 bytes; names match case-insensitively
        Assert.Equal("42", message.Headers["tenant"]);
        Assert.Equal("true", message.Headers["urgent"]);
        Assert.False(message.Headers.ContainsKey("nested"));
        Assert.Contains("evt-1", Encoding.UTF8.GetString(message.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventTypeFromTheRoutingKey_WhenConfiguredOrWhenTheTypeIsMissing()
    {
        var queue = await rabbit.QuorumQueueAsync();
        var types = new ConcurrentQueue<string>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o =>
        {
            o.EventTypeSource = RabbitMqEventTypeSource.RoutingKey;
            o.AddHandler("any", (m, _, _) =>
            {
                types.Enqueue(m.EventType);
                return ValueTask.CompletedTask;
            });
        });

        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1"), Events.Properties("payment.charged"));

        await Events.EventuallyAsync(() => !types.IsEmpty, Timeout, () => "nothing handled");
        Assert.Equal(queue.Name, Assert.Single(types)); // the default exchange routes by queue name
    }

    [Fact]
    public async Task BodyWithoutEventId_TheAmqpMessageIdIsTheKey()
    {
        var queue = await rabbit.QuorumQueueAsync();
        var runs = new ConcurrentQueue<string?>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o => o.AddHandler("charge", (m, _, _) =>
        {
            runs.Enqueue(m.MessageId);
            return ValueTask.CompletedTask;
        }));
        var body = Encoding.UTF8.GetBytes("{\"amount\":10}");

        // The same body under two message ids is two messages; the same message id twice is one.
        foreach (var messageId in (string[])["m-1", "m-1", "m-2"])
        {
            await rabbit.PublishAsync(string.Empty, queue.Name, body, new BasicProperties { Type = "payment.charged", MessageId = messageId });
        }

        await rabbit.DrainedAsync(queue.Name, Timeout);
        await app.StopAsync();

        Assert.Equal(["m-1", "m-2"], runs.Order());
    }
}
