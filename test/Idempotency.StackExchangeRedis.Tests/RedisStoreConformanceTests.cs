using Idempotency.Testing;

namespace Idempotency.StackExchangeRedis.Tests;

#region snippet: conformance-redis
/// <summary>The store contract, against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreConformanceTests(RedisFixture redis) : IdempotencyStoreConformanceTests
{
    // SCAN order: newest first within each page only.
    protected override bool ListsNewestFirstAcrossPages => false;

    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = "conformance:" }));
}
#endregion
