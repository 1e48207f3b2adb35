namespace Idempotency;

/// <summary>The size limit of a store that refused a new key (see <see cref="IdempotencyStoreFullException"/>).</summary>
public enum IdempotencyStoreLimit
{
    /// <summary>The store holds as many records as it may.</summary>
    Records,

    /// <summary>The new record would take the store's estimated bytes beyond their limit.</summary>
    Bytes,
}
