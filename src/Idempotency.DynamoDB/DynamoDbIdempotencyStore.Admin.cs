using System.Globalization;
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
    /// check or a dashboard that polls. Only items this store can read are counted: an item of another format revision,
    /// or without a known status or an owner token (what <see cref="GetAsync"/> reports as
    /// <see cref="IdempotencyRecordCorruptException"/>), is left out rather than counted under some status.
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
                    ProjectionExpression = "#rev, #st, #own",
                    FilterExpression = "#exp > :now",
                    ExpressionAttributeNames = Names(Revision, Status, Owner, Expires),
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":now"] = DynamoDbRecordFormat.Milliseconds(now) },
                };
                do
                {
                    var page = await _client.ScanAsync(scan, ct).ConfigureAwait(false);
                    foreach (var item in page.Items ?? [])
                    {
                        if (Readable(item) is { } status)
                        {
                            counts[status]++;
                        }
                    }

                    scan.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
                }
                while (scan.ExclusiveStartKey is not null);

                return counts;
            },
            cancellationToken);

    // The status of an item that holds what the store's own reads check first (revision, status, owner), else null.
    private static IdempotencyRecordStatus? Readable(Dictionary<string, AttributeValue> item) =>
        Number(item, Revision) == DynamoDbRecordFormat.Revision &&
        item.TryGetValue(Owner, out var owner) && owner.S is not null &&
        Number(item, Status) is >= (long)IdempotencyRecordStatus.InProgress and <= (long)IdempotencyRecordStatus.Failed and var status
            ? (IdempotencyRecordStatus)status
            : null;

    private static long? Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;
}
