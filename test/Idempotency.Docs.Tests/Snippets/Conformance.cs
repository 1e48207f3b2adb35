#region snippet: conformance-in-memory
using Idempotency;
using Idempotency.Testing;
#endregion

namespace Snippets;

#region snippet: conformance-in-memory
public sealed class InMemoryStoreConformanceTests : IdempotencyStoreConformanceTests
{
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore(timeProvider: Clock));
}
#endregion
