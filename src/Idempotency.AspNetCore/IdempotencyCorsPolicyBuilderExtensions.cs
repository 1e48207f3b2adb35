using Idempotency.AspNetCore;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Microsoft.AspNetCore.Builder;

/// <summary>CORS settings browsers need to use idempotent endpoints.</summary>
public static class IdempotencyCorsPolicyBuilderExtensions
{
    /// <summary>
    /// Allows the <c>Idempotency-Key</c> request header and exposes the <c>Idempotent-Replayed</c> and <c>Retry-After</c>
    /// response headers (409 and 503 answers carry it).
    /// </summary>
    /// <param name="builder">The policy builder.</param>
    /// <returns>The policy builder.</returns>
    public static CorsPolicyBuilder WithIdempotencyHeaders(this CorsPolicyBuilder builder) =>
        builder.WithIdempotencyHeaders(IdempotencyMiddlewareDefaults.HeaderName, IdempotencyMiddlewareDefaults.ReplayedHeaderName);

    /// <summary>Allows the key headers and exposes the replay and <c>Retry-After</c> response headers, for non-default header names.</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="keyHeaderName">The key header (<see cref="IdempotencyMiddlewareOptions.HeaderName"/>).</param>
    /// <param name="replayedHeaderName">The replay header (<see cref="IdempotencyMiddlewareOptions.ReplayedHeaderName"/>).</param>
    /// <param name="legacyHeaderNames">Other key headers (<see cref="IdempotencyMiddlewareOptions.LegacyHeaderNames"/>).</param>
    /// <returns>The policy builder.</returns>
    public static CorsPolicyBuilder WithIdempotencyHeaders(this CorsPolicyBuilder builder, string keyHeaderName, string replayedHeaderName, params string[] legacyHeaderNames)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyHeaderName);
        ArgumentException.ThrowIfNullOrWhiteSpace(replayedHeaderName);
        ArgumentNullException.ThrowIfNull(legacyHeaderNames);

        // Adding names to a policy that allows any header would turn its "*" into a list that allows only these.
        if (!AllowsAnyHeader(builder))
        {
            builder.WithHeaders([keyHeaderName, .. legacyHeaderNames]);
        }

        return builder.WithExposedHeaders(replayedHeaderName, "Retry-After");
    }

    private static bool AllowsAnyHeader(CorsPolicyBuilder builder)
    {
        try
        {
            return builder.Build().AllowAnyHeader;
        }
        catch (InvalidOperationException)
        {
            // Build() refuses an insecure origin/credentials combination that may still be fixed later in the chain.
            return false;
        }
    }
}
