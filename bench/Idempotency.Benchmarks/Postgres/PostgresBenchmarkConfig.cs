using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Idempotency.Benchmarks.Postgres;

/// <summary>
/// A short job (1 launch, 3 warm-up and 8 measured iterations), run in-process: the work is network round trips to a
/// separate PostgreSQL process, so a separate benchmark process adds nothing but a second build of the solution.
/// </summary>
internal sealed class PostgresBenchmarkConfig : ManualConfig
{
    public PostgresBenchmarkConfig() =>
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("PostgresShort"));
}
