using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Idempotency.Benchmarks.Postgres;

/// <summary>
/// The executor on the PostgreSQL store against the raw floor — the same number of plain Npgsql statements without the
/// library (INSERT ... ON CONFLICT DO NOTHING + an owner-guarded UPDATE for a first execution, SELECT for a replay,
/// prepared, with the same JSON result) — at 1, 16 and 64
/// concurrent callers on one data source. Each invocation runs <see cref="Operations"/> operations; read the Ratio
/// column per category and caller count.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
[Config(typeof(PostgresBenchmarkConfig))]
public class PostgresThroughputBenchmarks
{
    private const int Operations = 512;
    private const int ReplayKeys = 1024;

    private readonly string[] _libraryReplayKeys = Enumerable.Range(0, ReplayKeys).Select(i => $"replay-{i}").ToArray();
    private readonly string[] _floorReplayKeys = Enumerable.Range(0, ReplayKeys).Select(i => PostgresBenchmarkServer.FloorKey($"replay-{i}")).ToArray();
    private PostgresBenchmarkServer _postgres = null!;
    private long _next;

    [Params(1, 16, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _postgres = await PostgresBenchmarkServer.StartAsync();
        for (var i = 0; i < ReplayKeys; i++)
        {
            await _postgres.LibraryAsync(_libraryReplayKeys[i]);
            await _postgres.FloorFirstExecutionAsync(_floorReplayKeys[i]);
        }

        await _postgres.ExecuteAsync("VACUUM ANALYZE");
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _postgres.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task FloorFirstExecution() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, _) => self._postgres.FloorFirstExecutionAsync(PostgresBenchmarkServer.FloorKey("f" + Interlocked.Increment(ref self._next))));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task LibraryFirstExecution() =>
        Concurrently.RunAsync(Callers, Operations, this, static async (self, _) => await self._postgres.LibraryAsync("k" + Interlocked.Increment(ref self._next)));

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task FloorReplay() =>
        Concurrently.RunAsync(Callers, Operations, this, static (self, i) => self._postgres.FloorReplayAsync(self._floorReplayKeys[i % ReplayKeys]));

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task LibraryReplay() =>
        Concurrently.RunAsync(Callers, Operations, this, static async (self, i) => await self._postgres.LibraryAsync(self._libraryReplayKeys[i % ReplayKeys]));
}
