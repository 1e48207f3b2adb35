using BenchmarkDotNet.Running;
using Idempotency.Benchmarks.Postgres;
using Idempotency.Benchmarks.Redis;

// `redis-ab` / `postgres-ab`: the interleaved comparisons (floor and library in alternating batches), which a busy machine
// cannot skew the way it skews two separate BenchmarkDotNet runs. Everything else goes to BenchmarkDotNet.
if (args is ["redis-ab", ..])
{
    await RedisAbComparison.RunAsync(callers: 64, rounds: 20, Console.Out);
    await RedisAbComparison.RunScaleAsync(callers: 64, rounds: 30, liveRecords: 1_000_000, Console.Out);
    return;
}

if (args is ["postgres-ab", ..])
{
    foreach (var callers in new[] { 1, 16, 64 })
    {
        await PostgresAbComparison.RunAsync(callers, rounds: 30, Console.Out);
    }

    await PostgresAbComparison.RunScaleAsync(callers: 16, rounds: 30, liveRecords: 1_000_000, Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
