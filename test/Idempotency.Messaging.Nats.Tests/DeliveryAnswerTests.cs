using NATS.Client.JetStream.Models;

namespace Idempotency.Messaging.Nats.Tests;

// One answer per delivery, from every handler's result: ack only when all may forget it, never drop it silently.
public sealed class DeliveryAnswerTests
{
    private static readonly RedeliverySchedule Schedule = new("billing", new ConsumerConfig
    {
        AckWait = TimeSpan.FromSeconds(30),
        MaxDeliver = 4,
        Backoff = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)],
    });

    [Fact]
    public void EveryHandlerDone_Acks()
    {
        var answer = Decide(1, Result("a", MessageOutcome.Processed), Result("b", MessageOutcome.Duplicate));

        Assert.Equal(AnswerKind.Ack, answer.Kind);
    }

    [Fact]
    public void OneHandlerInProgress_NaksWithItsRetryAfter()
    {
        var answer = Decide(1, Result("a", MessageOutcome.Processed), Result("b", MessageOutcome.InProgress, retryAfter: TimeSpan.FromSeconds(1)));

        Assert.Equal(AnswerKind.Nak, answer.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), answer.Delay);
    }

    [Fact]
    public void RetryAfterLongerThanTheDeliveryWait_IsCappedSoTheHorizonHolds()
    {
        var answer = Decide(1, Result("a", MessageOutcome.StoreUnavailable, retryAfter: TimeSpan.FromMinutes(5)));

        Assert.Equal(TimeSpan.FromSeconds(2), answer.Delay);
    }

    [Fact]
    public void FailedHandler_NaksOnTheConsumersOwnSchedule()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), Decide(1, Result("a", MessageOutcome.Failed)).Delay);
        Assert.Equal(TimeSpan.FromSeconds(10), Decide(3, Result("a", MessageOutcome.Failed)).Delay);
    }

    [Fact]
    public void DeadLetterAsked_DeadLettersWithTheReason()
    {
        var answer = Decide(1, Result("a", MessageOutcome.Processed), Result("b", MessageOutcome.Conflict, deadLetter: true, reason: "the key was already used"));

        Assert.Equal(AnswerKind.DeadLetter, answer.Kind);
        Assert.Equal("b", answer.Cause!.Value.Handler);
        Assert.Equal("the key was already used", answer.Reason);
    }

    [Theory]
    [InlineData(MessageOutcome.Failed)]
    [InlineData(MessageOutcome.InProgress)]
    [InlineData(MessageOutcome.StoreUnavailable)]
    public void DeadLetterAskedWhileAnotherHandlerNeedsARetry_NaksSoThatHandlerGetsItsRedelivery(MessageOutcome retrying)
    {
        var answer = Decide(1, Result("a", MessageOutcome.Conflict, deadLetter: true, reason: "the key was already used"), Result("b", retrying, retryAfter: TimeSpan.FromSeconds(1)));

        Assert.Equal(AnswerKind.Nak, answer.Kind);
        Assert.Equal("b", answer.Cause!.Value.Handler);
    }

    [Fact]
    public void DeadLetterAskedWhileAnotherHandlerNeedsARetry_OnTheLastDelivery_DeadLetters()
    {
        var answer = Decide(4, Result("a", MessageOutcome.Conflict, deadLetter: true), Result("b", MessageOutcome.Failed));

        Assert.Equal(AnswerKind.DeadLetter, answer.Kind);
        Assert.Contains("delivery 4 was the last JetStream makes", answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NotDoneOnTheLastDelivery_IsDeadLetteredRatherThanDropped()
    {
        var answer = Decide(4, Result("a", MessageOutcome.StoreUnavailable, retryAfter: TimeSpan.FromSeconds(1)));

        Assert.Equal(AnswerKind.DeadLetter, answer.Kind);
        Assert.Contains("delivery 4 was the last JetStream makes (MaxDeliver 4)", answer.Reason, StringComparison.Ordinal);
    }

    private static DeliveryAnswer Decide(long delivery, params HandlerResult[] results) => DeliveryAnswer.Decide(results, delivery, Schedule);

    private static HandlerResult Result(string handler, MessageOutcome outcome, TimeSpan retryAfter = default, bool deadLetter = false, string? reason = null) =>
        new(handler, outcome, outcome is MessageOutcome.Processed or MessageOutcome.Duplicate, deadLetter, retryAfter, reason);
}
