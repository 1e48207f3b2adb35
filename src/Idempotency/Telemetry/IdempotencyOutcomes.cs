namespace Idempotency;

/// <summary>The bounded values of the outcome tag: each request is counted once, with exactly one of these.</summary>
internal static class IdempotencyOutcomes
{
    public const string Executed = "executed";
    public const string ExecutedNotStored = "executed_not_stored";
    public const string Replayed = "replayed";
    public const string ResultNotStored = "result_not_stored";
    public const string InProgress = "in_progress";
    public const string KeyReused = "key_reused";
    public const string KeyMissing = "key_missing";
    public const string KeyInvalid = "key_invalid";
    public const string PayloadTooLarge = "payload_too_large";
    public const string StoreUnavailable = "store_unavailable";
    public const string StoreFull = "store_full";
    public const string FailOpen = "fail_open";
    public const string LeaseLost = "lease_lost";
    public const string NotCommitted = "not_committed";
    public const string Failed = "failed";
    public const string Released = "released";
    public const string PreviouslyFailed = "previously_failed";
    public const string WithoutKey = "without_key";
    public const string Corrupt = "corrupt_record";
}
