using Idempotency;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the idempotency store's health check.</summary>
public static class IdempotencyHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that reads a key that never exists from the configured <see cref="IIdempotencyStore"/>: healthy when
    /// the store answers, <paramref name="failureStatus"/> when it throws. A store that checks its backend's set-up
    /// (<see cref="IIdempotencyStoreSetupCheck"/>, e.g. a Redis that may evict records) reports Degraded when records are
    /// at risk, <paramref name="failureStatus"/> when it refuses calls. Register the store with <c>AddIdempotency()</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the store fails; <see langword="null"/> is <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter the check by (for example <c>ready</c>).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddIdempotencyStore(
        this IHealthChecksBuilder builder,
        string name = "idempotency-store",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static services => new IdempotencyStoreHealthCheck(
                services.GetRequiredService<IIdempotencyStore>(),
                services.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus,
            tags));
    }
}
