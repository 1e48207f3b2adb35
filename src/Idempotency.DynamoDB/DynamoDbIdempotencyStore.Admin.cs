using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Idempotency.DynamoDB.DynamoDbAttributes;

namespace Idempotency.DynamoDB;

public sealed partial class DynamoDbIdempotencyStore
{
    /// <inheritdoc />
    /// <remarks>A strongly consistent read, so a record written by any instance a moment ago is seen.</remarks>
    public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(
            "get",
            async ct =>
            {
                var item = await GetItemAsync(key, ct).ConfigureAwait(false);
                if (item is null)
                {
                    return null;
                }

                var record = DynamoDbRecordFormat.Decode(key, item);
                return now < record.ExpiresAt ? record : null;
            },
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        RunAsync(
            "delete",
            async ct =>
            {
                var response = await _client.DeleteItemAsync(
                    new DeleteItemRequest { TableName = TableName, Key = KeyOf(key), ReturnValues = ReturnValue.ALL_OLD },
                    ct).ConfigureAwait(false);
                return response.Attributes is { Count: > 0 };
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Always 0: DynamoDB's TTL deletes dead items (the <c>ttl</c> attribute, <see cref="DynamoDbStoreOptions.NativeExpiryDelay"/>
    /// after expiry), at no write cost. Expired items still in the table are treated as absent by every operation.
    /// </remarks>
    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return ValueTask.FromResult(0);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A full-table <c>Scan</c> (strongly consistent, only the status and expiry projected): it reads every item, so it
    /// costs read capacity in proportion to the table's size. Meant for an operator's occasional look, not for a health
    /// check or a dashboard that polls. Items with a status this version does not know are not counted.
    /// </remarks>
    public ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<IdempotencyRecordStatus, long>>(
            "count",
            async ct =>
            {
                var counts = new Dictionary<IdempotencyRecordStatus, long>
                {
                    [IdempotencyRecordStatus.InProgress] = 0,
                    [IdempotencyRecordStatus.Completed] = 0,
                    [IdempotencyRecordStatus.Failed] = 0,
                };
                var scan = new ScanRequest
                {
                    TableName = TableName,
                    ConsistentRead = true,
                    ProjectionExpression = "#st",
                    FilterExpression = "#exp > :now",
                    ExpressionAttributeNames = Names(Status, Expires),
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":now"] = DynamoDbRecordFormat.Milliseconds(now) },
                };
                do
                {
                    var page = await _client.ScanAsync(scan, ct).ConfigureAwait(false);
                    foreach (var item in page.Items ?? [])
                    {
                        if (item.TryGetValue(Status, out var value) && int.TryParse(value.N, out var status) &&
                            counts.TryGetValue((IdempotencyRecordStatus)status, out var count))
                        {
                            counts[(IdempotencyRecordStatus)status] = count + 1;
                        }
                    }

                    scan.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
                }
                while (scan.ExclusiveStartKey is not null);

                return counts;
            },
            cancellationToken);
}
