using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Idempotency.Benchmarks.Http;

/// <summary>
/// A cross-check of <see cref="HttpThroughputBenchmarks"/> that is robust to a busy machine: plain, first-execution and
/// replay requests run in alternating batches of <see cref="Batch"/> (the order rotates every round), so slow drifts
/// of the machine's load hit all three alike; each ratio is the ratio of summed times. It is one long BenchmarkDotNet
/// invocation whose own timing means nothing: read the table it prints (lines starting with <c>// |</c>).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1, invocationCount: 1)]
public class HttpAbComparison
{
    private const int Callers = 16;
    private const int Batch = 2048;
    private const int Rounds = 30;

    [Benchmark]
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet runs instance methods.")]
    public async Task Interleaved()
    {
        await using var app = await HttpBenchmarkApp.StartAsync();
        using var client = new HttpBenchmarkClient(app.BaseAddress);
        await client.CheckReplayWorksAsync();
        Func<Task>[] kinds = [client.PlainAsync, client.FirstExecutionAsync, client.ReplayAsync];
        foreach (var kind in kinds)
        {
            await HttpCallers.RunAsync(Callers, Batch, kind);
        }

        var elapsed = new TimeSpan[kinds.Length];
        for (var round = 0; round < Rounds; round++)
        {
            for (var turn = 0; turn < kinds.Length; turn++)
            {
                var kind = (round + turn) % kinds.Length;
                var started = Stopwatch.GetTimestamp();
                await HttpCallers.RunAsync(Callers, Batch, kinds[kind]);
                elapsed[kind] += Stopwatch.GetElapsedTime(started);
            }
        }

        var operations = (double)Rounds * Batch;
        Console.WriteLine($"// | callers | requests each | plain req/s | first execution req/s | replay req/s | first / plain | replay / plain | replay / first |");
        Console.WriteLine($"// | --- | --- | --- | --- | --- | --- | --- | --- |");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// | {Callers} | {operations:F0} | {operations / elapsed[0].TotalSeconds:F0} | {operations / elapsed[1].TotalSeconds:F0} | {operations / elapsed[2].TotalSeconds:F0} | {elapsed[0] / elapsed[1]:F2} | {elapsed[0] / elapsed[2]:F2} | {elapsed[1] / elapsed[2]:F2} |"));
        Console.WriteLine($"// Idempotency store records: {app.StoredRecords}");
    }
}
