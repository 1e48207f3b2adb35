using System.Collections.Concurrent;

namespace Idempotency.Messaging.RabbitMQ.Tests;

// A message that keeps failing ends on the dead-letter exchange after a known number of deliveries, told to OnDeadLetter,
// whether the queue counts deliveries (quorum) or not (classic).
[Collection(RabbitMqCollection.Name)]
public sealed class DeliveryLimitTests(RabbitMqFixture rabbit)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ClassicQueue_HandlerAlwaysFails_DeadLetteredAfterMaxDeliveriesRuns_NotRequeuedForever()
    {
        var queue = await rabbit.ClassicQueueAsync(deadLetters: true);
        var attempts = new ConcurrentQueue<int>();
        var told = new ConcurrentQueue<RabbitMqDeadLetter>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o => FailEveryDelivery(o, attempts, told));

        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1"), Events.Properties());

        await rabbit.ReadyCountReachesAsync(queue.DeadLetterQueue!, 1, Timeout);
        await app.StopAsync();

        Assert.Equal([1, 2, 3, 4, 5], attempts); // IdempotentConsumerOptions.MaxDeliveries, 5 by default
        var dead = Assert.Single(told);
        Assert.Equal(MessageOutcome.Failed, dead.Result!.Outcome);
        Assert.Equal("the handler failed on delivery 5 of at most 5.", dead.Reason);
        Assert.Equal(0u, await rabbit.ReadyCountAsync(queue.Name));
    }

    [Fact]
    public async Task QuorumQueue_DeliveryLimitTwo_ThreeDeliveries_TheLastDeadLetteredByTheConsumerAndTold()
    {
        // x-delivery-limit 2 allows two redeliveries: three deliveries in all, the last with x-delivery-count 2.
        var queue = await rabbit.QuorumQueueAsync(deliveryLimit: 2, deadLetters: true);
        var attempts = new ConcurrentQueue<int>();
        var told = new ConcurrentQueue<RabbitMqDeadLetter>();
        await using var app = await ConsumerApp.StartAsync(
            rabbit,
            queue.Name,
            o =>
            {
                o.DeliveryLimit = 2;
                FailEveryDelivery(o, attempts, told);
            },
            consumer: c => c.MaxDeliveries = 10); // the handler alone would be retried longer than the queue delivers

        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1"), Events.Properties());

        await rabbit.ReadyCountReachesAsync(queue.DeadLetterQueue!, 1, Timeout);
        await app.StopAsync();

        Assert.Equal([1, 2, 3], attempts);
        var dead = Assert.Single(told);
        Assert.Equal("charge", dead.Handler);
        Assert.StartsWith("delivery 3 was the last the queue makes (DeliveryLimit 2) and ended Failed", dead.Reason, StringComparison.Ordinal);
        var message = await rabbit.GetAsync(queue.DeadLetterQueue!);
        Assert.Equal("rejected", DeathReason(message!)); // rejected by the consumer, not dropped by the broker's limit
    }

    // A handler that throws on every delivery, noting which delivery it saw, and a callback noting each dead letter.
    private static void FailEveryDelivery(RabbitMqConsumerOptions o, ConcurrentQueue<int> attempts, ConcurrentQueue<RabbitMqDeadLetter> told)
    {
        o.AddHandler("charge", (m, _, _) =>
        {
            attempts.Enqueue(m.DeliveryAttempt);
            throw new InvalidOperationException("card declined");
        });
        o.OnDeadLetter = (dead, _) =>
        {
            told.Enqueue(dead);
            return ValueTask.CompletedTask;
        };
    }

    private static string DeathReason(global::RabbitMQ.Client.BasicGetResult message)
    {
        var deaths = (List<object>)message.BasicProperties.Headers!["x-death"]!;
        var first = (Dictionary<string, object?>)deaths[0];
        return System.Text.Encoding.UTF8.GetString((byte[])first["reason"]!);
    }
}
