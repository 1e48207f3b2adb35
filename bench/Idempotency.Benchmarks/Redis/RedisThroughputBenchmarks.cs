using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Idempotency.Benchmarks.Redis;

/// <summary>
/// The executor on the Redis store against the raw floor (the same round trips as plain StackExchange.Redis commands:
/// SET NX + SET for a first execution, GET for a replay), at 1, 16 and 64 concurrent callers on one multiplexer.
/// <see cref="FloorGuardedFirstExecution"/> shows what an owner-guarded completion (a minimal compare-and-set script)
/// costs by itself. Each invocation runs <see cref="Operations"/> operations; read the Ratio column per category and caller count.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class RedisThroughputBenchmarks
{
    private const int Operations = 512;
    private const int ReplayKeys = 1024;

    private readonly string[] _libraryReplayKeys = Enumerable.Range(0, ReplayKeys).Select(i => $"replay-{i}").ToArray();
    private readonly string[] _floorReplayKeys = Enumerable.Range(0, ReplayKeys).Select(i => $"floor:replay-{i}").ToArray();
    private RedisBenchmarkServer _redis = null!;
    private long _next;

    [Params(1, 16, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await RedisBenchmarkServer.StartAsync();
        for (var i = 0; i < ReplayKeys; i++)
        {
            await _redis.LibraryAsync(_libraryReplayKeys[i]);
            await _redis.FloorFirstExecutionAsync(_floorReplayKeys[i]);
        }

        var bytes = await _redis.Database.ExecuteAsync("MEMORY", "USAGE", RedisBenchmarkServer.StoreKeyOf(_libraryReplayKeys[0]), "SAMPLES", "0");
        var length = await _redis.Database.StringLengthAsync(RedisBenchmarkServer.StoreKeyOf(_libraryReplayKeys[0]));
        Console.WriteLine($"// Redis record: value {length} bytes, MEMORY USAGE {bytes} bytes");
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _redis.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task FloorFirstExecution() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, _) => self._redis.FloorFirstExecutionAsync("floor:" + Interlocked.Increment(ref self._next)));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task FloorGuardedFirstExecution() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, _) => self._redis.FloorGuardedFirstExecutionAsync("floor:" + Interlocked.Increment(ref self._next)));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task LibraryFirstExecution() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, _) => self._redis.LibraryAsync("k" + Interlocked.Increment(ref self._next)));

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task FloorReplay() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, i) => self._redis.FloorReplayAsync(self._floorReplayKeys[i % ReplayKeys]));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task LibraryReplay() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, i) => self._redis.LibraryAsync(self._libraryReplayKeys[i % ReplayKeys]));
}
