using System.Text.Json;

namespace Idempotency.Benchmarks.Redis;

/// <summary>
/// A cross-check of <see cref="RedisThroughputBenchmarks"/> that is robust to a busy machine: the raw floor and the
/// library run in alternating batches of 2 048 operations (order flipped every round), so slow drifts of the machine's
/// load hit both equally, and the throughput ratio is the ratio of their summed times. It also splits the library's
/// cost into the store alone (claim/complete straight on <see cref="StackExchangeRedis.RedisIdempotencyStore"/>) and the engine on top.
/// </summary>
/// <remarks>See bench/README.md, section Redis, for how to run it.</remarks>
public static class RedisAbComparison
{
    private const int Batch = 2048;
    private const int ReplayKeys = 1024;
    private const string Owner = "0123456789abcdef0123456789abcdef";

    public static async Task<IReadOnlyList<string>> RunAsync(int callers, int rounds, TextWriter output)
    {
        await using var redis = await RedisBenchmarkServer.StartAsync();
        var store = new StackExchangeRedis.RedisIdempotencyStore(redis.Multiplexer);
        var libraryKeys = Enumerable.Range(0, ReplayKeys).Select(i => $"ab-replay-{i}").ToArray();
        var floorKeys = Enumerable.Range(0, ReplayKeys).Select(i => $"floor:ab-replay-{i}").ToArray();
        var storeKeys = libraryKeys.Select(RedisBenchmarkServer.StoreKeyOf).ToArray();
        for (var i = 0; i < ReplayKeys; i++)
        {
            await redis.LibraryAsync(libraryKeys[i]);
            await redis.FloorFirstExecutionAsync(floorKeys[i]);
        }

        var next = 0L;
        var ttl = RedisBenchmarkServer.Ttl;
        async Task StoreFirstAsync(string key)
        {
            var now = DateTimeOffset.UtcNow;
            await store.ClaimAsync(new IdempotencyClaimRequest(key, Owner, string.Empty, now, TimeSpan.FromMinutes(1), ttl), CancellationToken.None);
            await store.CompleteAsync(key, Owner, JsonSerializer.SerializeToUtf8Bytes(RedisBenchmarkServer.Result), now, ttl, CancellationToken.None);
        }

        async Task StoreReplayAsync(string key)
        {
            var claim = await store.ClaimAsync(new IdempotencyClaimRequest(key, Owner, string.Empty, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), ttl), CancellationToken.None);

            // Skips the engine's 3-byte payload header, as the engine does before deserializing.
            JsonSerializer.Deserialize<RedisBenchmarkServer.Order>(claim.Existing!.Payload.Span[3..]);
        }

        var lines = new List<string>
        {
            await CompareAsync("first: floor vs library", callers, rounds, _ => redis.FloorFirstExecutionAsync("floor:ab" + Interlocked.Increment(ref next)), _ => redis.LibraryAsync("ab" + Interlocked.Increment(ref next))),
            await CompareAsync("first: guarded floor vs library", callers, rounds, _ => redis.FloorGuardedFirstExecutionAsync("floor:ab" + Interlocked.Increment(ref next)), _ => redis.LibraryAsync("ab" + Interlocked.Increment(ref next))),
            await CompareAsync("first: floor vs store alone", callers, rounds, _ => redis.FloorFirstExecutionAsync("floor:ab" + Interlocked.Increment(ref next)), _ => StoreFirstAsync("store:ab" + Interlocked.Increment(ref next))),
            await CompareAsync("replay: floor vs library", callers, rounds, i => redis.FloorReplayAsync(floorKeys[i % ReplayKeys]), i => redis.LibraryAsync(libraryKeys[i % ReplayKeys])),
            await CompareAsync("replay: floor vs store alone", callers, rounds, i => redis.FloorReplayAsync(floorKeys[i % ReplayKeys]), i => StoreReplayAsync(storeKeys[i % ReplayKeys])),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        return lines;
    }

    /// <summary>
    /// The library against itself on two servers, one holding 1 k live records and one holding
    /// <paramref name="liveRecords"/>, in alternating batches: the throughput ratio of the big one to the small one.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunScaleAsync(int callers, int rounds, int liveRecords, TextWriter output)
    {
        await using var small = await RedisBenchmarkServer.StartAsync();
        await using var large = await RedisBenchmarkServer.StartAsync();
        await small.PreloadLiveRecordsAsync(1_000);
        await large.PreloadLiveRecordsAsync(liveRecords);
        var random = new Random(42);
        var smallKeys = Enumerable.Range(0, 4096).Select(_ => $"live-{random.Next(1_000)}").ToArray();
        var largeKeys = Enumerable.Range(0, 4096).Select(_ => $"live-{random.Next(liveRecords)}").ToArray();
        var next = 0L;
        var lines = new List<string>
        {
            await CompareAsync($"first: 1 k vs {liveRecords:N0} live records", callers, rounds, _ => small.LibraryAsync("ab" + Interlocked.Increment(ref next)), _ => large.LibraryAsync("ab" + Interlocked.Increment(ref next))),
            await CompareAsync($"replay: 1 k vs {liveRecords:N0} live records", callers, rounds, i => small.LibraryAsync(smallKeys[i % smallKeys.Length]), i => large.LibraryAsync(largeKeys[i % largeKeys.Length])),
            await CompareAsync($"floor replay: 1 k vs {liveRecords:N0} live records", callers, rounds, i => small.FloorReplayAsync("floor:" + smallKeys[i % smallKeys.Length]), i => large.FloorReplayAsync("floor:" + largeKeys[i % largeKeys.Length])),
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
