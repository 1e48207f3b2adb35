using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Idempotency.Npgsql.Tests;

/// <summary>A store that is not set up yet says what to register or create, and a missing table is logged once a minute, not once a call.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MissingSetupTests(PostgresServer server)
{
    [Fact]
    public async Task AddNpgsqlStore_NoDataSourceRegistered_ThrowsNamingTheRegistration()
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddNpgsqlStore();
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IIdempotencyStore>());

        Assert.Contains("NpgsqlDataSource", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddNpgsqlDataSource(", error.Message, StringComparison.Ordinal);
        Assert.Contains("Npgsql.DependencyInjection", error.Message, StringComparison.Ordinal);
        Assert.Contains("NpgsqlStoreOptions.DataSourceServiceKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddNpgsqlStore_KeyedDataSourceMissing_ThrowsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddNpgsqlStore(o => o.DataSourceServiceKey = "idempotency-db");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IIdempotencyStore>());

        Assert.Contains("\"idempotency-db\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("serviceKey: \"idempotency-db\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimAndGet_TableMissing_FailClosedSayingWhichTableAndHowToCreateIt()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        await table.ExecuteAsync("DROP TABLE {table}");

        var error = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(
            async () => await table.Store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default));

        Assert.Contains($"table {table.Name} does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("42P01", error.Message, StringComparison.Ordinal);
        Assert.Contains("CreateTableOnStartup", error.Message, StringComparison.Ordinal);
        Assert.Contains("GetCreateTableScript", error.Message, StringComparison.Ordinal);

        // Never reported as "absent".
        await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () => await table.Store.GetAsync("k", Fixtures.Start, default));
    }

    [Fact]
    public async Task ExecuteAsync_TableMissing_LogsOnceAMinuteWithoutAStackTrace()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        await table.ExecuteAsync("DROP TABLE {table}");
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = new LoggerFactory([logs]);
        var clock = Fixtures.Clock();
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), table.Store, clock, loggerFactory);

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(
                async () => await executor.ExecuteAsync(new IdempotencyRequest("orders", $"k{i}"), _ => ValueTask.FromResult(1), default));
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        var logged = logs.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        var once = Assert.Single(logged);
        Assert.Null(once.Exception);
        Assert.Contains(table.Name, once.Message, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(
            async () => await executor.ExecuteAsync(new IdempotencyRequest("orders", "later"), _ => ValueTask.FromResult(1), default));

        Assert.Equal(2, logs.Collector.GetSnapshot().Count(r => r.Level >= LogLevel.Warning));
    }
}
