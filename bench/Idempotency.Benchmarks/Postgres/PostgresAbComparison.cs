using System.Text.Json;

namespace Idempotency.Benchmarks.Postgres;

/// <summary>
/// A cross-check of <see cref="PostgresThroughputBenchmarks"/> and <see cref="PostgresScaleBenchmarks"/> that is robust to
/// a busy machine: two contenders run in alternating batches of <see cref="Batch"/> operations (order flipped every
/// round), so drifts of the machine's load hit both alike, and the throughput ratio is the ratio of their summed times.
/// It also splits the library's cost into the store alone (claim / complete straight on the store) and the engine on top.
/// </summary>
/// <remarks>See bench/README.md, section PostgreSQL, for how to run it.</remarks>
public static class PostgresAbComparison
{
    private const int Batch = 1024;
    private const int ReplayKeys = 1024;
    private const string Owner = "0123456789abcdef0123456789abcdef";

    /// <summary>Floor against library (and store alone) for first executions and replays; prints one markdown row each.</summary>
    /// <param name="callers">Concurrent callers.</param>
    /// <param name="rounds">Alternating rounds of <see cref="Batch"/> operations per contender.</param>
    /// <param name="output">Where the markdown rows go.</param>
    /// <param name="connectionSettings">Extra connection-string settings of the shared data source, e.g. <c>No Reset On Close=true</c>.</param>
    public static async Task<IReadOnlyList<string>> RunAsync(int callers, int rounds, TextWriter output, string? connectionSettings = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var postgres = await PostgresBenchmarkServer.StartAsync(connectionSettings);
        var libraryKeys = Enumerable.Range(0, ReplayKeys).Select(i => $"ab-replay-{i}").ToArray();
        var floorKeys = libraryKeys.Select(PostgresBenchmarkServer.FloorKey).ToArray();
        var storeKeys = libraryKeys.Select(k => StoreKey.Create("idem", "bench", "orders", null, k)).ToArray();
        for (var i = 0; i < ReplayKeys; i++)
        {
            await postgres.LibraryAsync(libraryKeys[i]);
            await postgres.FloorFirstExecutionAsync(floorKeys[i]);
        }

        await postgres.ExecuteAsync("VACUUM ANALYZE");
        var store = postgres.Store;
        var lease = TimeSpan.FromMinutes(1);
        var ttl = TimeSpan.FromHours(24);
        async Task StoreFirstAsync(string key)
        {
            var now = TimeProvider.System.GetUtcNow();
            await store.ClaimAsync(new IdempotencyClaimRequest(key, Owner, "f", now, lease, ttl), CancellationToken.None);
            await store.CompleteAsync(key, Owner, JsonSerializer.SerializeToUtf8Bytes(PostgresBenchmarkServer.Result), now, ttl, CancellationToken.None);
        }

        async Task StoreReplayAsync(string key)
        {
            var claim = await store.ClaimAsync(new IdempotencyClaimRequest(key, Owner, "f", TimeProvider.System.GetUtcNow(), lease, ttl), CancellationToken.None);

            // Skips the engine's payload header, as the engine does before deserializing.
            JsonSerializer.Deserialize<PostgresBenchmarkServer.Order>(claim.Existing!.Payload.Span[3..]);
        }

        var next = 0L;
        var lines = new List<string>
        {
            await CompareAsync("first execution: floor vs library", callers, rounds, _ => postgres.FloorFirstExecutionAsync(PostgresBenchmarkServer.FloorKey("ab" + Interlocked.Increment(ref next))), async _ => await postgres.LibraryAsync("ab" + Interlocked.Increment(ref next))),
            await CompareAsync("first execution: floor vs store alone", callers, rounds, _ => postgres.FloorFirstExecutionAsync(PostgresBenchmarkServer.FloorKey("ab" + Interlocked.Increment(ref next))), _ => StoreFirstAsync("store:ab" + Interlocked.Increment(ref next))),
            await CompareAsync("replay: floor vs library", callers, rounds, i => postgres.FloorReplayAsync(floorKeys[i % ReplayKeys]), async i => await postgres.LibraryAsync(libraryKeys[i % ReplayKeys])),
            await CompareAsync("replay: floor vs store alone", callers, rounds, i => postgres.FloorReplayAsync(floorKeys[i % ReplayKeys]), i => StoreReplayAsync(storeKeys[i % ReplayKeys])),
            await CompareAsync("replay: floor vs the store's claim SQL sent raw", callers, rounds, i => postgres.FloorReplayAsync(floorKeys[i % ReplayKeys]), i => postgres.RawClaimReplayAsync(storeKeys[i % ReplayKeys])),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        return lines;
    }

    /// <summary>The library on a table with 1 k live records against one with <paramref name="liveRecords"/>, in alternating batches.</summary>
    public static async Task<IReadOnlyList<string>> RunScaleAsync(int callers, int rounds, int liveRecords, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var postgres = await PostgresBenchmarkServer.StartAsync();
        var small = await postgres.LoadLiveRecordsAsync("ab_small", 1_000);
        var large = await postgres.LoadLiveRecordsAsync("ab_large", liveRecords);
        await postgres.ExecuteAsync("VACUUM ANALYZE");
        var random = new Random(42);
        var smallKeys = Enumerable.Range(0, 4096).Select(_ => $"live-{random.Next(1_000)}").ToArray();
        var largeKeys = Enumerable.Range(0, 4096).Select(_ => $"live-{random.Next(liveRecords)}").ToArray();
        var next = 0L;
        var lines = new List<string>
        {
            await CompareAsync($"first execution: 1 k vs {liveRecords:N0} live records", callers, rounds, async _ => await PostgresBenchmarkServer.ExecuteAsync(small, "ab" + Interlocked.Increment(ref next)), async _ => await PostgresBenchmarkServer.ExecuteAsync(large, "ab" + Interlocked.Increment(ref next))),
            await CompareAsync($"replay: 1 k vs {liveRecords:N0} live records", callers, rounds, async i => await PostgresBenchmarkServer.ExecuteAsync(small, smallKeys[i % smallKeys.Length]), async i => await PostgresBenchmarkServer.ExecuteAsync(large, largeKeys[i % largeKeys.Length])),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        return lines;
    }

    private static Task<string> CompareAsync(string name, int callers, int rounds, Func<int, Task> floor, Func<int, Task> compared) =>
        Interleaved.CompareAsync(name, callers, rounds, Batch, floor, compared);
}
