using Idempotency.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds idempotency keys to an <see cref="HttpClient"/>.</summary>
public static class IdempotencyHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends one UUID v4 <c>Idempotency-Key</c> per logical POST/PATCH request. Register it before a resilience handler
    /// (<c>.AddIdempotencyKeys().AddStandardResilienceHandler()</c>) so every retry carries the same key.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Configures the handler.</param>
    /// <returns>The client builder.</returns>
    public static IHttpClientBuilder AddIdempotencyKeys(this IHttpClientBuilder builder, Action<IdempotencyKeyHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new IdempotencyKeyHandlerOptions();
        configure?.Invoke(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.HeaderName, nameof(configure));
        return builder.AddHttpMessageHandler(() => new IdempotencyKeyHandler(options));
    }
}
