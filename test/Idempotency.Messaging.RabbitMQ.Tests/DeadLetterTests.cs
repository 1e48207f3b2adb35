using System.Collections.Concurrent;
using System.Text;

namespace Idempotency.Messaging.RabbitMQ.Tests;

[Collection(RabbitMqCollection.Name)]
public sealed class DeadLetterTests(RabbitMqFixture rabbit)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Func<RabbitMqDeadLetter, CancellationToken, ValueTask> Tell(ConcurrentQueue<RabbitMqDeadLetter> told) => (dead, _) =>
    {
        told.Enqueue(dead);
        return ValueTask.CompletedTask;
    };

    private async Task DeadLetteredAsync(TestQueue queue) =>
        await rabbit.ReadyCountReachesAsync(queue.DeadLetterQueue!, 1, Timeout);

    [Fact]
    public async Task Conflict_SameKeyDifferentPayload_RejectedToTheDeadLetterExchangeAndTold()
    {
        var queue = await rabbit.QuorumQueueAsync(deadLetters: true);
        var runs = 0;
        var told = new ConcurrentQueue<RabbitMqDeadLetter>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o =>
        {
            o.AddHandler("charge", (_, _, _) =>
            {
                Interlocked.Increment(ref runs);
                return ValueTask.CompletedTask;
            });
            o.OnDeadLetter = Tell(told);
        });

        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1", amount: 10), Events.Properties());
        await Events.EventuallyAsync(() => Volatile.Read(ref runs) == 1, Timeout, () => "the first delivery did not run");
        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1", amount: 99), Events.Properties());

        await rabbit.ReadyCountReachesAsync(queue.DeadLetterQueue!, 1, Timeout);
        await rabbit.DrainedAsync(queue.Name, Timeout);
        await app.StopAsync();

        Assert.Equal(1, runs);
        var dead = Assert.Single(told);
        Assert.Equal(MessageOutcome.Conflict, dead.Result!.Outcome);
        Assert.Equal("charge", dead.Handler);
        Assert.Equal(queue.Name, dead.Queue);
        var message = await rabbit.GetAsync(queue.DeadLetterQueue!);
        Assert.Contains("\"amount\":99", Encoding.UTF8.GetString(message!.Body.Span), StringComparison.Ordinal);
        Assert.True(message.BasicProperties.Headers!.ContainsKey("x-death"), "the broker marks a dead-lettered message with x-death");
        Assert.Equal(0u, await rabbit.ReadyCountAsync(queue.Name));
    }

    [Fact]
    public async Task OneHandlerConflicts_AnotherNeedsARetry_RequeuedUntilItRan_ThenDeadLettered()
    {
        var queue = await rabbit.QuorumQueueAsync(deadLetters: true);
        var auditRuns = 0;
        var chargeAttempts = 0;
        var told = new ConcurrentQueue<RabbitMqDeadLetter>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o =>
        {
            o.AddHandler("audit", (_, _, _) =>
            {
                Interlocked.Increment(ref auditRuns);
                return ValueTask.CompletedTask;
            });
            o.AddHandler("charge", "payment.charged", (_, _, _) =>
                Interlocked.Increment(ref chargeAttempts) == 1 ? throw new TimeoutException("card network") : ValueTask.CompletedTask);
            o.OnDeadLetter = Tell(told);
        });

        // evt-1 reaches the audit first as a refund; then as a charge with another payload: a conflict for the audit
        // alone, while the charge is new to the card handler, whose first run fails.
        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1", amount: 10), Events.Properties("payment.refunded"));
        await Events.EventuallyAsync(() => Volatile.Read(ref auditRuns) == 1, Timeout, () => "the refund did not reach the audit");
        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1", amount: 99), Events.Properties("payment.charged"));

        await DeadLetteredAsync(queue);
        await rabbit.DrainedAsync(queue.Name, Timeout);
        await app.StopAsync();

        Assert.Equal(2, chargeAttempts); // the failed run, then the one its redelivery made; not dead-lettered after the first
        Assert.Equal(1, auditRuns);
        var dead = Assert.Single(told);
        Assert.Equal("audit", dead.Handler);
        Assert.Equal(MessageOutcome.Conflict, dead.Result!.Outcome);
        Assert.Equal(2, dead.Message.DeliveryAttempt);
        Assert.Equal(0u, await rabbit.ReadyCountAsync(queue.Name));
    }

    [Fact]
    public async Task NoHandlerForTheEventType_DeadLetteredNotAcknowledged()
    {
        var queue = await rabbit.QuorumQueueAsync(deadLetters: true);
        var told = new ConcurrentQueue<RabbitMqDeadLetter>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o =>
        {
            o.AddHandler("charge", "payment.charged", (_, _, _) => ValueTask.CompletedTask);
            o.OnDeadLetter = Tell(told);
        });

        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1"), Events.Properties("payment.refunded"));

        await rabbit.ReadyCountReachesAsync(queue.DeadLetterQueue!, 1, Timeout);
        await app.StopAsync();

        var dead = Assert.Single(told);
        Assert.Null(dead.Handler);
        Assert.Contains("payment.refunded", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetterCallbackThrows_RequeuedThenDeadLetteredOnALaterDelivery()
    {
        var queue = await rabbit.QuorumQueueAsync(deadLetters: true);
        var calls = 0;
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o =>
        {
            o.AddHandler("charge", "payment.charged", (_, _, _) => ValueTask.CompletedTask);
            o.OnDeadLetter = (_, _) => Interlocked.Increment(ref calls) == 1 ? throw new IOException("dead-letter store down") : ValueTask.CompletedTask;
        });

        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1"), Events.Properties("unknown.type"));

        await rabbit.ReadyCountReachesAsync(queue.DeadLetterQueue!, 1, Timeout);
        await app.StopAsync();

        Assert.Equal(2, calls);
        Assert.Equal(0u, await rabbit.ReadyCountAsync(queue.Name));
    }

    [Fact]
    public async Task EventTypeTheEngineRefuses_DeadLetteredInsteadOfRequeuedForever()
    {
        var queue = await rabbit.ClassicQueueAsync(deadLetters: true);
        var told = new ConcurrentQueue<RabbitMqDeadLetter>();
        await using var app = await ConsumerApp.StartAsync(rabbit, queue.Name, o =>
        {
            o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask);
            o.OnDeadLetter = Tell(told);
        });

        // Event types name records and are at most 200 characters; AMQP allows 255.
        await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body("evt-1"), Events.Properties(new string('t', 220)));

        await rabbit.ReadyCountReachesAsync(queue.DeadLetterQueue!, 1, Timeout);
        await app.StopAsync();

        Assert.Equal("the event type is empty or longer than 200 characters.", Assert.Single(told).Reason);
        Assert.Equal(0u, await rabbit.ReadyCountAsync(queue.Name));
    }
}
