using Idempotency.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Idempotency.Tests.Administration;

// SPEC §8: a health check for the configured store.
public sealed class HealthCheckTests
{
    [Fact]
    public async Task CheckHealthAsync_StoreAnswers_IsHealthy()
    {
        var check = new IdempotencyStoreHealthCheck(new InMemoryIdempotencyStore(), TimeProvider.System);

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_StoreFails_ReportsRegistrationFailureStatus()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.Throw(IdempotencyStoreOperation.Get, () => new IOException("connection refused"));
        var check = new IdempotencyStoreHealthCheck(store, TimeProvider.System);

        var result = await check.CheckHealthAsync(Context(check, HealthStatus.Degraded));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.IsType<IOException>(result.Exception);
    }

    [Fact]
    public async Task CheckHealthAsync_Cancelled_Throws()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.Delay(IdempotencyStoreOperation.Get, TimeSpan.FromMinutes(1));
        var check = new IdempotencyStoreHealthCheck(store, TimeProvider.System);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check.CheckHealthAsync(Context(check), cancellation.Token));
    }

    private static HealthCheckContext Context(IHealthCheck check, HealthStatus failureStatus = HealthStatus.Unhealthy) =>
        new() { Registration = new HealthCheckRegistration("idempotency-store", check, failureStatus, null) };
}
