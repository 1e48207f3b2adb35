using Idempotency.Testing;

namespace Idempotency.DynamoDB.Tests;

#region snippet: conformance-dynamodb
/// <summary>The store contract, against a real dynalite: every test on the shared table, with keys of its own.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbStoreConformanceTests(DynaliteFixture dynalite) : IdempotencyStoreConformanceTests
{
    // The largest payload an item holds under the suite's longest key (369 characters), a 32-character owner token and
    // its fingerprint; above it the store refuses (see ItemSizeTests).
    protected override int LargePayloadSize => DynamoDbItemSize.MaxPayload(new string('k', 369), new string('o', 32), "fingerprint");

    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = DynaliteFixture.SharedTable }));
}
#endregion
