namespace Idempotency;

/// <summary>Every default value in one place.</summary>
internal static class IdempotencyDefaults
{
    public const string KeyPrefix = "idem";
    public const string ServiceName = "default";
    public const string DefaultPolicyName = "default";
    public const int MaxKeyLength = 255;
    public const int MaxNameLength = 100;
    public const int CompressionThreshold = 4096;
    public const int MaxResultSize = 16 * 1024 * 1024;
    public const int MaxResultSizeLimit = 1024 * 1024 * 1024;
    public const int LocalCacheMaxEntries = 0;

    // The local cache's byte budget: room for thousands of small results, and for a few large ones, without letting
    // results of up to MaxResultSize each grow a long-lived process by gigabytes. See docs/concepts.md, "Local cache".
    public const long LocalCacheMaxBytes = 32L * 1024 * 1024;

    // The in-memory store's bound. At the ~1.3 KB of heap a small record was measured to cost (samples/OrdersApi),
    // 100 000 records are ~130 MB; 256 MiB of estimated bytes caps stores whose records are larger (big responses).
    // See docs/concepts.md, "The in-memory store".
    public const int InMemoryMaxRecords = 100_000;
    public const long InMemoryMaxBytes = 256L * 1024 * 1024;

    public static readonly TimeSpan Ttl = TimeSpan.FromHours(24);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan InProgressRetryAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan StoreUnavailableRetryAfter = TimeSpan.FromSeconds(1);

    // A store that is not set up fails every call the same way: one log entry per interval says so.
    public static readonly TimeSpan StoreMisconfiguredLogInterval = TimeSpan.FromMinutes(1);

    // Upper bounds checked at start-up: far beyond any real use, and far from the DateTimeOffset overflow that
    // TimeSpan.MaxValue would cause on every call (now + Ttl), which would make every call fail closed.
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(365);
    public static readonly TimeSpan MaxLease = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxInProgressWait = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxInProgressRetryAfter = TimeSpan.FromHours(1);
}
