using System.Collections.Concurrent;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Idempotency.Benchmarks.Core;

/// <summary>
/// The engine on the in-memory store against the raw floor: the same claim / complete / read work done directly on a
/// <see cref="ConcurrentDictionary{TKey, TValue}"/>, with the same JSON serialization of the result.
/// Each category has its own baseline; read the Ratio column.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CoreBenchmarks
{
    private const string ReplayKey = "replay-key";
    private static readonly Order Result = new(42, "book", 3);
    private readonly ConcurrentDictionary<string, FloorRecord> _floor = new(StringComparer.Ordinal);
    private IIdempotencyExecutor _executor = null!;
    private IIdempotencyExecutor _cachedExecutor = null!;
    private long _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "bench" }, UnboundedStore());
        _cachedExecutor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "bench", LocalCacheMaxEntries = 1024 }, UnboundedStore());
        foreach (var executor in new[] { _executor, _cachedExecutor })
        {
            await executor.ExecuteAsync(Request(ReplayKey), static _ => ValueTask.FromResult(Result), CancellationToken.None);
            var replay = await executor.ExecuteAsync(Request(ReplayKey), static _ => ValueTask.FromResult(Result), CancellationToken.None);
            if (!replay.IsReplayed || replay.Value != Result)
            {
                throw new InvalidOperationException("Replay does not work; refusing to measure.");
            }
        }

        FloorFirstExecution(ReplayKey);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("FirstExecution")]
    public Order FloorFirstExecution() => FloorFirstExecution("f" + Interlocked.Increment(ref _next));

    [Benchmark, BenchmarkCategory("FirstExecution")]
    public async Task<Order> LibraryFirstExecution() =>
        (await _executor.ExecuteAsync(Request("l" + Interlocked.Increment(ref _next)), static _ => ValueTask.FromResult(Result), CancellationToken.None)).Value;

    [Benchmark(Baseline = true), BenchmarkCategory("Replay")]
    public Order FloorReplay()
    {
        var record = _floor[ReplayKey];
        return record.Fingerprint == string.Empty ? JsonSerializer.Deserialize<Order>(record.Result)! : throw new InvalidOperationException();
    }

    [Benchmark, BenchmarkCategory("Replay")]
    public async Task<Order> LibraryReplay() =>
        (await _executor.ExecuteAsync(Request(ReplayKey), static _ => ValueTask.FromResult(Result), CancellationToken.None)).Value;

    [Benchmark, BenchmarkCategory("Replay")]
    public async Task<Order> LibraryReplayFromLocalCache() =>
        (await _cachedExecutor.ExecuteAsync(Request(ReplayKey), static _ => ValueTask.FromResult(Result), CancellationToken.None)).Value;

    private static IdempotencyRequest Request(string key) => new("orders", key);

    // First executions add a record per invocation, millions per run: the default bound (100 000 records) would refuse
    // them part-way, and the floor's dictionary is unbounded too.
    private static InMemoryIdempotencyStore UnboundedStore() => new(new InMemoryStoreOptions { MaxRecords = int.MaxValue, MaxBytes = long.MaxValue });

    private Order FloorFirstExecution(string key)
    {
        var claimed = new FloorRecord(Guid.NewGuid().ToString("N"), string.Empty, []);
        if (!_floor.TryAdd(key, claimed))
        {
            throw new InvalidOperationException("duplicate key");
        }

        var result = Result;
        _floor.TryUpdate(key, claimed with { Result = JsonSerializer.SerializeToUtf8Bytes(result) }, claimed);
        return result;
    }

    public sealed record Order(int Id, string Item, int Quantity);

    private sealed record FloorRecord(string Owner, string Fingerprint, byte[] Result);
}
