namespace Idempotency;

/// <summary>
/// Every per-operation setting. Named policies start as a copy of <see cref="IdempotencyOptions.DefaultPolicy"/>.
/// Durations are bounded (checked at start-up, each error naming the option, the policy and the limit): far beyond any
/// real use, and far from the date overflow that <see cref="TimeSpan.MaxValue"/> would cause on every call.
/// </summary>
public sealed class IdempotencyPolicy
{
    /// <summary>Gets or sets how long a completed record is kept and replayed: positive, at most 365 days (checked at start-up).</summary>
    /// <value>The default value is 24 hours.</value>
    public TimeSpan Ttl { get; set; } = IdempotencyDefaults.Ttl;

    /// <summary>
    /// Gets or sets how long an owner holds the key without renewing; it is renewed every third of it while the operation
    /// runs. At least 30 ms and at most 1 day (checked at start-up).
    /// </summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan Lease { get; set; } = IdempotencyDefaults.Lease;

    /// <summary>Gets or sets whether a key must be given.</summary>
    /// <value>The default value is <see cref="KeyRequirement.Required"/>.</value>
    public KeyRequirement KeyRequirement { get; set; } = KeyRequirement.Required;

    /// <summary>
    /// Gets or sets how long to wait, polling with backoff, for an in-flight run to finish and replay its result; zero
    /// answers at once. The wait ends at the request's <see cref="IdempotencyRequest.LeaseDeadline"/> when that comes
    /// first (a function invocation about to time out answers in progress rather than be stopped while waiting). At
    /// most 1 hour (checked at start-up).
    /// </summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan InProgressWait { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets the retry delay suggested to callers who find the key in progress: not negative, at most 1 hour (checked at start-up).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan InProgressRetryAfter { get; set; } = IdempotencyDefaults.InProgressRetryAfter;

    /// <summary>Gets or sets the retry delay suggested to callers when the store is unavailable (fail-closed).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan StoreUnavailableRetryAfter { get; set; } = IdempotencyDefaults.StoreUnavailableRetryAfter;

    /// <summary>Gets or sets what happens when the store is unavailable.</summary>
    /// <value>The default value is <see cref="StoreFailureMode.FailClosed"/>.</value>
    public StoreFailureMode StoreFailureMode { get; set; } = StoreFailureMode.FailClosed;

    /// <summary>
    /// Gets or sets which exceptions are remembered as <see cref="IdempotencyRecordStatus.Failed"/> records; a retry then
    /// gets <see cref="IdempotencyPreviouslyFailedException"/>. Every other exception releases the key so a retry runs again.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: every exception releases the key.</value>
    public Func<Exception, bool>? RememberFailure { get; set; }

    /// <summary>Gets or sets how long a remembered failure is kept: positive, at most 365 days (checked at start-up).</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan FailureTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets whether a remembered failure may be claimed again before it expires (kept for inspection only).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool FailureRetryable { get; set; }

    /// <summary>Gets or sets whether completed records of this policy are kept in the local cache (when <see cref="IdempotencyOptions.LocalCacheMaxEntries"/> is above zero).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseLocalCache { get; set; } = true;

    internal IdempotencyPolicy Clone() => (IdempotencyPolicy)MemberwiseClone();
}
