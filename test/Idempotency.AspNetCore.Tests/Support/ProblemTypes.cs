namespace Idempotency.AspNetCore.Tests;

/// <summary>The default problem type URIs, spelled out so a changed default fails a test.</summary>
public static class ProblemTypes
{
    public const string KeyMissing = "urn:idempotency:key-missing";
    public const string KeyInvalid = "urn:idempotency:key-invalid";
    public const string KeyReused = "urn:idempotency:key-reused";
    public const string InProgress = "urn:idempotency:request-in-progress";
    public const string StoreUnavailable = "urn:idempotency:store-unavailable";
    public const string RecordCorrupt = "urn:idempotency:record-corrupt";
    public const string PreviouslyFailed = "urn:idempotency:previously-failed";
    public const string ResponseNotStored = "urn:idempotency:response-not-stored";
    public const string RequestBodyTooLarge = "urn:idempotency:request-body-too-large";
}
