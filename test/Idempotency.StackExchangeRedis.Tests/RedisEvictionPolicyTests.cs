using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// A Redis with a memory limit and an eviction policy drops live records to make room, and a retry whose record was
/// evicted runs again. The store checks the policy at first use and in the health check, on a real redis-server
/// started with such a policy.
/// </summary>
public sealed class RedisEvictionPolicyTests
{
    private static readonly string[] Evicting = ["--maxmemory", "10mb", "--maxmemory-policy", "allkeys-lru"];

    [Fact]
    public async Task ExecuteAsync_ServerMayEvict_LogsOneWarningAndRuns()
    {
        await using var app = await App.StartAsync(Evicting);

        for (var i = 0; i < 3; i++)
        {
            var result = await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", $"k{i}"), _ => ValueTask.FromResult(i), default);
            Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        }

        var warning = Assert.Single(app.StoreWarnings);
        Assert.Equal("RedisEvictionPossible", warning.Id.Name);
        Assert.Contains("allkeys-lru", warning.Message, StringComparison.Ordinal);
        Assert.Contains("noeviction", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_ServerMayEvict_IsDegradedAndSaysTheFix()
    {
        await using var app = await App.StartAsync(Evicting);

        var entry = await app.CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("allkeys-lru", entry.Description, StringComparison.Ordinal);
        Assert.Contains("noeviction", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_VolatilePolicy_IsDegraded()
    {
        // Every record has an expiry, so volatile-* policies evict them as readily as allkeys-*.
        await using var app = await App.StartAsync(["--maxmemory", "10mb", "--maxmemory-policy", "volatile-ttl"]);

        Assert.Equal(HealthStatus.Degraded, (await app.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task HealthCheck_ConfigRenamedOnAnAdminConnection_ReadsThePolicyFromInfo()
    {
        await using var app = await App.StartAsync([.. Evicting, "--rename-command", "CONFIG", ""], allowAdmin: true);

        var entry = await app.CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("allkeys-lru", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_NoMemoryLimit_IsHealthyAndNothingIsLogged()
    {
        await using var app = await App.StartAsync(["--maxmemory-policy", "allkeys-lru"]);

        await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), _ => ValueTask.FromResult(1), default);

        Assert.Equal(HealthStatus.Healthy, (await app.CheckHealthAsync()).Status);
        Assert.Empty(app.StoreWarnings);
    }

    [Fact]
    public async Task HealthCheck_MemoryLimitWithNoEviction_IsHealthy()
    {
        await using var app = await App.StartAsync(["--maxmemory", "10mb", "--maxmemory-policy", "noeviction"], allowAdmin: true);

        await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), _ => ValueTask.FromResult(1), default);

        Assert.Equal(HealthStatus.Healthy, (await app.CheckHealthAsync()).Status);
        Assert.Empty(app.StoreWarnings);
    }

    [Fact]
    public async Task HealthCheck_PolicyTurnsEvictingAtRuntime_WarnsAgainAndIsDegraded()
    {
        await using var app = await App.StartAsync(["--maxmemory", "10mb", "--maxmemory-policy", "noeviction"], allowAdmin: true);
        await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), _ => ValueTask.FromResult(1), default);
        Assert.Equal(HealthStatus.Healthy, (await app.CheckHealthAsync()).Status);

        await app.Server.ConfigSetAsync("maxmemory-policy", "allkeys-lfu");

        Assert.Equal(HealthStatus.Degraded, (await app.CheckHealthAsync()).Status);
        Assert.Equal(HealthStatus.Degraded, (await app.CheckHealthAsync()).Status);
        var warning = Assert.Single(app.StoreWarnings);
        Assert.Contains("allkeys-lfu", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PolicyUnreadable_LogsThatItCouldNotCheckAndRuns()
    {
        await using var app = await App.StartAsync([.. Evicting, "--rename-command", "CONFIG", "", "--rename-command", "INFO", ""], allowAdmin: true);

        var result = await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), _ => ValueTask.FromResult(1), default);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        var warning = Assert.Single(app.StoreWarnings);
        Assert.Equal("RedisEvictionPolicyUnknown", warning.Id.Name);
        Assert.Contains("EvictionCheck = Allow", warning.Message, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Degraded, (await app.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task ExecuteAsync_RefuseAndServerMayEvict_FailsClosedUntilThePolicyIsFixed()
    {
        await using var app = await App.StartAsync(Evicting, allowAdmin: true, configure: o => o.EvictionCheck = RedisEvictionCheck.Refuse);
        var runs = 0;
        ValueTask<int> Handler(CancellationToken _) => ValueTask.FromResult(Interlocked.Increment(ref runs));

        var refused = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(
            async () => await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), Handler, default));
        var health = await app.CheckHealthAsync();

        Assert.Contains("allkeys-lru", refused.Message, StringComparison.Ordinal);
        Assert.Contains("noeviction", refused.Message, StringComparison.Ordinal);
        Assert.Contains("EvictionCheck = Refuse", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal(0, await app.Server.DatabaseSizeAsync());

        // Fixed on the server: the next claim reads the policy again and goes ahead, without a restart.
        await app.Server.ConfigSetAsync("maxmemory-policy", "noeviction");

        var result = await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), Handler, default);
        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(1, runs);
        Assert.Equal(HealthStatus.Healthy, (await app.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task ExecuteAsync_AllowAndServerMayEvict_ReadsNoPolicyLogsNothingAndIsHealthy()
    {
        await using var app = await App.StartAsync(Evicting, configure: o => o.EvictionCheck = RedisEvictionCheck.Allow);

        var commands = await CommandCounter.RecordAsync(app.Multiplexer, async () =>
            await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "k"), _ => ValueTask.FromResult(1), default));

        Assert.Equal(["SET", "EVAL"], commands);
        Assert.Empty(app.StoreWarnings);
        Assert.Equal(HealthStatus.Healthy, (await app.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task ExecuteAsync_WarnAfterTheFirstClaim_ReadsThePolicyNoMore()
    {
        await using var app = await App.StartAsync(Evicting);
        await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "first"), _ => ValueTask.FromResult(1), default);

        var commands = await CommandCounter.RecordAsync(app.Multiplexer, async () =>
            await app.Executor.ExecuteAsync(new IdempotencyRequest("orders", "second"), _ => ValueTask.FromResult(1), default));

        Assert.Equal(["SET", "EVALSHA"], commands);
    }

    /// <summary>A real server, a multiplexer, and the store registered as an application registers it, with fake logging and the store health check.</summary>
    private sealed class App : IAsyncDisposable
    {
        private readonly RedisServer _server;
        private readonly ConnectionMultiplexer _multiplexer;
        private readonly ServiceProvider _services;

        private App(RedisServer server, ConnectionMultiplexer multiplexer, ServiceProvider services)
        {
            _server = server;
            _multiplexer = multiplexer;
            _services = services;
        }

        public IIdempotencyExecutor Executor => _services.GetRequiredService<IIdempotencyExecutor>();

        /// <summary>Gets the store's own warnings (the health check service logs a Degraded result as a warning too).</summary>
        public IEnumerable<FakeLogRecord> StoreWarnings => _services.GetFakeLogCollector().GetSnapshot()
            .Where(static r => r.Category == "Idempotency.StackExchangeRedis" && r.Level >= LogLevel.Warning);

        public IConnectionMultiplexer Multiplexer => _multiplexer;

        /// <summary>Gets the server, for admin commands (the app must have started with <c>allowAdmin</c>).</summary>
        public IServer Server => _multiplexer.GetServers()[0];

        public static async Task<App> StartAsync(string[] serverArguments, bool allowAdmin = false, Action<RedisStoreOptions>? configure = null)
        {
            var server = new RedisServer { ExtraArguments = serverArguments };
            await server.InitializeAsync();
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + (allowAdmin ? ",allowAdmin=true" : string.Empty));
            var services = new ServiceCollection();
            services.AddLogging(logging => logging.AddFakeLogging());
            services.AddSingleton<IConnectionMultiplexer>(multiplexer);
            services.AddIdempotency().AddRedisStore(configure ?? (static _ => { }));
            services.AddHealthChecks().AddIdempotencyStore();
            return new App(server, multiplexer, services.BuildServiceProvider());
        }

        public async Task<HealthReportEntry> CheckHealthAsync() =>
            (await _services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["idempotency-store"];

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            await _multiplexer.DisposeAsync();
            await _server.DisposeAsync();
        }
    }
}
