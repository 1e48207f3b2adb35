using Idempotency.StackExchangeRedis;
using StackExchange.Redis;

// The Redis store over this process's own ConnectionMultiplexer, disposed with the store.
internal static partial class HammerStores
{
    private static async Task<HammerStore> CreateRedisAsync(string connection)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(connection);
        return new HammerStore(new RedisIdempotencyStore(multiplexer), multiplexer);
    }
}
