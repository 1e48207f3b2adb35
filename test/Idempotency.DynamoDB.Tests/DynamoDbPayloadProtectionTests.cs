using System.Text;
using Idempotency.PayloadProtection;

namespace Idempotency.DynamoDB.Tests;

/// <summary>Encryption at rest on a real dynalite: every attribute of the item read straight through the SDK.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class DynamoDbPayloadProtectionTests(DynaliteFixture dynalite) : PayloadProtectionSuite
{
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() => ValueTask.FromResult<IIdempotencyStore>(dynalite.SharedStore);

    protected override async ValueTask<byte[]> ReadStoredBytesAsync(IIdempotencyStore store, string storeKey)
    {
        var item = await RawItems.ReadAsync(dynalite, DynaliteFixture.SharedTable, storeKey);
        return [.. item.Values.SelectMany(value => value.B is { } binary ? binary.ToArray() : Encoding.UTF8.GetBytes(value.S ?? value.N ?? string.Empty))];
    }
}
