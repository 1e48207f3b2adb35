using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Idempotency.Benchmarks.Redis;

/// <summary>
/// Throughput at 64 concurrent callers with 1 k and with 1 M live records in Redis, preloaded with pipelined SETs of a
/// real completed record's value (and as many raw-floor values): the cost of a call must not grow with the number of
/// records. Compare each method's Mean across the two <see cref="LiveRecords"/> values; Ratio still compares with the floor.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class RedisScaleBenchmarks
{
    private const int Callers = 64;
    private const int Operations = 512;
    private const int ReplayPicks = 4096;

    private RedisBenchmarkServer _redis = null!;
    private string[] _libraryReplayKeys = null!;
    private string[] _floorReplayKeys = null!;
    private long _next;

    [Params(1_000, 1_000_000)]
    public int LiveRecords { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await RedisBenchmarkServer.StartAsync();
        await _redis.PreloadLiveRecordsAsync(LiveRecords);

        // Replays pick random live records, so they hit the whole key space.
        var random = new Random(42);
        var picks = Enumerable.Range(0, ReplayPicks).Select(_ => random.Next(LiveRecords)).ToArray();
        _libraryReplayKeys = picks.Select(i => $"live-{i}").ToArray();
        _floorReplayKeys = picks.Select(i => $"floor:live-{i}").ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _redis.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task FloorFirstExecution() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, _) => self._redis.FloorFirstExecutionAsync("floor:" + Interlocked.Increment(ref self._next)));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task LibraryFirstExecution() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, _) => self._redis.LibraryAsync("k" + Interlocked.Increment(ref self._next)));

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task FloorReplay() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, i) => self._redis.FloorReplayAsync(self._floorReplayKeys[(int)((Interlocked.Increment(ref self._next) + i) % ReplayPicks)]));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task LibraryReplay() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, i) => self._redis.LibraryAsync(self._libraryReplayKeys[(int)((Interlocked.Increment(ref self._next) + i) % ReplayPicks)]));
}
