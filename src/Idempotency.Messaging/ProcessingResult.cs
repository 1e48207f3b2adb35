namespace Idempotency.Messaging;

/// <summary>The outcome of processing one delivery, with what the adapter needs to answer the broker.</summary>
public class ProcessingResult
{
    internal ProcessingResult(MessageOutcome outcome, MessageKeySource keySource)
    {
        Outcome = outcome;
        KeySource = keySource;
    }

    /// <summary>Gets the outcome.</summary>
    public MessageOutcome Outcome { get; }

    /// <summary>Gets where the key came from (also a tag on the messaging counter).</summary>
    public MessageKeySource KeySource { get; }

    /// <summary>Gets whether the broker may forget the message: <see cref="MessageOutcome.Processed"/> or <see cref="MessageOutcome.Duplicate"/>.</summary>
    public bool ShouldAcknowledge => Outcome is MessageOutcome.Processed or MessageOutcome.Duplicate;

    /// <summary>
    /// Gets whether the message must go to the dead-letter mechanism instead of being redelivered: a conflict, a failure
    /// the policy remembers, a failure on the last allowed delivery, a key or record that cannot be used.
    /// </summary>
    public bool DeadLetter { get; internal init; }

    /// <summary>Gets how long to wait before a redelivery (in progress, store unavailable).</summary>
    public TimeSpan RetryAfter { get; internal init; }

    /// <summary>Gets the handler's exception (<see cref="MessageOutcome.Failed"/>) or the store's (<see cref="MessageOutcome.StoreUnavailable"/>).</summary>
    public Exception? Exception { get; internal init; }

    /// <summary>Gets why the message cannot be processed, for logs and dead-letter headers; <see langword="null"/> when nothing is wrong.</summary>
    public string? Reason { get; internal init; }

    /// <summary>Gets whether the handler ran without protection because the store failed and the policy fails open.</summary>
    public bool Unprotected { get; internal init; }

    /// <summary>Gets whether the handler's result was recorded (false: it ran, but the record could not be written; a redelivery is a duplicate without a cached result).</summary>
    public bool Recorded { get; internal init; }
}

/// <summary>The outcome of processing one delivery with a handler that returns a result.</summary>
/// <typeparam name="T">The handler's result type.</typeparam>
public sealed class ProcessingResult<T> : ProcessingResult
{
    internal ProcessingResult(MessageOutcome outcome, MessageKeySource keySource)
        : base(outcome, keySource)
    {
    }

    /// <summary>Gets whether <see cref="Value"/> holds a result: the handler's (processed) or the cached one (duplicate).</summary>
    public bool HasValue { get; internal init; }

    /// <summary>Gets the handler's result, or for a duplicate the result cached by the delivery that ran it.</summary>
    public T? Value { get; internal init; }
}
