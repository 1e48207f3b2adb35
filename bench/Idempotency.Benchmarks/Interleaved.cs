using System.Diagnostics;
using System.Globalization;

namespace Idempotency.Benchmarks;

/// <summary>
/// The interleaved A/B comparison behind the targets: the floor and the compared code run in alternating batches (order
/// flipped every round), so slow drifts of a busy machine hit both alike. Prints one table row: throughput of each, their
/// ratio (floor time / compared time), and bytes allocated per operation by the whole process while each ran.
/// </summary>
internal static class Interleaved
{
    public const string Header = "| comparison | callers | floor ops/s | compared ops/s | ratio | floor B/op | compared B/op |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |";

    public static async Task<string> CompareAsync(string name, int callers, int rounds, int batch, Func<int, Task> floor, Func<int, Task> compared)
    {
        await Concurrently.RunAsync(callers, batch, floor, static (operation, i) => operation(i));
        await Concurrently.RunAsync(callers, batch, compared, static (operation, i) => operation(i));
        var time = new TimeSpan[2];
        var bytes = new long[2];
        for (var round = 0; round < rounds; round++)
        {
            foreach (var turn in round % 2 == 0 ? new[] { 0, 1 } : [1, 0])
            {
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var started = Stopwatch.GetTimestamp();
                await Concurrently.RunAsync(callers, batch, turn == 0 ? floor : compared, static (operation, i) => operation(i));
                time[turn] += Stopwatch.GetElapsedTime(started);
                bytes[turn] += GC.GetTotalAllocatedBytes(precise: true) - allocated;
            }
        }

        var operations = (double)rounds * batch;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {callers} | {operations / time[0].TotalSeconds:F0} | {operations / time[1].TotalSeconds:F0} | {time[0] / time[1]:F2} | {bytes[0] / operations:F0} | {bytes[1] / operations:F0} |");
    }
}
