using Idempotency.Testing;

namespace Idempotency.Tests.Storage;

// The sweep removes expired records as the clock moves, which could hide a store that read its own clock or ignored
// `now`; without it, every expiry the suite checks is decided by the store's comparisons alone.
public sealed class InMemoryStoreWithoutSweepConformanceTests : IdempotencyStoreConformanceTests
{
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero }, Clock));
}
