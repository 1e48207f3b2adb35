using System.Globalization;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>What the broker is told about one delivery, decided from every handler's outcome.</summary>
internal readonly record struct BrokerAnswer(BrokerAnswerKind Kind, TimeSpan Delay, string? Handler, ProcessingResult? Result, string? Reason)
{
    public static BrokerAnswer Ack { get; } = new(BrokerAnswerKind.Ack, TimeSpan.Zero, null, null, null);

    public static BrokerAnswer Requeue(TimeSpan delay) => new(BrokerAnswerKind.Requeue, delay, null, null, null);

    public static BrokerAnswer DeadLetter(string? handler, ProcessingResult? result, string reason) => new(BrokerAnswerKind.DeadLetter, TimeSpan.Zero, handler, result, reason);

    /// <summary>
    /// Acknowledge only when every handler may forget the message (its record is durable, or it is a duplicate).
    /// Otherwise a retry wins over a dead letter: while any handler still needs another delivery (failed and released,
    /// in progress elsewhere, store unavailable) the message is requeued after the longest delay an outcome asks for,
    /// bounded, so one handler's poison does not take the delivery away from another; the handlers that processed it
    /// are duplicates on the redelivery, and a poisoned one (a conflict, a remembered failure) is poisoned again without
    /// running. Once only poisoned handlers are left it is dead-lettered, and on the queue's last delivery
    /// (<see cref="RabbitMqConsumerOptions.DeliveryLimit"/>) whatever is left, rather than requeued for the broker to
    /// dead-letter without telling <see cref="RabbitMqConsumerOptions.OnDeadLetter"/>.
    /// </summary>
    /// <param name="results">Each handler's outcome; <see langword="null"/> for a duplicate thrown as <see cref="DuplicateMessageException"/>.</param>
    /// <param name="attempt">Which delivery of the message this is, from 1.</param>
    /// <param name="options">The consumer options (requeue delays, delivery limit).</param>
    public static BrokerAnswer Decide(IReadOnlyList<(string Handler, ProcessingResult? Result)> results, int attempt, RabbitMqConsumerOptions options)
    {
        if (results.All(r => r.Result is null || r.Result.ShouldAcknowledge))
        {
            return Ack;
        }

        var retrying = results.Where(r => r.Result is { ShouldAcknowledge: false, DeadLetter: false }).ToList();
        if (retrying.Count == 0)
        {
            var (handler, result) = results.First(r => r.Result is { DeadLetter: true });
            return DeadLetter(handler, result, result!.Reason ?? $"the handler's outcome is {result.Outcome}.");
        }

        var (pendingHandler, pending) = retrying[0];
        if (options.DeliveryLimit > 0 && attempt > options.DeliveryLimit)
        {
            return DeadLetter(pendingHandler, pending, string.Create(
                CultureInfo.InvariantCulture,
                $"delivery {attempt} was the last the queue makes (DeliveryLimit {options.DeliveryLimit}) and ended {pending!.Outcome}{(pending.Reason is null ? "." : ": " + pending.Reason)}"));
        }

        var asked = retrying.Max(r => r.Result!.RetryAfter);
        return Requeue(asked > TimeSpan.Zero ? TimeSpanMin(asked, options.MaxRequeueDelay) : options.RequeueDelay);
    }

    private static TimeSpan TimeSpanMin(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>The three answers a RabbitMQ consumer gives.</summary>
internal enum BrokerAnswerKind
{
    /// <summary><c>basic.ack</c>: the broker forgets the message.</summary>
    Ack,

    /// <summary><c>basic.nack</c> with requeue, after a delay: the message is delivered again.</summary>
    Requeue,

    /// <summary><c>basic.reject</c> without requeue: the queue's dead-letter exchange takes the message (or it is dropped when the queue has none).</summary>
    DeadLetter,
}
