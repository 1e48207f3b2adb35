namespace Idempotency.Http;

/// <summary>Options of the handler added by <c>AddIdempotencyKeys()</c>.</summary>
public sealed class IdempotencyKeyHandlerOptions
{
    /// <summary>Gets or sets the request header that carries the key.</summary>
    /// <value>The default value is <c>Idempotency-Key</c>.</value>
    public string HeaderName { get; set; } = "Idempotency-Key";

    /// <summary>Gets or sets the response header a server sets on replays.</summary>
    /// <value>The default value is <c>Idempotent-Replayed</c>.</value>
    public string ReplayedHeaderName { get; set; } = "Idempotent-Replayed";

    /// <summary>Gets the methods that get a key.</summary>
    /// <value>The default value is POST and PATCH.</value>
    public ISet<HttpMethod> Methods { get; } = new HashSet<HttpMethod> { HttpMethod.Post, HttpMethod.Patch };

    /// <summary>Gets or sets how keys are made.</summary>
    /// <value>The default value is <see cref="IdempotencyKeys.NewUuid"/> (UUID v4).</value>
    public Func<string> KeyGenerator { get; set; } = IdempotencyKeys.NewUuid;
}
