using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task AddIdempotencyStore_InMemoryStore_IsHealthy()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddIdempotency();
        services.AddHealthChecks().AddIdempotencyStore();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        var entry = Assert.Single(report.Entries);
        Assert.Equal("idempotency-store", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
    }

    [Fact]
    public async Task AddIdempotencyStore_StoreThrows_IsUnhealthy()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.Throw(IdempotencyStoreOperation.Get, () => new IOException("connection refused"));
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IIdempotencyStore>(store);
        services.AddIdempotency();
        services.AddHealthChecks().AddIdempotencyStore();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var entry = report.Entries["idempotency-store"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsType<IOException>(entry.Exception);
        Assert.Equal(1, store.InjectedFaultCount);
    }

    [Fact]
    public async Task AddIdempotencyStore_NameFailureStatusAndTags_AreUsed()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.ThrowUnavailable(IdempotencyStoreOperation.Get);
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IIdempotencyStore>(store);
        services.AddIdempotency();
        services.AddHealthChecks().AddIdempotencyStore("orders-store", HealthStatus.Degraded, ["ready", "store"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        var entry = Assert.Single(report.Entries);
        Assert.Equal("orders-store", entry.Key);
        Assert.Equal(HealthStatus.Degraded, entry.Value.Status);
        Assert.Equal(["ready", "store"], entry.Value.Tags.Order());
    }

    [Fact]
    public void AddIdempotencyStore_InvalidArguments_Throw()
    {
        var builder = new ServiceCollection().AddHealthChecks();

        Assert.Throws<ArgumentNullException>(() => ((IHealthChecksBuilder)null!).AddIdempotencyStore());
        Assert.ThrowsAny<ArgumentException>(() => builder.AddIdempotencyStore(" "));
    }

    [Fact]
    public async Task CheckHealthAsync_StoreSetupAtRisk_IsDegradedWithTheStoresDescription()
    {
        var check = new IdempotencyStoreHealthCheck(new SetupCheckedStore(HealthCheckResult.Degraded("may evict records")), TimeProvider.System);

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("may evict records", result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_StoreRefusesCalls_ReportsRegistrationFailureStatus()
    {
        var check = new IdempotencyStoreHealthCheck(new SetupCheckedStore(HealthCheckResult.Unhealthy("refusing claims")), TimeProvider.System);

        var result = await check.CheckHealthAsync(Context(check, HealthStatus.Degraded));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("refusing claims", result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_StoreSetupSafe_IsHealthy()
    {
        var check = new IdempotencyStoreHealthCheck(new SetupCheckedStore(HealthCheckResult.Healthy("keeps records")), TimeProvider.System);

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context(check))).Status);
    }

    private static HealthCheckContext Context(IHealthCheck check, HealthStatus failureStatus = HealthStatus.Unhealthy) =>
        new() { Registration = new HealthCheckRegistration("idempotency-store", check, failureStatus, null) };

    /// <summary>An in-memory store that also reports a fixed set-up finding, as the Redis store reports its eviction policy.</summary>
    private sealed class SetupCheckedStore(HealthCheckResult setup) : DelegatingIdempotencyStore(new InMemoryIdempotencyStore()), IIdempotencyStoreSetupCheck
    {
        public ValueTask<HealthCheckResult> CheckSetupAsync(CancellationToken cancellationToken) => ValueTask.FromResult(setup);
    }
}
