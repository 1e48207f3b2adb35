using Idempotency.AspNetCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Idempotency-Key middleware's services.</summary>
public static class IdempotencyMiddlewareBuilderExtensions
{
    /// <summary>
    /// Adds the options of the Idempotency-Key middleware (validated at start-up). Then add the middleware with
    /// <c>app.UseIdempotency()</c> after authentication, and opt endpoints in with <c>RequireIdempotency()</c> or
    /// <see cref="IdempotentAttribute"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotencyMiddleware(this IIdempotencyBuilder builder, Action<IdempotencyMiddlewareOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions(configure, IdempotencyMiddlewareOptionsValidator.Errors);
        builder.Services.TryAddSingleton<MiddlewarePresence>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, EndpointValidation>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, MiddlewarePassagePolicy>());
        return builder;
    }
}
