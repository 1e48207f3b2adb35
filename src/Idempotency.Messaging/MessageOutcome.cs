namespace Idempotency.Messaging;

/// <summary>What processing a message came to, and so what the adapter tells the broker.</summary>
public enum MessageOutcome
{
    /// <summary>The handler ran and its result is recorded: acknowledge.</summary>
    Processed = 0,

    /// <summary>An earlier delivery was processed; the handler did not run (the cached result is on the result): acknowledge.</summary>
    Duplicate = 1,

    /// <summary>Another consumer holds the message's lease: redeliver after <see cref="ProcessingResult.RetryAfter"/>, do not acknowledge.</summary>
    InProgress = 2,

    /// <summary>
    /// The handler threw (the key is released so a redelivery runs again, unless the policy remembers the failure), or the
    /// message cannot be processed at all: redeliver, or dead-letter when <see cref="ProcessingResult.DeadLetter"/> is set.
    /// </summary>
    Failed = 3,

    /// <summary>The key was already used with a different payload: a poison message; dead-letter it, never run it.</summary>
    Conflict = 4,

    /// <summary>
    /// The store could not be reached (fail-closed), or the database transaction the handler ran in did not commit (its
    /// writes were rolled back with the record): never acknowledge; redeliver after <see cref="ProcessingResult.RetryAfter"/>.
    /// </summary>
    StoreUnavailable = 5,
}
