using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Idempotency;

/// <summary>
/// Healthy when the configured store answers a read of a key that never exists and, for a store that can check its
/// backend's set-up (<see cref="IIdempotencyStoreSetupCheck"/>), when that set-up keeps records safe.
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
            if (store is not IIdempotencyStoreSetupCheck setup)
            {
                return HealthCheckResult.Healthy($"{store.GetType().Name} answered.");
            }

            var result = await setup.CheckSetupAsync(cancellationToken).ConfigureAwait(false);

            // A store that refuses calls is as down as one that cannot be reached: the registration says how to report that.
            return result.Status == HealthStatus.Unhealthy
                ? new HealthCheckResult(context.Registration.FailureStatus, result.Description, result.Exception, result.Data)
                : result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{store.GetType().Name} failed.", ex);
        }
    }
}
