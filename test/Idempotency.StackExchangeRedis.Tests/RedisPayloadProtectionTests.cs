using Idempotency.PayloadProtection;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Encryption at rest on a real redis-server: every value under the test's prefix is read with GET.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisPayloadProtectionTests(RedisFixture redis) : PayloadProtectionSuite
{
    private readonly Dictionary<IIdempotencyStore, string> _instanceNames = [];

    protected override ValueTask<IIdempotencyStore> CreateStoreAsync()
    {
        var store = redis.CreateStore(out var instanceName);
        _instanceNames[store] = instanceName;
        return ValueTask.FromResult<IIdempotencyStore>(store);
    }

    protected override async ValueTask<byte[]> ReadStoredBytesAsync(IIdempotencyStore store, string storeKey)
    {
        var bytes = new List<byte>();
        foreach (var key in await RedisKeys.UnderAsync(redis, _instanceNames[store]))
        {
            bytes.AddRange((byte[])(await redis.Database.StringGetAsync(key))!);
        }

        return [.. bytes];
    }
}
