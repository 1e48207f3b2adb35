using System.Globalization;

namespace Idempotency.Messaging.Nats;

/// <summary>How a delivery is answered to JetStream.</summary>
internal enum AnswerKind
{
    /// <summary>Every handler processed it (or had already): <c>+ACK</c>.</summary>
    Ack,

    /// <summary>Some handler must see it again: <c>-NAK</c> with a delay.</summary>
    Nak,

    /// <summary>It must not be redelivered: published to the dead-letter subject then acknowledged, or <c>+TERM</c>.</summary>
    DeadLetter,
}

/// <summary>The answer to one delivery, decided from every handler's result.</summary>
internal readonly record struct DeliveryAnswer(AnswerKind Kind, TimeSpan Delay, HandlerResult? Cause, string? Reason)
{
    /// <summary>
    /// Acknowledges only when every handler may forget the message; dead-letters when one asks for it, or when JetStream
    /// would not redeliver it again (its last delivery), so nothing is dropped silently. Otherwise naks: a failed handler
    /// waits what the consumer itself would wait for this delivery (its back-off step or ack wait), an in-progress or
    /// store-unavailable one its retry-after, but never longer than that wait, which keeps every redelivery inside the
    /// horizon computed from the consumer (<see cref="RedeliverySchedule.Horizon"/>).
    /// </summary>
    public static DeliveryAnswer Decide(IReadOnlyList<HandlerResult> results, long delivery, RedeliverySchedule schedule)
    {
        if (results.All(static r => r.Acknowledge))
        {
            return new(AnswerKind.Ack, TimeSpan.Zero, null, null);
        }

        foreach (var result in results)
        {
            if (result.DeadLetter)
            {
                return new(AnswerKind.DeadLetter, TimeSpan.Zero, result, result.Reason);
            }
        }

        var pending = results.First(static r => !r.Acknowledge);
        if (schedule.IsLast(delivery))
        {
            return new(AnswerKind.DeadLetter, TimeSpan.Zero, pending, string.Create(
                CultureInfo.InvariantCulture,
                $"delivery {delivery} was the last JetStream makes (MaxDeliver {schedule.MaxDeliver}) and ended {pending.Outcome}{(pending.Reason is null ? "." : ": " + pending.Reason)}"));
        }

        var wait = schedule.WaitAfter(delivery);
        var delay = results.Where(static r => !r.Acknowledge)
            .Max(r => r.Outcome == MessageOutcome.Failed ? wait : TimeSpanMin(r.RetryAfter, wait));
        return new(AnswerKind.Nak, delay, pending, pending.Reason);
    }

    private static TimeSpan TimeSpanMin(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
