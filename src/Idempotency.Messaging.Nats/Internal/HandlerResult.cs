namespace Idempotency.Messaging.Nats;

/// <summary>What one handler's processing of a delivery came to, including the cases that end in an exception.</summary>
internal readonly record struct HandlerResult(string Handler, MessageOutcome Outcome, bool Acknowledge, bool DeadLetter, TimeSpan RetryAfter, string? Reason)
{
    public static HandlerResult From(string handler, ProcessingResult result) =>
        new(handler, result.Outcome, result.ShouldAcknowledge, result.DeadLetter, result.RetryAfter, result.Reason);

    /// <summary>A duplicate reported by an exception (<see cref="DuplicateHandling.Throw"/>): already processed, so acknowledged.</summary>
    public static HandlerResult Duplicate(string handler) => new(handler, MessageOutcome.Duplicate, true, false, TimeSpan.Zero, null);

    /// <summary>Processing threw past the consumer (not the handler: that is <see cref="MessageOutcome.Failed"/> already): redelivered.</summary>
    public static HandlerResult Threw(string handler, Exception exception) =>
        new(handler, MessageOutcome.Failed, false, false, TimeSpan.Zero, $"processing threw {exception.GetType().Name}.");
}
