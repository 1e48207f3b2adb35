namespace Idempotency;

/// <summary>The bounded values of the outcome tag.</summary>
internal static class IdempotencyOutcomes
{
    public const string Executed = "executed";
    public const string Replayed = "replayed";
    public const string InProgress = "in_progress";
    public const string KeyReused = "key_reused";
    public const string KeyMissing = "key_missing";
    public const string KeyInvalid = "key_invalid";
    public const string StoreUnavailable = "store_unavailable";
    public const string FailOpen = "fail_open";
    public const string LeaseLost = "lease_lost";
    public const string PreviouslyFailed = "previously_failed";
    public const string WithoutKey = "without_key";
    public const string Corrupt = "corrupt_record";
}
