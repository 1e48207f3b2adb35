using Amazon.DynamoDBv2.Model;

namespace Idempotency.DynamoDB.Tests;

/// <summary>Items read and written straight through the SDK, around the store, to check what it stores and feed it bad data.</summary>
internal static class RawItems
{
    public static async Task<Dictionary<string, AttributeValue>> ReadAsync(DynaliteFixture dynalite, string table, string key)
    {
        var response = await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["pk"] = new AttributeValue { S = key } },
            ConsistentRead = true,
        });
        return response.Item ?? [];
    }

    public static Task WriteAsync(DynaliteFixture dynalite, string table, Dictionary<string, AttributeValue> item) =>
        dynalite.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static string Key(string test) => $"idem:dynamodb-tests:{test}::{Guid.NewGuid():N}";
}
