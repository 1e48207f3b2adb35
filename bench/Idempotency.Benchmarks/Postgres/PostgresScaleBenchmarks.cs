using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Idempotency.Npgsql;

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
        _small = await LoadAsync("bench_small", Small);
        _large = await LoadAsync("bench_large", Large);
        await _postgres.ExecuteAsync("VACUUM ANALYZE");

        var random = new Random(42);
        _smallPicks = Enumerable.Range(0, ReplayPicks).Select(_ => $"live-{random.Next(Small)}").ToArray();
        _largePicks = Enumerable.Range(0, ReplayPicks).Select(_ => $"live-{random.Next(Large)}").ToArray();
        foreach (var (executor, key) in new[] { (_small, _smallPicks[0]), (_large, _largePicks[0]) })
        {
            var replay = await executor.ExecuteAsync(PostgresBenchmarkServer.Request(key), static _ => ValueTask.FromResult(PostgresBenchmarkServer.Result with { Id = -1 }), CancellationToken.None);
            if (!replay.IsReplay || replay.Value != PostgresBenchmarkServer.Result)
            {
                throw new InvalidOperationException("A preloaded record does not replay; refusing to measure.");
            }
        }
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
        PostgresCallers.RunAsync(Callers, Operations, (executor, picks), static async (state, i) =>
            await state.executor.ExecuteAsync(PostgresBenchmarkServer.Request(state.picks[i % ReplayPicks]), static _ => ValueTask.FromResult(PostgresBenchmarkServer.Result), CancellationToken.None));

    private Task FirstExecution(IIdempotencyExecutor executor) =>
        PostgresCallers.RunAsync(Callers, Operations, (executor, self: this), static async (state, _) =>
            await state.executor.ExecuteAsync(PostgresBenchmarkServer.Request("new-" + Interlocked.Increment(ref state.self._next)), static _ => ValueTask.FromResult(PostgresBenchmarkServer.Result), CancellationToken.None));

    // One real completed record, then copies of it under the store keys of "live-0" ... "live-{count-1}":
    // prefix + base64url(SHA-256(key)), exactly as the engine builds them.
    private async Task<IIdempotencyExecutor> LoadAsync(string table, int count)
    {
        var store = new NpgsqlIdempotencyStore(_postgres.DataSource, new NpgsqlStoreOptions { TableName = table });
        await store.CreateTableAsync(CancellationToken.None);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "bench" }, store);
        await executor.ExecuteAsync(PostgresBenchmarkServer.Request("template"), static _ => ValueTask.FromResult(PostgresBenchmarkServer.Result), CancellationToken.None);
        await _postgres.ExecuteAsync($"""
            INSERT INTO {table} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
            SELECT left(t.store_key, length(t.store_key) - 43) || rtrim(translate(encode(sha256(convert_to('live-' || i, 'UTF8')), 'base64'), '+/', '-_'), '='),
                   t.status, md5(i::text), t.fingerprint, t.created_at, t.lease_expires_at, t.expires_at, t.payload, t.retryable
            FROM {table} AS t CROSS JOIN generate_series(0, {count - 1}) AS i
            """);
        return executor;
    }
}
