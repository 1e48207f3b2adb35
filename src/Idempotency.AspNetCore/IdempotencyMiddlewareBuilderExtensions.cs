using Idempotency.AspNetCore;

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
        return builder;
    }
}
