namespace Idempotency.Benchmarks.DynamoDb;

/// <summary>
/// The DynamoDB store against the raw floor (the same PutItem / UpdateItem / GetItem requests without the library) on
/// dynalite, in alternating batches (order flipped every round), like <c>redis-ab</c>. dynalite, single-threaded Node.js,
/// is far slower than DynamoDB, so its own speed bounds both sides: read the ratio, not the operations per second.
/// </summary>
/// <remarks>See bench/README.md, section DynamoDB, for how to run it.</remarks>
public static class DynamoDbAbComparison
{
    private const int ReplayKeys = 256;

    public static async Task<IReadOnlyList<string>> RunAsync(int callers, int rounds, int batch, TextWriter output)
    {
        await using var dynamo = await DynamoDbBenchmarkServer.StartAsync();
        for (var i = 0; i < ReplayKeys; i++)
        {
            await dynamo.LibraryAsync($"ab-replay-{i}");
            await dynamo.FloorFirstExecutionAsync($"floor:ab-replay-{i}");
        }

        var next = 0L;
        var lines = new List<string>
        {
            await Interleaved.CompareAsync("first: floor vs library", callers, rounds, batch, _ => dynamo.FloorFirstExecutionAsync("floor:ab" + Interlocked.Increment(ref next)), _ => dynamo.LibraryAsync("ab" + Interlocked.Increment(ref next))),
            await Interleaved.CompareAsync("first: guarded floor vs library", callers, rounds, batch, _ => dynamo.FloorGuardedFirstExecutionAsync("floor:gab" + Interlocked.Increment(ref next)), _ => dynamo.LibraryAsync("gab" + Interlocked.Increment(ref next))),
            await Interleaved.CompareAsync("first: floor vs guarded floor", callers, rounds, batch, _ => dynamo.FloorFirstExecutionAsync("floor:fab" + Interlocked.Increment(ref next)), _ => dynamo.FloorGuardedFirstExecutionAsync("floor:fgab" + Interlocked.Increment(ref next))),
            await Interleaved.CompareAsync("replay: floor vs library", callers, rounds, batch, i => dynamo.FloorReplayAsync($"floor:ab-replay-{i % ReplayKeys}"), i => dynamo.LibraryAsync($"ab-replay-{i % ReplayKeys}")),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        return lines;
    }
}
