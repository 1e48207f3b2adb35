using Idempotency.PayloadProtection;

namespace Idempotency.Tests.Storage;

/// <summary>Encryption at rest on the in-memory store (its records are the bytes it keeps).</summary>
public sealed class InMemoryPayloadProtectionTests : PayloadProtectionSuite
{
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() => ValueTask.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore());
}
