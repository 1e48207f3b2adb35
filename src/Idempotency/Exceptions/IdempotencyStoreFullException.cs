using System.Globalization;

namespace Idempotency;

/// <summary>
/// The store is full of live records and refused a claim for a new key (HTTP 503, like every
/// <see cref="IdempotencyStoreUnavailableException"/>). Fail-closed: nothing ran, and no stored record was dropped to
/// make room. Keys the store already holds still replay; new keys are admitted again as records expire.
/// </summary>
public sealed class IdempotencyStoreFullException : IdempotencyStoreUnavailableException
{
    /// <summary>Initializes a new instance of the <see cref="IdempotencyStoreFullException"/> class.</summary>
    /// <param name="limit">The limit the new record would have passed.</param>
    /// <param name="maxRecords">The store's record limit.</param>
    /// <param name="maxBytes">The store's limit of estimated bytes.</param>
    public IdempotencyStoreFullException(IdempotencyStoreLimit limit, long maxRecords, long maxBytes)
        : base(Describe(limit, maxRecords, maxBytes))
    {
        Limit = limit;
        MaxRecords = maxRecords;
        MaxBytes = maxBytes;
    }

    /// <summary>Gets the limit the new record would have passed.</summary>
    public IdempotencyStoreLimit Limit { get; }

    /// <summary>Gets the store's record limit.</summary>
    public long MaxRecords { get; }

    /// <summary>Gets the store's limit of estimated bytes.</summary>
    public long MaxBytes { get; }

    private static string Describe(IdempotencyStoreLimit limit, long maxRecords, long maxBytes) => limit == IdempotencyStoreLimit.Bytes
        ? string.Create(CultureInfo.InvariantCulture, $"The idempotency store is full: a new record would pass its limit of {maxBytes} estimated bytes (it holds at most {maxRecords} records). New keys are refused until records expire.")
        : string.Create(CultureInfo.InvariantCulture, $"The idempotency store is full: it holds its limit of {maxRecords} records (and at most {maxBytes} estimated bytes). New keys are refused until records expire.");
}
