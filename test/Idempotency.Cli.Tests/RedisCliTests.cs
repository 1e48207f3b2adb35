using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Idempotency.Cli.Tests;

/// <summary>The tool against a real redis-server whose records the library wrote (under an instance name of the test's own).</summary>
public sealed class RedisCliTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly string _instance = "cli-" + Guid.NewGuid().ToString("N")[..8] + ":";
    private ConnectionMultiplexer _multiplexer = null!;
    private SeededRecords _seeded = null!;

    private string[] Store => ["--store", "redis", "--connection", redis.ConnectionString, "--redis-instance", _instance, "--service", SeededRecords.Service];

    public async Task InitializeAsync()
    {
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        _seeded = await SeededRecords.WriteAsync(b =>
        {
            b.Services.AddSingleton<IConnectionMultiplexer>(_multiplexer);
            b.AddRedisStore(options => options.InstanceName = _instance);
        });
    }

    public async Task DisposeAsync()
    {
        await _seeded.DisposeAsync();
        await _multiplexer.DisposeAsync();
    }

    [Fact]
    public async Task Get_EachStatus_Json()
    {
        string Status(CliRun run) => run.Exits(0).Json().GetProperty("record").GetProperty("status").GetString()!;
        Assert.Equal("completed", Status(await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey, "--json"])));
        Assert.Equal("failed", Status(await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.FailedKey, "--json"])));
        Assert.Equal("in-progress", Status(await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.InProgressKey, "--json"])));
    }

    [Fact]
    public async Task Get_Table_RedactsThePassword()
    {
        var run = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey])).Exits(0);

        Assert.Contains(_seeded.StoreKey(SeededRecords.CompletedKey), run.Stdout, StringComparison.Ordinal);
        Assert.Contains("{\"id\":7,\"password\":\"***\"}", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithoutTheInstanceName_FindsNothing()
    {
        (await CliRun.RunAsync("get", "--store", "redis", "--connection", redis.ConnectionString, "--service", SeededRecords.Service, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey)).Exits(1);
    }

    [Fact]
    public async Task Delete_ThenGet_NotFound()
    {
        (await CliRun.RunAsync(["delete", .. Store, "--store-key", _seeded.StoreKey(SeededRecords.FailedKey)])).Exits(0);
        (await CliRun.RunAsync(["get", .. Store, "--store-key", _seeded.StoreKey(SeededRecords.FailedKey)])).Exits(1);
        (await CliRun.RunAsync(["delete", .. Store, "--store-key", _seeded.StoreKey(SeededRecords.FailedKey)])).Exits(1);
    }

    [Fact]
    public async Task StatsAndList_AnswerOrSayNotSupported()
    {
        // Counting and listing on Redis come with the store's SCAN support; until then the tool says so with exit 4.
        var store = _seeded.Store;
        var stats = await CliRun.RunAsync(["stats", .. Store, "--json"]);
        if (store is IIdempotencyStoreStatistics)
        {
            Assert.Equal(3, stats.Exits(0).Json().GetProperty("total").GetInt64());
        }
        else
        {
            stats.FailsWith(4, "not supported by this store");
        }

        var list = await CliRun.RunAsync(["list", .. Store, "--json"]);
        if (store is IIdempotencyStoreListing)
        {
            Assert.Equal(3, list.Exits(0).Json().GetProperty("records").GetArrayLength());
        }
        else
        {
            list.FailsWith(4, "not supported by this store");
        }
    }

    [Fact]
    public async Task DeadPort_ExitsThree()
    {
        var port = LoopbackPort.GetFree();

        (await CliRun.RunAsync("get", "--store", "redis", "--connection", $"127.0.0.1:{port},connectTimeout=2000", "--store-key", "x")).FailsWith(3, "store unavailable");
    }
}
