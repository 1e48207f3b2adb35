using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

public static class RedisKeys
{
    /// <summary>The Redis keys under a test's own instance prefix (the test server is small: KEYS is fine here).</summary>
    public static async Task<RedisKey[]> UnderAsync(RedisFixture redis, string instanceName, int database = 0)
    {
        var server = redis.Multiplexer.GetServer(redis.Multiplexer.GetEndPoints()[0]);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(database, pattern: instanceName + "*"))
        {
            keys.Add(key);
        }

        return [.. keys];
    }

    public static async Task<RedisKey> OnlyUnderAsync(RedisFixture redis, string instanceName, int database = 0) =>
        Assert.Single(await UnderAsync(redis, instanceName, database));
}
