using System.Buffers.Text;
using System.Text;
using Amazon.DynamoDBv2.Model;
using Idempotency.Listing;
using static Idempotency.DynamoDB.DynamoDbAttributes;

namespace Idempotency.DynamoDB;

public sealed partial class DynamoDbIdempotencyStore
{
    private const string ContinuationTag = "d1.";

    /// <inheritdoc />
    /// <remarks>
    /// One strongly consistent <c>Scan</c> request per page, of <paramref name="limit"/> items, in the table's order
    /// (newest first within each page only). The status and expiry filter applies after the read, so a page may hold
    /// fewer records than <paramref name="limit"/>, even none, and still have a continuation (the scan's
    /// <c>LastEvaluatedKey</c>); each page costs the read capacity of the items it reads, and listing everything that of
    /// the whole table. Items this store cannot read are left out.
    /// </remarks>
    public ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, DateTimeOffset now, int limit, string? continuation, CancellationToken cancellationToken)
    {
        ListingLimit.ThrowIfInvalid(limit);
        var scan = new ScanRequest
        {
            TableName = TableName,
            ConsistentRead = true,
            Limit = limit,
            FilterExpression = status is null ? "#exp > :now" : "#exp > :now AND #st = :st",
            ExpressionAttributeNames = status is null ? Names(Expires) : Names(Expires, Status),
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":now"] = DynamoDbRecordFormat.Milliseconds(now) },
            ExclusiveStartKey = continuation is null ? null : KeyOf(DecodeContinuation(continuation)),
        };
        if (status is { } wanted)
        {
            scan.ExpressionAttributeValues[":st"] = new AttributeValue { N = ((int)wanted).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        return RunAsync(
            "list",
            async ct =>
            {
                var response = await _client.ScanAsync(scan, ct).ConfigureAwait(false);
                var records = new List<IdempotencyRecord>(response.Items?.Count ?? 0);
                foreach (var item in response.Items ?? [])
                {
                    if (item.TryGetValue(Key, out var key) && key.S is { } storeKey && Readable(item) is not null)
                    {
                        try
                        {
                            records.Add(DynamoDbRecordFormat.Decode(storeKey, item));
                        }
                        catch (IdempotencyRecordCorruptException)
                        {
                            // Left out, as from the counts.
                        }
                    }
                }

                records.Sort(static (x, y) => y.CreatedAt.UtcTicks.CompareTo(x.CreatedAt.UtcTicks) is var order and not 0 ? order : string.CompareOrdinal(y.Key, x.Key));
                var next = response.LastEvaluatedKey is { Count: > 0 } last && last.TryGetValue(Key, out var lastKey) && lastKey.S is { } text
                    ? ContinuationTag + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text))
                    : null;
                return new IdempotencyRecordPage(records, next);
            },
            cancellationToken);
    }

    // The continuation wraps the scan's LastEvaluatedKey: the table's key is the store key alone.
    private static string DecodeContinuation(string continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (continuation.StartsWith(ContinuationTag, StringComparison.Ordinal))
        {
            try
            {
                var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation.AsSpan(ContinuationTag.Length)));
                if (key.Length > 0)
                {
                    return key;
                }
            }
            catch (FormatException)
            {
                // Refused below.
            }
        }

        throw new ArgumentException("The continuation was not returned by this store's listing.", nameof(continuation));
    }
}
