using Idempotency;
using Idempotency.AspNetCore;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Makes minimal API endpoints and route groups idempotent.</summary>
public static class IdempotencyEndpointConventionBuilderExtensions
{
    /// <summary>Makes the endpoints idempotent under the default policy.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or route group builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithIdempotency(new IdempotentAttribute { FromGroup = builder is RouteGroupBuilder, Guarded = true });

    /// <summary>Makes the endpoints idempotent under a named policy.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or route group builder.</param>
    /// <param name="policyName">The policy, added with <see cref="IdempotencyOptions.AddPolicy"/>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireIdempotency<TBuilder>(this TBuilder builder, string policyName)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        return builder.WithIdempotency(new IdempotentAttribute { Policy = policyName, FromGroup = builder is RouteGroupBuilder, Guarded = true });
    }

    /// <summary>Makes the endpoints idempotent with a required or optional key.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or route group builder.</param>
    /// <param name="keyRequirement">Whether a request without a key is rejected (400) or runs unprotected.</param>
    /// <param name="policyName">The policy; the default policy when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireIdempotency<TBuilder>(this TBuilder builder, KeyRequirement keyRequirement, string? policyName = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithIdempotency(new IdempotentAttribute { Policy = policyName, KeyRequirement = keyRequirement, FromGroup = builder is RouteGroupBuilder, Guarded = true });

    /// <summary>Opts the endpoints out of idempotency (global option or an enclosing group's convention).</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or route group builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder DisableIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new DisableIdempotencyAttribute();
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    private static TBuilder WithIdempotency<TBuilder>(this TBuilder builder, IdempotentAttribute metadata)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(metadata);
            endpoint.FilterFactories.Add(MiddlewarePassage.Filter);
        });
        return builder;
    }
}
