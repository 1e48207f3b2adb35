namespace Idempotency.Messaging;

/// <summary>An earlier delivery of the message was processed; thrown instead of returning a duplicate when <see cref="DuplicateHandling.Throw"/> is set.</summary>
public sealed class DuplicateMessageException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="DuplicateMessageException"/> class.</summary>
    /// <param name="storeKey">The record's store key.</param>
    /// <param name="eventType">The message's event type.</param>
    /// <param name="cachedResult">The result cached by the delivery that ran, or <see langword="null"/>.</param>
    public DuplicateMessageException(string storeKey, string eventType, object? cachedResult)
        : base($"A '{eventType}' message with this idempotency key was already processed.")
    {
        StoreKey = storeKey;
        EventType = eventType;
        CachedResult = cachedResult;
    }

    /// <summary>Gets the record's store key.</summary>
    public string StoreKey { get; }

    /// <summary>Gets the event type.</summary>
    public string EventType { get; }

    /// <summary>Gets the result cached by the delivery that ran the handler.</summary>
    public object? CachedResult { get; }
}
