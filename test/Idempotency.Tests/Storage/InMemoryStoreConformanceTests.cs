using Idempotency.Testing;

namespace Idempotency.Tests.Storage;

public sealed class InMemoryStoreConformanceTests : IdempotencyStoreConformanceTests
{
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore(timeProvider: Clock));
}
