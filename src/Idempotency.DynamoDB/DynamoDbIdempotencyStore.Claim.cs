using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Idempotency.DynamoDB.DynamoDbAttributes;

namespace Idempotency.DynamoDB;

public sealed partial class DynamoDbIdempotencyStore
{
    // IdempotencyRecord.BlocksClaim, negated, in DynamoDB's condition language: the put goes through when no item holds
    // the key against this claim. Until it expires, an item holds it against another fingerprint whatever its state; the
    // empty fingerprint is stored as no attribute, so it matches only an item without one. An item of another revision
    // is never overwritten (it is returned and reported corrupt), nor is one of an unknown status before it expires.
    // Comparisons with a missing or mistyped attribute are false, so an item this store cannot read counts as live.
    private const string ClaimWithFingerprint = ClaimFree + "#fp = :fp" + ClaimTakeover;
    private const string ClaimWithoutFingerprint = ClaimFree + "attribute_not_exists(#fp)" + ClaimTakeover;
    private const string ClaimFree = "attribute_not_exists(#pk) OR (#rev = :rev AND (#exp <= :now OR (";
    private const string ClaimTakeover = " AND ((#st = :inProgress AND #lease <= :now) OR (#st = :failed AND #retry = :true)))))";

    /// <inheritdoc />
    public async ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":rev"] = DynamoDbRecordFormat.RevisionValue,
            [":now"] = DynamoDbRecordFormat.Milliseconds(request.Now),
            [":inProgress"] = DynamoDbRecordFormat.Status(IdempotencyRecordStatus.InProgress),
            [":failed"] = DynamoDbRecordFormat.Status(IdempotencyRecordStatus.Failed),
            [":true"] = new() { BOOL = true },
        };
        if (request.Fingerprint.Length > 0)
        {
            // DynamoDB rejects a value the condition does not use, so :fp is there only when the condition names it.
            values[":fp"] = new() { S = request.Fingerprint };
        }

        var put = new PutItemRequest
        {
            TableName = TableName,
            Item = DynamoDbRecordFormat.ClaimItem(request, _nativeExpiryDelay),
            ConditionExpression = request.Fingerprint.Length > 0 ? ClaimWithFingerprint : ClaimWithoutFingerprint,
            ExpressionAttributeNames = Names(Key, Revision, Expires, Fingerprint, Status, LeaseExpires, Retryable),
            ExpressionAttributeValues = values,

            // The live item comes back with the refusal: a replay costs this one request.
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };

        for (var attempt = 1; attempt <= DynamoDbStoreDefaults.MaxClaimAttempts; attempt++)
        {
            var existing = await RunAsync("claim", ct => PutOrHolderAsync(put, request.Key, ct), cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return IdempotencyClaimResult.Acquired;
            }

            // Our own in-progress item: the SDK repeated the put after its first answer was lost, and the first one landed.
            // Owner tokens are unique per claim, so nothing else can have written it.
            if (existing.Status == IdempotencyRecordStatus.InProgress && string.Equals(existing.OwnerToken, request.OwnerToken, StringComparison.Ordinal))
            {
                return IdempotencyClaimResult.Acquired;
            }

            if (existing.BlocksClaim(request.Now, request.Fingerprint))
            {
                return IdempotencyClaimResult.Held(existing);
            }

            // Only a read-back can see a holder that no longer blocks (it was released or replaced in between): put again.
        }

        throw new IdempotencyStoreUnavailableException($"The claim met a changing record {DynamoDbStoreDefaults.MaxClaimAttempts} times in a row for one key; try again.");
    }

    // null when the put went through; otherwise the item that refused it, with an empty record standing for "gone since".
    private async Task<IdempotencyRecord?> PutOrHolderAsync(PutItemRequest put, string key, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutItemAsync(put, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ConditionalCheckFailedException refused) when (refused.Item is { Count: > 0 } old)
        {
            return DynamoDbRecordFormat.Decode(key, old);
        }
        catch (ConditionalCheckFailedException)
        {
            // A server that does not return the old item (dynalite, older local emulators): read it, strongly consistent,
            // so the write that beat this claim is seen.
            Interlocked.Increment(ref _claimReadBacks);
            var item = await GetItemAsync(key, cancellationToken).ConfigureAwait(false);
            return item is null ? Gone(key) : DynamoDbRecordFormat.Decode(key, item);
        }
    }

    // A record that blocks nothing, so the claim loop puts again.
    private static IdempotencyRecord Gone(string key) => new()
    {
        Key = key,
        Status = IdempotencyRecordStatus.Completed,
        OwnerToken = string.Empty,
        Fingerprint = string.Empty,
        CreatedAt = DateTimeOffset.MinValue,
        LeaseExpiresAt = DateTimeOffset.MinValue,
        ExpiresAt = DateTimeOffset.MinValue,
    };

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string key, CancellationToken cancellationToken)
    {
        var response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = TableName,
                Key = KeyOf(key),
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private static Dictionary<string, AttributeValue> KeyOf(string key) => new(1, StringComparer.Ordinal) { [Key] = new() { S = key } };
}
