using BenchmarkDotNet.Running;
using Idempotency.Benchmarks.Redis;

// `redis-ab`: the interleaved Redis comparison (floor and library in alternating batches), which a busy machine
// cannot skew the way it skews two separate BenchmarkDotNet runs. Everything else goes to BenchmarkDotNet.
if (args is ["redis-ab", ..])
{
    await RedisAbComparison.RunAsync(callers: 64, rounds: 20, Console.Out);
    await RedisAbComparison.RunScaleAsync(callers: 64, rounds: 30, liveRecords: 1_000_000, Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
