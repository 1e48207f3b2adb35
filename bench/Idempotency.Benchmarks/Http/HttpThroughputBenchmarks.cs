using BenchmarkDotNet.Attributes;

namespace Idempotency.Benchmarks.Http;

/// <summary>
/// Requests per second of one endpoint with and without the Idempotency-Key middleware (in-memory store), over real
/// Kestrel and one shared <see cref="HttpClient"/>. Each invocation sends <see cref="Operations"/> requests from
/// <see cref="Callers"/> concurrent callers, so the mean per operation is the inverse of throughput: read the Ratio
/// column (idempotent / plain; the target is at most 1 / 0.85 = 1.18).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class HttpThroughputBenchmarks
{
    private const int Callers = 16;
    private const int Operations = 256;

    private HttpBenchmarkApp _app = null!;
    private HttpBenchmarkClient _client = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _app = await HttpBenchmarkApp.StartAsync();
        _client = new HttpBenchmarkClient(_app.BaseAddress);
        await _client.CheckReplayWorksAsync();

        // Open the connections the callers will use, so no benchmark pays for them.
        await HttpCallers.RunAsync(Callers, Callers, _client.PlainAsync);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        Console.WriteLine($"// Idempotency store records at cleanup: {_app.StoredRecords}");
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public Task Plain() => HttpCallers.RunAsync(Callers, Operations, _client.PlainAsync);

    [Benchmark(OperationsPerInvoke = Operations)]
    public Task Idempotent_FirstExecution() => HttpCallers.RunAsync(Callers, Operations, _client.FirstExecutionAsync);

    [Benchmark(OperationsPerInvoke = Operations)]
    public Task Idempotent_Replay() => HttpCallers.RunAsync(Callers, Operations, _client.ReplayAsync);
}
