using Idempotency.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Idempotency-Key middleware's services.</summary>
public static class HttpIdempotencyBuilderExtensions
{
    /// <summary>
    /// Adds the options of the Idempotency-Key middleware (validated at start-up). Then add the middleware with
    /// <c>app.UseIdempotency()</c> after authentication, and opt endpoints in with <c>RequireIdempotency()</c> or
    /// <see cref="IdempotentAttribute"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddHttpIdempotency(this IIdempotencyBuilder builder, Action<HttpIdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<HttpIdempotencyOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpIdempotencyOptions>, HttpIdempotencyOptionsValidator>());
        return builder;
    }
}
