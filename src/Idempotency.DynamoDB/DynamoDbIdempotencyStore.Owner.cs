using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Idempotency.DynamoDB.DynamoDbAttributes;

namespace Idempotency.DynamoDB;

// Every write after the claim is guarded by the owner token and the in-progress status (fencing): a late owner whose
// lease was taken over changes nothing and learns it from the failed condition.
public sealed partial class DynamoDbIdempotencyStore
{
    private const string Owned = "#rev = :rev AND #own = :owner AND #st = :inProgress";

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        FinishAsync("complete", key, ownerToken, IdempotencyRecordStatus.Completed, payload, retryable: false, now, ttl, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        FinishAsync("fail", key, ownerToken, IdempotencyRecordStatus.Failed, payload, retryable, now, ttl, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken)
    {
        var delete = new DeleteItemRequest
        {
            TableName = TableName,
            Key = KeyOf(key),
            ConditionExpression = Owned,
            ExpressionAttributeNames = Names(Revision, Owner, Status),
            ExpressionAttributeValues = OwnedValues(ownerToken),
        };
        return RunAsync("release", ct => GuardedAsync(() => _client.DeleteItemAsync(delete, ct)), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One request; a second one when the new lease outlives the record, to move its expiry (and TTL) out.</remarks>
    public async ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var leaseEnd = now + lease;
        var values = OwnedValues(ownerToken);
        values[":lease"] = DynamoDbRecordFormat.Milliseconds(leaseEnd);
        var update = new UpdateItemRequest
        {
            TableName = TableName,
            Key = KeyOf(key),
            UpdateExpression = "SET #lease = :lease",
            ConditionExpression = Owned,
            ExpressionAttributeNames = Names(Revision, Owner, Status, LeaseExpires),
            ExpressionAttributeValues = values,
            ReturnValues = ReturnValue.ALL_NEW,
        };
        return await RunAsync(
            "renew",
            async ct =>
            {
                UpdateItemResponse response;
                try
                {
                    response = await _client.UpdateItemAsync(update, ct).ConfigureAwait(false);
                }
                catch (ConditionalCheckFailedException)
                {
                    return false;
                }

                // DynamoDB has no GREATEST(): the item comes back, and only a lease that outlives the record costs a
                // second, guarded write that moves the expiry (and the TTL) out.
                var expires = DynamoDbRecordFormat.Decode(key, response.Attributes ?? []).ExpiresAt;
                return leaseEnd <= expires || await MoveExpiryOutAsync(key, ownerToken, leaseEnd, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> MoveExpiryOutAsync(string key, string ownerToken, DateTimeOffset leaseEnd, CancellationToken cancellationToken)
    {
        var values = OwnedValues(ownerToken);
        values[":lease"] = DynamoDbRecordFormat.Milliseconds(leaseEnd);
        values[":ttl"] = DynamoDbRecordFormat.NativeTtl(leaseEnd, _nativeExpiryDelay);
        var update = new UpdateItemRequest
        {
            TableName = TableName,
            Key = KeyOf(key),
            UpdateExpression = "SET #exp = :lease, #ttl = :ttl",
            ConditionExpression = Owned + " AND #exp < :lease",
            ExpressionAttributeNames = Names(Revision, Owner, Status, Expires, Ttl),
            ExpressionAttributeValues = values,
        };

        // Refused only when the key was lost between the two writes: the lease then stands for nothing.
        return await GuardedAsync(() => _client.UpdateItemAsync(update, cancellationToken)).ConfigureAwait(false);
    }

    private async ValueTask<bool> FinishAsync(string operation, string key, string ownerToken, IdempotencyRecordStatus status, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
    {
        // Refused before sending when it surely cannot fit; the server's own refusal (the fingerprint is not known here) is the backstop.
        var size = DynamoDbItemSize.Estimate(key, ownerToken, payload.Length);
        if (size > MaxItemSize)
        {
            throw new IdempotencyStorePayloadTooLargeException(key, size, MaxItemSize);
        }

        var expires = now + ttl;
        var values = OwnedValues(ownerToken);
        values[":status"] = DynamoDbRecordFormat.Status(status);
        values[":now"] = DynamoDbRecordFormat.Milliseconds(now);
        values[":expires"] = DynamoDbRecordFormat.Milliseconds(expires);
        values[":ttl"] = DynamoDbRecordFormat.NativeTtl(expires, _nativeExpiryDelay);
        values[":retryable"] = new() { BOOL = retryable };
        string set;
        if (payload.IsEmpty)
        {
            set = "SET #st = :status, #lease = :now, #exp = :expires, #ttl = :ttl, #retry = :retryable REMOVE #pl";
        }
        else
        {
            set = "SET #st = :status, #lease = :now, #exp = :expires, #ttl = :ttl, #retry = :retryable, #pl = :payload";
            values[":payload"] = DynamoDbRecordFormat.Binary(payload);
        }

        var update = new UpdateItemRequest
        {
            TableName = TableName,
            Key = KeyOf(key),
            UpdateExpression = set,
            ConditionExpression = Owned,
            ExpressionAttributeNames = Names(Revision, Owner, Status, LeaseExpires, Expires, Ttl, Retryable, Payload),
            ExpressionAttributeValues = values,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            return await RunAsync(
                operation,
                async ct =>
                {
                    try
                    {
                        await _client.UpdateItemAsync(update, ct).ConfigureAwait(false);
                        return true;
                    }
                    catch (ConditionalCheckFailedException refused)
                    {
                        // Refused: another owner took the key over — or this very owner already finished it, and the
                        // SDK repeated the write after the first answer was lost. The old item tells which; a server
                        // that does not return it (dynalite, older local emulators) is asked with a consistent read.
                        var item = refused.Item is { Count: > 0 } old ? old : await GetItemAsync(key, ct).ConfigureAwait(false);
                        return item is not null && IsThisWrite(key, item, ownerToken, status, payload, retryable, now, expires);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyStoreUnavailableException ex) when (ex.InnerException is { } inner && DynamoDbStoreErrors.IsItemTooLarge(inner))
        {
            throw new IdempotencyStorePayloadTooLargeException(key, size, MaxItemSize, inner);
        }
    }

    // Whether the item is exactly what this write sets: the SDK's repeat of a write that landed. A later, deliberate
    // finish by the same owner (another time, another payload) is not, and is refused like any finish of a finished
    // record. An item this store cannot read is not either: nothing of ours landed there.
    private static bool IsThisWrite(string key, Dictionary<string, AttributeValue> item, string ownerToken, IdempotencyRecordStatus status, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, DateTimeOffset expires)
    {
        try
        {
            var record = DynamoDbRecordFormat.Decode(key, item);
            return record.Status == status
                && string.Equals(record.OwnerToken, ownerToken, StringComparison.Ordinal)
                && record.LeaseExpiresAt.ToUnixTimeMilliseconds() == now.ToUnixTimeMilliseconds()
                && record.ExpiresAt.ToUnixTimeMilliseconds() == expires.ToUnixTimeMilliseconds()
                && record.Retryable == retryable
                && record.Payload.Span.SequenceEqual(payload.Span);
        }
        catch (IdempotencyRecordCorruptException)
        {
            return false;
        }
    }

    private static async Task<bool> GuardedAsync<T>(Func<Task<T>> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> OwnedValues(string ownerToken) => new(StringComparer.Ordinal)
    {
        [":rev"] = DynamoDbRecordFormat.RevisionValue,
        [":owner"] = new() { S = ownerToken },
        [":inProgress"] = DynamoDbRecordFormat.Status(IdempotencyRecordStatus.InProgress),
    };
}
