using Idempotency.Testing;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>The store contract on a real Redis Cluster (3 primaries, 3 replicas): every record is one key, so every slot works.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterConformanceTests(RedisClusterFixture redis) : IdempotencyStoreConformanceTests
{
    // SCAN order: newest first within each page only.
    protected override bool ListsNewestFirstAcrossPages => false;

    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = "conformance:" }));
}
