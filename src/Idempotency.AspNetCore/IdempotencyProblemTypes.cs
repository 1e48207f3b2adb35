namespace Idempotency.AspNetCore;

/// <summary>
/// The RFC 9457 <c>type</c> URI of each problem response the middleware writes, so clients can tell the cases apart.
/// Point them at your own documentation if you like.
/// </summary>
public sealed class IdempotencyProblemTypes
{
    /// <summary>Gets or sets the type of 400: the endpoint requires a key and none was sent.</summary>
    /// <value>The default value is <c>urn:idempotency:key-missing</c>.</value>
    public string KeyMissing { get; set; } = IdempotencyMiddlewareDefaults.KeyMissingType;

    /// <summary>Gets or sets the type of 400: the key header is empty, malformed, too long, repeated or a list.</summary>
    /// <value>The default value is <c>urn:idempotency:key-invalid</c>.</value>
    public string KeyInvalid { get; set; } = IdempotencyMiddlewareDefaults.KeyInvalidType;

    /// <summary>Gets or sets the type of 422: the key was used before with another request.</summary>
    /// <value>The default value is <c>urn:idempotency:key-reused</c>.</value>
    public string KeyReused { get; set; } = IdempotencyMiddlewareDefaults.KeyReusedType;

    /// <summary>Gets or sets the type of 409: the first request with the key is still running.</summary>
    /// <value>The default value is <c>urn:idempotency:request-in-progress</c>.</value>
    public string RequestInProgress { get; set; } = IdempotencyMiddlewareDefaults.RequestInProgressType;

    /// <summary>Gets or sets the type of 503: the store could not be reached, so the request was not processed.</summary>
    /// <value>The default value is <c>urn:idempotency:store-unavailable</c>.</value>
    public string StoreUnavailable { get; set; } = IdempotencyMiddlewareDefaults.StoreUnavailableType;

    /// <summary>Gets or sets the type of 500: the stored response of the key is unreadable.</summary>
    /// <value>The default value is <c>urn:idempotency:record-corrupt</c>.</value>
    public string RecordCorrupt { get; set; } = IdempotencyMiddlewareDefaults.RecordCorruptType;

    /// <summary>Gets or sets the type of the 4xx answer to a key whose earlier request failed and whose failure the policy remembers.</summary>
    /// <value>The default value is <c>urn:idempotency:previously-failed</c>.</value>
    public string PreviouslyFailed { get; set; } = IdempotencyMiddlewareDefaults.PreviouslyFailedType;

    /// <summary>Gets or sets the type of the 4xx answer to a key whose earlier request ran but whose response could not be stored (too large).</summary>
    /// <value>The default value is <c>urn:idempotency:response-not-stored</c>.</value>
    public string ResponseNotStored { get; set; } = IdempotencyMiddlewareDefaults.ResponseNotStoredType;

    /// <summary>Gets or sets the type of 413: the keyed request's body is larger than the fingerprint limit.</summary>
    /// <value>The default value is <c>urn:idempotency:request-body-too-large</c>.</value>
    public string RequestBodyTooLarge { get; set; } = IdempotencyMiddlewareDefaults.RequestBodyTooLargeType;
}
