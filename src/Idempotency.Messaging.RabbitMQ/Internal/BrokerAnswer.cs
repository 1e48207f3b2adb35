namespace Idempotency.Messaging.RabbitMQ;

/// <summary>What the broker is told about one delivery, decided from every handler's outcome.</summary>
internal readonly record struct BrokerAnswer(BrokerAnswerKind Kind, TimeSpan Delay, string? Handler, ProcessingResult? Result, string? Reason)
{
    public static BrokerAnswer Ack { get; } = new(BrokerAnswerKind.Ack, TimeSpan.Zero, null, null, null);

    public static BrokerAnswer Requeue(TimeSpan delay) => new(BrokerAnswerKind.Requeue, delay, null, null, null);

    public static BrokerAnswer DeadLetter(string? handler, ProcessingResult? result, string reason) => new(BrokerAnswerKind.DeadLetter, TimeSpan.Zero, handler, result, reason);

    /// <summary>
    /// Acknowledge only when every handler may forget the message (its record is durable, or it is a duplicate);
    /// dead-letter when any handler says so; otherwise requeue after the longest delay an outcome asks for, bounded.
    /// </summary>
    /// <param name="results">Each handler's outcome; <see langword="null"/> for a duplicate thrown as <see cref="DuplicateMessageException"/>.</param>
    /// <param name="options">The consumer options (requeue delays).</param>
    public static BrokerAnswer Decide(IReadOnlyList<(string Handler, ProcessingResult? Result)> results, RabbitMqConsumerOptions options)
    {
        if (results.All(r => r.Result is null || r.Result.ShouldAcknowledge))
        {
            return Ack;
        }

        foreach (var (handler, result) in results)
        {
            if (result is { DeadLetter: true })
            {
                return DeadLetter(handler, result, result.Reason ?? $"the handler's outcome is {result.Outcome}.");
            }
        }

        var asked = results.Max(r => r.Result?.RetryAfter ?? TimeSpan.Zero);
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
