using System.Globalization;

namespace Idempotency;

/// <summary>
/// Thrown by a store's <see cref="IIdempotencyStore.CompleteAsync"/> or <see cref="IIdempotencyStore.FailAsync"/> when
/// the payload is larger than the store can hold in one record (a DynamoDB item stops at 400 KB). Nothing was written:
/// the record is still in progress with the caller's owner token.
/// </summary>
/// <remarks>
/// The engine answers it without a second execution and without leaving the key stuck: a completion is written again
/// as the "result not stored" marker (retries get <see cref="IdempotencyClaimStatus.ResultNotStored"/>, HTTP 424), and a
/// failure too large to remember releases the key, as an unremembered failure does.
/// </remarks>
public sealed class IdempotencyStorePayloadTooLargeException : IdempotencyException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyStorePayloadTooLargeException"/> class.</summary>
    /// <param name="storeKey">The store key.</param>
    /// <param name="recordSize">The size of the record the store would have had to write, in bytes.</param>
    /// <param name="maxRecordSize">The largest record the store holds, in bytes.</param>
    /// <param name="innerException">The driver's exception, when the backend refused the write.</param>
    public IdempotencyStorePayloadTooLargeException(string storeKey, long recordSize, long maxRecordSize, Exception? innerException = null)
        : base(string.Create(CultureInfo.InvariantCulture, $"The idempotency record '{storeKey}' would be {recordSize} bytes, larger than the {maxRecordSize} bytes the store holds."), innerException)
    {
        StoreKey = storeKey;
        RecordSize = recordSize;
        MaxRecordSize = maxRecordSize;
    }

    /// <summary>Gets the store key.</summary>
    public string StoreKey { get; }

    /// <summary>Gets the size of the record the store would have had to write, in bytes (the store's own estimate).</summary>
    public long RecordSize { get; }

    /// <summary>Gets the largest record the store holds, in bytes.</summary>
    public long MaxRecordSize { get; }

    /// <summary>Gets the reason the engine stores in the "result not stored" marker.</summary>
    internal string NotStoredReason => string.Create(CultureInfo.InvariantCulture, $"the result makes a {RecordSize}-byte record, larger than the {MaxRecordSize} bytes the store holds.");
}
