using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Idempotency.Benchmarks.Postgres;

/// <summary>
/// The same calls on a table holding 1 k live records and on one holding 1 M (copies of a real completed record with
/// their own keys, loaded with one INSERT ... SELECT), at 16 concurrent callers: the cost of a call must not grow with
/// the number of records. The 1 k table is the baseline of each category; read the Ratio column.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(PostgresBenchmarkConfig))]
public class PostgresScaleBenchmarks
{
    private const int Callers = 16;
    private const int Operations = 512;
    private const int ReplayPicks = 4096;
    private const int Small = 1_000;
    private const int Large = 1_000_000;

    private PostgresBenchmarkServer _postgres = null!;
    private IIdempotencyExecutor _small = null!;
    private IIdempotencyExecutor _large = null!;
    private string[] _smallPicks = null!;
    private string[] _largePicks = null!;
    private long _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _postgres = await PostgresBenchmarkServer.StartAsync();
        _small = await _postgres.LoadLiveRecordsAsync("bench_small", Small);
        _large = await _postgres.LoadLiveRecordsAsync("bench_large", Large);
        await _postgres.ExecuteAsync("VACUUM ANALYZE");

        var random = new Random(42);
        _smallPicks = Enumerable.Range(0, ReplayPicks).Select(_ => $"live-{random.Next(Small)}").ToArray();
        _largePicks = Enumerable.Range(0, ReplayPicks).Select(_ => $"live-{random.Next(Large)}").ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _postgres.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task Replay1K() => Replay(_small, _smallPicks);

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Replay")]
    public Task Replay1M() => Replay(_large, _largePicks);

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task FirstExecution1K() => FirstExecution(_small);

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("FirstExecution")]
    public Task FirstExecution1M() => FirstExecution(_large);

    private static Task Replay(IIdempotencyExecutor executor, string[] picks) =>
        Concurrently.RunAsync(Callers, Operations, (executor, picks), static async (state, i) =>
            await PostgresBenchmarkServer.ExecuteAsync(state.executor, state.picks[i % ReplayPicks]));

    private Task FirstExecution(IIdempotencyExecutor executor) =>
        Concurrently.RunAsync(Callers, Operations, (executor, self: this), static async (state, _) =>
            await PostgresBenchmarkServer.ExecuteAsync(state.executor, "new-" + Interlocked.Increment(ref state.self._next)));
}
