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
    /// Acknowledges only when every handler may forget the message. Otherwise a retry wins over a dead letter: while any
    /// handler still needs another delivery (failed and released, in progress elsewhere, store unavailable) the message
    /// is nak'd, so dead-lettering it for one handler's poison does not take the delivery away from another; the
    /// handlers that processed it are duplicates on the redelivery, and a poisoned one (a conflict, a remembered
    /// failure) is poisoned again without running. Once only poisoned handlers are left, it is dead-lettered; on
    /// JetStream's last delivery it is dead-lettered whatever is left, so nothing is dropped silently. A nak waits what
    /// the consumer itself would wait for this delivery (its back-off step or ack wait) after a failure, the outcome's
    /// retry-after otherwise, but never longer than that wait, which keeps every redelivery inside the horizon computed
    /// from the consumer (<see cref="RedeliverySchedule.Horizon"/>).
    /// </summary>
    public static DeliveryAnswer Decide(IReadOnlyList<HandlerResult> results, long delivery, RedeliverySchedule schedule)
    {
        if (AllAcknowledge(results))
        {
            return new(AnswerKind.Ack, TimeSpan.Zero, null, null);
        }

        var retrying = results.Where(static r => !r.Acknowledge && !r.DeadLetter).ToList();
        if (retrying.Count == 0)
        {
            var poisoned = results.First(static r => r.DeadLetter);
            return new(AnswerKind.DeadLetter, TimeSpan.Zero, poisoned, poisoned.Reason);
        }

        var pending = retrying[0];
        if (schedule.IsLast(delivery))
        {
            return new(AnswerKind.DeadLetter, TimeSpan.Zero, pending, string.Create(
                CultureInfo.InvariantCulture,
                $"delivery {delivery} was the last JetStream makes (MaxDeliver {schedule.MaxDeliver}) and ended {pending.Outcome}{(pending.Reason is null ? "." : ": " + pending.Reason)}"));
        }

        var wait = schedule.WaitAfter(delivery);
        var delay = retrying.Max(r => r.Outcome == MessageOutcome.Failed ? wait : TimeSpanMin(r.RetryAfter, wait));
        return new(AnswerKind.Nak, delay, pending, pending.Reason);
    }

    // The answer of almost every delivery: a loop, without the boxed enumerator of a query.
    private static bool AllAcknowledge(IReadOnlyList<HandlerResult> results)
    {
        for (var i = 0; i < results.Count; i++)
        {
            if (!results[i].Acknowledge)
            {
                return false;
            }
        }

        return true;
    }

    private static TimeSpan TimeSpanMin(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
