using Idempotency.Testing;

namespace Idempotency.DynamoDB.Tests;

#region snippet: conformance-dynamodb
/// <summary>The store contract, against a real dynalite: every test on the shared table, with keys of its own.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbStoreConformanceTests(DynaliteFixture dynalite) : IdempotencyStoreConformanceTests
{
    // An item holds at most 400 KB (409 600 bytes) with its names, key, owner token and fingerprint: 380 000 bytes of
    // result fit under the suite's longest key. ItemSizeTests probes the exact boundary.
    protected override int LargePayloadSize => 380_000;

    // Scan order: newest first within each page only.
    protected override bool ListsNewestFirstAcrossPages => false;

    // dynalite is one Node.js process: 256 racing claims queued past the client's 60 s timeout on a loaded CI machine.
    protected override int Contenders => 64;

    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = DynaliteFixture.SharedTable }));
}
#endregion
