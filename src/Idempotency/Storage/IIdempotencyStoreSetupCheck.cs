using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Idempotency;

/// <summary>
/// Implemented by stores whose backend can answer every call yet be set up so that it loses records — a Redis server
/// that may evict them, for example. The store health check (<c>AddHealthChecks().AddIdempotencyStore()</c>) asks it
/// once the store has answered a read.
/// </summary>
public interface IIdempotencyStoreSetupCheck
{
    /// <summary>Checks the backend's set-up now.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see cref="HealthStatus.Healthy"/> when records are safe; <see cref="HealthStatus.Degraded"/> when they may be lost
    /// while the store goes on serving; <see cref="HealthStatus.Unhealthy"/> when the store refuses calls until the set-up
    /// is fixed (the health check reports its registration's failure status then). The description says what to change.
    /// </returns>
    ValueTask<HealthCheckResult> CheckSetupAsync(CancellationToken cancellationToken);
}
