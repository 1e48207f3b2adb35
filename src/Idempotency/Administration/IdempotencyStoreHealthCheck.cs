using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Idempotency;

/// <summary>
/// Healthy when the configured store answers a read of a key that never exists.
/// Registered with <c>services.AddHealthChecks().AddIdempotencyStore()</c>.
/// </summary>
/// <param name="store">The store.</param>
/// <param name="timeProvider">The clock.</param>
internal sealed class IdempotencyStoreHealthCheck(IIdempotencyStore store, TimeProvider timeProvider) : IHealthCheck
{
    private const string ProbeKey = "idem:health:probe::-";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetAsync(ProbeKey, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{store.GetType().Name} answered.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{store.GetType().Name} failed.", ex);
        }
    }
}
