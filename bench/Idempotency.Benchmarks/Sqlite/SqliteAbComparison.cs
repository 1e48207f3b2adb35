namespace Idempotency.Benchmarks.Sqlite;

/// <summary>
/// The SQLite store against its raw floor (<see cref="SqliteFloor"/>: the same statements without the library), in
/// alternating batches on one file, so the ratio survives a busy machine. First executions write (and, with the default
/// <c>synchronous = FULL</c>, flush) twice per operation on both sides; replays only read.
/// </summary>
/// <remarks>See bench/README.md, section SQLite, for how to run it.</remarks>
public static class SqliteAbComparison
{
    private const int ReplayKeys = 1024;

    /// <summary>Floor against library for first executions and replays; prints one markdown row each.</summary>
    /// <param name="callers">Concurrent callers.</param>
    /// <param name="rounds">Alternating rounds of <paramref name="batch"/> operations per contender.</param>
    /// <param name="batch">Operations per contender and round.</param>
    /// <param name="output">Where the markdown rows go.</param>
    public static async Task<IReadOnlyList<string>> RunAsync(int callers, int rounds, int batch, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var bench = new SqliteBenchmark();
        await bench.CheckAsync();
        var libraryKeys = Enumerable.Range(0, ReplayKeys).Select(i => $"ab-replay-{i}").ToArray();
        var floorKeys = libraryKeys.Select(SqliteBenchmark.FloorKey).ToArray();
        for (var i = 0; i < ReplayKeys; i++)
        {
            await bench.LibraryAsync(libraryKeys[i]);
            await bench.Floor.FirstExecutionAsync(floorKeys[i], SqliteBenchmark.Result);
        }

        var next = 0L;
        var lines = new List<string>
        {
            await Interleaved.CompareAsync("sqlite first execution: floor vs library", callers, rounds, batch, _ => bench.Floor.FirstExecutionAsync(SqliteBenchmark.FloorKey("ab" + Interlocked.Increment(ref next)), SqliteBenchmark.Result), async _ => await bench.LibraryAsync("ab" + Interlocked.Increment(ref next))),
            await Interleaved.CompareAsync("sqlite replay: floor vs library", callers, rounds, batch, i => bench.Floor.ReplayAsync(floorKeys[i % ReplayKeys]), async i => await bench.LibraryAsync(libraryKeys[i % ReplayKeys])),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        return lines;
    }
}
