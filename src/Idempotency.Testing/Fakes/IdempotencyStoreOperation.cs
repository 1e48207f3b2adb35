namespace Idempotency.Testing;

/// <summary>The calls of <see cref="IIdempotencyStore"/> (and <see cref="IIdempotencyStoreStatistics"/>, <see cref="IIdempotencyStoreListing"/>), as the fakes count and fault them.</summary>
public enum IdempotencyStoreOperation
{
    /// <summary><see cref="IIdempotencyStore.ClaimAsync"/>.</summary>
    Claim = 0,

    /// <summary><see cref="IIdempotencyStore.CompleteAsync"/>.</summary>
    Complete = 1,

    /// <summary><see cref="IIdempotencyStore.FailAsync"/>.</summary>
    Fail = 2,

    /// <summary><see cref="IIdempotencyStore.ReleaseAsync"/>.</summary>
    Release = 3,

    /// <summary><see cref="IIdempotencyStore.RenewAsync"/>.</summary>
    Renew = 4,

    /// <summary><see cref="IIdempotencyStore.GetAsync"/>.</summary>
    Get = 5,

    /// <summary><see cref="IIdempotencyStore.DeleteAsync"/>.</summary>
    Delete = 6,

    /// <summary><see cref="IIdempotencyStore.PurgeExpiredAsync"/>.</summary>
    Purge = 7,

    /// <summary><see cref="IIdempotencyStoreStatistics.CountByStatusAsync"/>.</summary>
    CountByStatus = 8,

    /// <summary><see cref="IIdempotencyStoreListing.ListAsync"/>.</summary>
    List = 9,
}
