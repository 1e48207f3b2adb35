// Placeholder until the Redis store lands: replace with a real RedisIdempotencyStore over its own ConnectionMultiplexer.
internal static partial class HammerStores
{
    private static Task<HammerStore> CreateRedisAsync(string connection) => throw new NotSupportedException("Redis store not built yet");
}
