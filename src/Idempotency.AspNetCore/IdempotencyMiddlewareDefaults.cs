namespace Idempotency.AspNetCore;

/// <summary>Every default value of the HTTP integration in one place.</summary>
internal static class IdempotencyMiddlewareDefaults
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    public const string OperationName = "http";
    public const long MaxRequestBodySize = 1024 * 1024;
    public const int MaxResponseBodySize = 1024 * 1024;
    public const int PreviouslyFailedStatusCode = 424;

    public const string KeyMissingType = "urn:idempotency:key-missing";
    public const string KeyInvalidType = "urn:idempotency:key-invalid";
    public const string KeyReusedType = "urn:idempotency:key-reused";
    public const string RequestInProgressType = "urn:idempotency:request-in-progress";
    public const string StoreUnavailableType = "urn:idempotency:store-unavailable";
    public const string RecordCorruptType = "urn:idempotency:record-corrupt";
    public const string PreviouslyFailedType = "urn:idempotency:previously-failed";
    public const string ResponseNotStoredType = "urn:idempotency:response-not-stored";
    public const string RequestBodyTooLargeType = "urn:idempotency:request-body-too-large";

    /// <summary>The response headers replayed by default: what a client needs to read the body and find the resource.</summary>
    public static readonly string[] ReplayedResponseHeaders =
    [
        "Content-Type",
        "Content-Encoding",
        "Content-Language",
        "Content-Disposition",
        "Content-Location",
        "Location",
        "ETag",
        "Last-Modified",
        "Cache-Control",
        "Expires",
        "Vary",
    ];
}
