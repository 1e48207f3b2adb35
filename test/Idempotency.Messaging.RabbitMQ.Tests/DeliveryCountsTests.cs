using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Idempotency.Messaging.RabbitMQ.Tests;

// Classic queues only flag a redelivery; the consumer counts its own requeues of each message, in bounded memory.
public sealed class DeliveryCountsTests
{
    [Fact]
    public void RequeuedMessage_ItsRedeliveryIsTheNextAttempt()
    {
        var counts = new DeliveryCounts();

        var first = counts.Of(Delivery("a", redelivered: false), earlierDeliveries: null, out _);
        counts.Answered(Delivery("a", redelivered: false), first.Identity, first.Attempt, requeued: true);
        var second = counts.Of(Delivery("a", redelivered: true), earlierDeliveries: null, out var firstUncounted);
        counts.Answered(Delivery("a", redelivered: true), second.Identity, second.Attempt, requeued: true);
        var third = counts.Of(Delivery("a", redelivered: true), earlierDeliveries: null, out var again);

        Assert.Equal([1, 2, 3], (int[])[first.Attempt, second.Attempt, third.Attempt]);
        Assert.True(firstUncounted);
        Assert.False(again);
    }

    [Fact]
    public void RedeliveryThisConsumerDidNotRequeue_IsAttemptTwo()
    {
        var counts = new DeliveryCounts();

        Assert.Equal(2, counts.Of(Delivery("a", redelivered: true), earlierDeliveries: null, out _).Attempt);
    }

    [Fact]
    public void AnsweredForGood_IsForgotten()
    {
        var counts = new DeliveryCounts();
        var first = counts.Of(Delivery("a", redelivered: false), null, out _);
        counts.Answered(Delivery("a", redelivered: false), first.Identity, first.Attempt, requeued: true);
        var second = counts.Of(Delivery("a", redelivered: true), null, out _);

        counts.Answered(Delivery("a", redelivered: true), second.Identity, second.Attempt, requeued: false);

        Assert.Equal(2, counts.Of(Delivery("a", redelivered: true), null, out _).Attempt);
    }

    [Fact]
    public void BeyondCapacity_TheLeastRecentlyRequeuedIsForgotten()
    {
        var counts = new DeliveryCounts(capacity: 2);
        foreach (var body in (string[])["a", "b", "c"])
        {
            counts.Answered(Delivery(body, redelivered: false), null, attempt: 4, requeued: true);
        }

        Assert.Equal(2, counts.Of(Delivery("a", redelivered: true), null, out _).Attempt);
        Assert.Equal(5, counts.Of(Delivery("b", redelivered: true), null, out _).Attempt);
        Assert.Equal(5, counts.Of(Delivery("c", redelivered: true), null, out _).Attempt);
    }

    [Fact]
    public void QueueThatCounts_ItsCountIsUsed_AndNothingIsKept()
    {
        var counts = new DeliveryCounts();
        counts.Answered(Delivery("a", redelivered: false), null, attempt: 1, requeued: true);

        var counted = counts.Of(Delivery("a", redelivered: true), earlierDeliveries: 6, out var firstUncounted);

        Assert.Equal((7, (string?)null), counted);
        Assert.False(firstUncounted);
        Assert.Equal(2, counts.Of(Delivery("a", redelivered: true), earlierDeliveries: null, out _).Attempt);
    }

    private static BasicDeliverEventArgs Delivery(string body, bool redelivered) =>
        new("consumer", 1, redelivered, string.Empty, "payments", new BasicProperties { MessageId = "m-" + body, Type = "payment.charged" }, Encoding.UTF8.GetBytes(body));
}
