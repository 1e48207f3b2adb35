namespace Idempotency.AspNetCore;

/// <summary>How the request body enters the fingerprint that detects a key reused with another request.</summary>
public enum BodyFingerprint
{
    /// <summary>SHA-256 of the raw body bytes: any byte changes the fingerprint.</summary>
    Raw = 0,

    /// <summary>
    /// SHA-256 of the canonical JSON form, so property order, whitespace and number spelling do not count. A body that is
    /// not valid JSON, or that <see cref="ContentHash.ComputeCanonicalJson"/> refuses (a number beyond its exponent range,
    /// such as <c>1e2147483647</c>), falls back to <see cref="Raw"/>.
    /// </summary>
    CanonicalJson = 1,

    /// <summary>The body does not count; method, path, query, content type and chosen headers still do.</summary>
    Ignore = 2,
}
