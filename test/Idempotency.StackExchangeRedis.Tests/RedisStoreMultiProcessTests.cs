using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Several processes, each with its own connection, share one Redis: every key runs exactly once in total.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreMultiProcessTests(RedisFixture redis)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Hammer_FourProcessesSameKeys_EveryKeyExecutedExactlyOnce()
    {
        const int Keys = 200;
        var service = $"hammer-{Guid.NewGuid():N}";

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => HammerProcess.RunAsync(redis.Server.ConnectionString, service, Keys, rounds: 3, ProcessTimeout)));

        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.Describe());
            Assert.Contains(result.Lines, line => line.StartsWith("DONE ", StringComparison.Ordinal));
        }

        var executions = results.SelectMany(result => result.ExecutedKeys).GroupBy(key => key).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(Keys, executions.Count);
        Assert.All(executions, pair => Assert.True(pair.Value == 1, $"{pair.Key} ran {pair.Value} times"));
        Assert.Equal(Enumerable.Range(0, Keys).Select(i => $"key-{i}").Order(), executions.Keys.Order());
    }

    [Fact]
    public async Task Hammer_SecondProcessAfterFirst_ReplaysEverything()
    {
        var service = $"durable-{Guid.NewGuid():N}";

        var first = await HammerProcess.RunAsync(redis.Server.ConnectionString, service, keys: 50, rounds: 1, ProcessTimeout);
        var second = await HammerProcess.RunAsync(redis.Server.ConnectionString, service, keys: 50, rounds: 1, ProcessTimeout);

        Assert.True(first.ExitCode == 0, first.Describe());
        Assert.True(second.ExitCode == 0, second.Describe());
        Assert.Equal(50, first.ExecutedKeys.Distinct().Count());
        Assert.Empty(second.ExecutedKeys);
        Assert.Contains("DONE executed=0 replayed=50", second.Lines);
    }

    [Fact]
    public async Task ExecuteAsync_OtherMultiplexer_ReplaysResultOfFirst()
    {
        var options = new RedisStoreOptions { InstanceName = $"durable-{Guid.NewGuid():N}:" };
        await using var other = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var writer = IdempotencyExecutor.Create(new IdempotencyOptions(), new RedisIdempotencyStore(redis.Multiplexer, options));
        var reader = IdempotencyExecutor.Create(new IdempotencyOptions(), new RedisIdempotencyStore(other, options));
        var runs = new HandlerRuns();

        var first = await writer.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None);
        var replay = await reader.ExecuteAsync(new IdempotencyRequest("orders", "k"), runs.Handler, CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal(first.Value, replay.Value);
        Assert.Equal(1, runs.Count);
    }
}
