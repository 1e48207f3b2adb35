using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

/// <summary>Options of the Idempotency-Key middleware.</summary>
public sealed class IdempotencyMiddlewareOptions
{
    /// <summary>Gets or sets the request header that carries the key.</summary>
    /// <value>The default value is <c>Idempotency-Key</c>.</value>
    public string HeaderName { get; set; } = IdempotencyMiddlewareDefaults.HeaderName;

    /// <summary>
    /// Gets other request headers accepted as the key, such as <c>X-Idempotency-Key</c>, for clients written against an
    /// older convention. When several of these headers are sent they must carry the same key.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> LegacyHeaderNames { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether the key must be a Structured Field string (<c>"abc"</c>, RFC 8941). When
    /// <see langword="false"/>, a bare value (<c>abc</c>) is accepted too and names the same key as <c>"abc"</c>.
    /// </summary>
    /// <value>The default value is <see langword="false"/> (lenient).</value>
    public bool StrictHeaderParsing { get; set; }

    /// <summary>Gets or sets the response header set to <c>true</c> on a replayed response.</summary>
    /// <value>The default value is <c>Idempotent-Replayed</c>.</value>
    public string ReplayedHeaderName { get; set; } = IdempotencyMiddlewareDefaults.ReplayedHeaderName;

    /// <summary>
    /// Gets or sets the operation segment of store keys. A key names one request across the whole API (per principal),
    /// so every endpoint shares it: the same key sent to another route is a reuse (422), not a second operation.
    /// </summary>
    /// <value>The default value is <c>http</c>.</value>
    public string OperationName { get; set; } = IdempotencyMiddlewareDefaults.OperationName;

    /// <summary>
    /// Gets or sets a value indicating whether every POST and PATCH endpoint is idempotent without
    /// <c>RequireIdempotency()</c> or <see cref="IdempotentAttribute"/>, under the default policy. Endpoints opt out with
    /// <c>DisableIdempotency()</c> or <see cref="DisableIdempotencyAttribute"/>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ApplyToAllPostAndPatch { get; set; }

    /// <summary>
    /// Gets or sets what isolates keys: two callers with different scopes never see each other's responses, conflicts or
    /// reuse errors. Return a tenant id, an API key id or similar; <see langword="null"/> or empty is the shared anonymous scope.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: the authenticated user's <c>NameIdentifier</c> claim, else its
    /// <c>sub</c> claim (never its name claim, which some schemes let callers choose), combined with the authentication scheme, the claim type and the issuer so
    /// two schemes never share a scope; anonymous callers share the empty scope. An authenticated user with none of
    /// those claims (typical of API-key schemes) fails the request with <see cref="InvalidOperationException"/> rather
    /// than joining the anonymous scope: set a resolver for such schemes.
    /// </value>
    public Func<HttpContext, string?>? ScopeResolver { get; set; }

    /// <summary>Gets or sets how the request body enters the fingerprint.</summary>
    /// <value>The default value is <see cref="BodyFingerprint.Raw"/>.</value>
    public BodyFingerprint BodyFingerprint { get; set; } = BodyFingerprint.Raw;

    /// <summary>
    /// Gets or sets a function that computes the body part of the fingerprint from the buffered body (for example a
    /// JMESPath selection of the fields that matter). When set, it replaces <see cref="BodyFingerprint"/>; method, path,
    /// query, content type and <see cref="FingerprintHeaders"/> still count.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<HttpContext, ReadOnlyMemory<byte>, ValueTask<string>>? BodyFingerprintSelector { get; set; }

    /// <summary>Gets request headers whose values are added to the fingerprint (for example <c>Accept</c>).</summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> FingerprintHeaders { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the largest request body read to compute the fingerprint. A keyed request with a larger body is
    /// answered 413 and not processed.
    /// </summary>
    /// <value>The default value is 1 MiB (1,048,576 bytes).</value>
    public long MaxRequestBodySize { get; set; } = IdempotencyMiddlewareDefaults.MaxRequestBodySize;

    /// <summary>
    /// Gets or sets the largest response body recorded for replay. A larger response still reaches the client in full,
    /// but cannot be replayed: the key then answers retries with a 4xx <see cref="IdempotencyProblemTypes.ResponseNotStored"/>
    /// problem until it expires, and the handler never runs again for it.
    /// </summary>
    /// <value>The default value is 1 MiB (1,048,576 bytes).</value>
    public int MaxResponseBodySize { get; set; } = IdempotencyMiddlewareDefaults.MaxResponseBodySize;

    /// <summary>
    /// Gets the response headers stored and replayed (case-insensitive). <c>Set-Cookie</c>, authentication,
    /// hop-by-hop, <c>Content-Length</c>, <c>Date</c>, <c>Server</c> and trace headers are never stored, even when listed.
    /// Without <c>Content-Encoding</c>, a response whose handler set a content coding is not stored (a replay without it could not be read).
    /// </summary>
    /// <value>
    /// The default value is <c>Content-Type</c>, <c>Content-Encoding</c>, <c>Content-Language</c>, <c>Content-Disposition</c>,
    /// <c>Content-Location</c>, <c>Location</c>, <c>ETag</c>, <c>Last-Modified</c>, <c>Cache-Control</c>, <c>Expires</c> and <c>Vary</c>.
    /// </value>
    public ISet<string> ReplayedResponseHeaders { get; } = new HashSet<string>(IdempotencyMiddlewareDefaults.ReplayedResponseHeaders, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether 5xx responses are stored and replayed. By default they release the key so
    /// a retry runs again. 408, 409, 425, 429 and 499 are never stored.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool StoreServerErrors { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether only 2xx and 3xx responses are stored; 4xx then release the key too.
    /// Cannot be combined with <see cref="StoreServerErrors"/>.
    /// </summary>
    /// <value>The default value is <see langword="false"/> (2xx, 3xx and 4xx are stored).</value>
    public bool StoreOnlySuccessfulResponses { get; set; }

    /// <summary>
    /// Gets or sets the status of the answer to a key whose earlier request cannot be replayed: its failure was
    /// remembered by the policy, or its response was larger than <see cref="MaxResponseBodySize"/>. Must be a 4xx.
    /// </summary>
    /// <value>The default value is 424 (Failed Dependency).</value>
    public int PreviouslyFailedStatusCode { get; set; } = IdempotencyMiddlewareDefaults.PreviouslyFailedStatusCode;

    /// <summary>Gets the <c>type</c> URIs of the problem responses, one per case.</summary>
    public IdempotencyProblemTypes ProblemTypes { get; } = new();
}
