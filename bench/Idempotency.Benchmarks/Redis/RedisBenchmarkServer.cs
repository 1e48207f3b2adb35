using System.Text.Json;
using Idempotency.StackExchangeRedis;
using Idempotency.TestServers;
using StackExchange.Redis;

namespace Idempotency.Benchmarks.Redis;

/// <summary>
/// What every Redis benchmark needs: a real redis-server (the test fixture), a multiplexer, the library's executor on the
/// Redis store, and the raw floor's plain commands. <see cref="StartAsync"/> checks one round trip of each before measuring.
/// </summary>
internal sealed class RedisBenchmarkServer : IAsyncDisposable
{
    public const string Operation = "orders";
    public const string Service = "bench";

    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    // A typical result: its JSON is about 200 bytes.
    public static readonly Order Result = new(42, "A Programmer's Guide to Exactly-Once Delivery, second edition, hardcover", 3, "EUR", 129.90m, "2026-01-01T00:00:00Z", "warehouse-7");

    private readonly RedisServer _server = new();

    private RedisBenchmarkServer()
    {
    }

    public ConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public IDatabase Database { get; private set; } = null!;

    public IIdempotencyExecutor Executor { get; private set; } = null!;

    public static async Task<RedisBenchmarkServer> StartAsync()
    {
        var bench = new RedisBenchmarkServer();
        await bench._server.InitializeAsync();
        bench.Multiplexer = await ConnectionMultiplexer.ConnectAsync(bench._server.ConnectionString + ",allowAdmin=true");
        bench.Database = bench.Multiplexer.GetDatabase();
        var options = new IdempotencyOptions { ServiceName = Service };
        options.DefaultPolicy.Ttl = Ttl;
        bench.Executor = IdempotencyExecutor.Create(options, new RedisIdempotencyStore(bench.Multiplexer));

        bench._guardedSetHash = await bench.Multiplexer.GetServer(bench.Multiplexer.GetEndPoints()[0]).ScriptLoadAsync(GuardedSetScript);
        await bench.CheckRoundTripsAsync();
        return bench;
    }

    // The least a correct hand-rolled completion does: replace the claim only if it is still ours, in one script call.
    private const string GuardedSetScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return 0";

    private byte[] _guardedSetHash = null!;

    public static IdempotencyRequest Request(string key) => new(Operation, key);

    public static ValueTask<Order> Handler(CancellationToken cancellationToken) => ValueTask.FromResult(Result);

    /// <summary>The Redis key the store uses for a caller's key (no instance name).</summary>
    public static string StoreKeyOf(string key) => Idempotency.StoreKey.Create(IdempotencyDefaults.KeyPrefix, Service, Operation, null, key);

    public async Task<Order> LibraryAsync(string key) => (await Executor.ExecuteAsync(Request(key), Handler, CancellationToken.None)).Value;

    /// <summary>The raw floor of a first execution: claim (SET NX) and store the result (SET), as hand-rolled code does.</summary>
    public async Task<Order> FloorFirstExecutionAsync(string key)
    {
        if (!await Database.StringSetAsync(key, FloorClaimValue, Ttl, When.NotExists))
        {
            throw new InvalidOperationException("The floor key was taken.");
        }

        var result = Result;
        await Database.StringSetAsync(key, JsonSerializer.SerializeToUtf8Bytes(result), Ttl);
        return result;
    }

    /// <summary>
    /// The floor of an owner-guarded first execution: claim (SET NX), then store the result with a minimal
    /// compare-and-set script (EVALSHA), which is what a correct completion costs at the least.
    /// </summary>
    public async Task<Order> FloorGuardedFirstExecutionAsync(string key)
    {
        if (!await Database.StringSetAsync(key, FloorClaimValue, Ttl, When.NotExists))
        {
            throw new InvalidOperationException("The floor key was taken.");
        }

        var result = Result;
        var stored = await Database.ScriptEvaluateAsync(_guardedSetHash, [key], [FloorClaimValue, JsonSerializer.SerializeToUtf8Bytes(result), (long)Ttl.TotalMilliseconds]);
        return stored.IsNull ? throw new InvalidOperationException("The guarded set did not happen.") : result;
    }

    /// <summary>The raw floor of a replay: one GET and the deserialization of the stored result.</summary>
    public async Task<Order> FloorReplayAsync(string key)
    {
        var value = await Database.StringGetAsync(key);
        return JsonSerializer.Deserialize<Order>((byte[])value!) ?? throw new InvalidOperationException("The floor record is missing.");
    }

    /// <summary>
    /// Fills Redis with <paramref name="count"/> live records <c>live-{i}</c> (copies of a real completed record, written
    /// with pipelined SETs) and as many raw-floor values <c>floor:live-{i}</c>, then checks they are all there.
    /// </summary>
    public async Task PreloadLiveRecordsAsync(int count)
    {
        const int Batch = 10_000;
        await LibraryAsync("template");
        var template = (byte[])(await Database.StringGetAsync(StoreKeyOf("template")))!;
        await FloorFirstExecutionAsync("floor:template");
        var floorValue = (byte[])(await Database.StringGetAsync("floor:template"))!;
        for (var start = 0; start < count; start += Batch)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(Batch, count - start)).SelectMany(i => new[]
            {
                Database.StringSetAsync(StoreKeyOf($"live-{i}"), template, Ttl),
                Database.StringSetAsync($"floor:live-{i}", floorValue, Ttl),
            }));
        }

        var size = (long)await Database.ExecuteAsync("DBSIZE");
        Console.WriteLine($"// Redis keys after preload: {size}");
        if (size < 2L * count)
        {
            throw new InvalidOperationException("The preload did not write every record; refusing to measure.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Multiplexer.DisposeAsync();
        await _server.DisposeAsync();
    }

    // The size of the store's own claim value (header, 32-character owner token, no fingerprint).
    private static readonly byte[] FloorClaimValue = new byte[63];

    private async Task CheckRoundTripsAsync()
    {
        var first = await Executor.ExecuteAsync(Request("check"), Handler, CancellationToken.None);
        var replay = await Executor.ExecuteAsync(Request("check"), Handler, CancellationToken.None);
        if (first.IsReplayed || !replay.IsReplayed || replay.Value != Result)
        {
            throw new InvalidOperationException("The Redis store does not execute then replay; refusing to measure.");
        }

        await FloorFirstExecutionAsync("floor:check");
        await FloorGuardedFirstExecutionAsync("floor:guarded-check");
        if (await FloorReplayAsync("floor:check") != Result)
        {
            throw new InvalidOperationException("The raw floor does not round-trip; refusing to measure.");
        }
    }

    public sealed record Order(int Id, string Item, int Quantity, string Currency, decimal Total, string PlacedAt, string Warehouse);
}
