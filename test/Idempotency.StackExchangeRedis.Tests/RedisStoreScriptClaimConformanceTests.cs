using Idempotency.Testing;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// The store contract again with every claim made by the claim script, as on servers without <c>SET NX GET</c>
/// (before Redis 7.0); the normal store only uses that script to take over dead records.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreScriptClaimConformanceTests(RedisFixture redis) : IdempotencyStoreConformanceTests
{
    // SCAN order: newest first within each page only.
    protected override bool ListsNewestFirstAcrossPages => false;

    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new RedisIdempotencyStore(redis.Multiplexer, new RedisStoreOptions { InstanceName = "conformance-script:" }) { ClaimsWithScriptOnly = true });
}
