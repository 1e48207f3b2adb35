namespace Idempotency.Messaging;

/// <summary>What <see cref="IIdempotentConsumer"/> does with a duplicate.</summary>
public enum DuplicateHandling
{
    /// <summary>Skip the handler and return the cached result (<see cref="MessageOutcome.Duplicate"/>).</summary>
    Skip = 0,

    /// <summary>Throw <see cref="DuplicateMessageException"/> carrying the cached result.</summary>
    Throw = 1,
}
