using Idempotency.StackExchangeRedis;
using Idempotency.TestServers;
using StackExchange.Redis;

namespace Idempotency.Benchmarks.Redis;

/// <summary>
/// What <see cref="RedisStoreOptions.WaitForReplicas"/> = 1 costs on a loopback cluster (3 primaries, one replica each):
/// the raw floor (<c>SET NX</c> + <c>SET</c>), the library without the wait and the library with it, first executions
/// in alternating batches. Replays send no <c>WAIT</c>, so only first executions are compared.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Idempotency.Benchmarks -- redis-ab cluster-wait</c>.</remarks>
public static class RedisClusterWaitComparison
{
    public static async Task RunAsync(int[] callers, int rounds, int batch, TextWriter output)
    {
        var cluster = new RedisCluster();
        await cluster.InitializeAsync();
        try
        {
            await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
            var database = multiplexer.GetDatabase();
            var options = new IdempotencyOptions { ServiceName = RedisBenchmarkServer.Service };
            options.DefaultPolicy.Ttl = RedisBenchmarkServer.Ttl;
            var withoutWait = IdempotencyExecutor.Create(options, new RedisIdempotencyStore(multiplexer, new RedisStoreOptions { InstanceName = "no-wait:" }));
            var withWait = IdempotencyExecutor.Create(options, new RedisIdempotencyStore(multiplexer, new RedisStoreOptions { InstanceName = "wait:", WaitForReplicas = 1 }));
            var result = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(RedisBenchmarkServer.Result);
            var next = 0L;

            async Task FloorAsync(string key)
            {
                if (!await database.StringSetAsync(key, "claim", RedisBenchmarkServer.Ttl, When.NotExists))
                {
                    throw new InvalidOperationException($"The floor's key {key} was already set.");
                }

                await database.StringSetAsync(key, result, RedisBenchmarkServer.Ttl);
            }

            async Task LibraryAsync(IIdempotencyExecutor executor, string key) =>
                await executor.ExecuteAsync(RedisBenchmarkServer.Request(key), RedisBenchmarkServer.Handler, CancellationToken.None);

            // One execution of each, checked, before anything is measured: the wait must really be waited for.
            await LibraryAsync(withWait, "check");
            await LibraryAsync(withoutWait, "check");
            foreach (var count in callers)
            {
                output.WriteLine(await Interleaved.CompareAsync("first: floor vs library without WAIT", count, rounds, batch, _ => FloorAsync("floor:" + Interlocked.Increment(ref next)), _ => LibraryAsync(withoutWait, "a" + Interlocked.Increment(ref next))));
                output.WriteLine(await Interleaved.CompareAsync("first: floor vs library with WAIT 1", count, rounds, batch, _ => FloorAsync("floor:" + Interlocked.Increment(ref next)), _ => LibraryAsync(withWait, "b" + Interlocked.Increment(ref next))));
                output.WriteLine(await Interleaved.CompareAsync("first: library without vs with WAIT 1", count, rounds, batch, _ => LibraryAsync(withoutWait, "c" + Interlocked.Increment(ref next)), _ => LibraryAsync(withWait, "d" + Interlocked.Increment(ref next))));
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
