using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Idempotency.DynamoDB;

/// <summary>
/// One record as one DynamoDB item. Revision 1:
/// <code>
/// attribute         type  holds
/// pk                S     the store key (partition key)
/// rev               N     1, the format revision
/// status            N     0 in progress, 1 completed, 2 failed
/// owner             S     the owner token (fencing token)
/// fingerprint       S     the request fingerprint; absent when empty
/// created_ms        N     claimed at, Unix milliseconds of the caller's clock
/// lease_expires_ms  N     the owner's lease end, Unix milliseconds
/// expires_ms        N     the record's expiry, Unix milliseconds (decides liveness in every condition)
/// ttl               N     Unix seconds after which DynamoDB's TTL may delete the item (expiry + NativeExpiryDelay)
/// payload           B     the engine's payload; absent while in progress or when empty
/// retryable         BOOL  a failed record may be claimed again; absent means false
/// </code>
/// An item of another revision, or that does not add up, is reported as corrupt, never parsed and never overwritten.
/// </summary>
internal static class DynamoDbRecordFormat
{
    public const int Revision = 1;
    public static readonly AttributeValue RevisionValue = Number(Revision);

    /// <summary>The in-progress item a claim writes.</summary>
    public static Dictionary<string, AttributeValue> ClaimItem(in IdempotencyClaimRequest request, TimeSpan nativeExpiryDelay)
    {
        var expires = request.Now + request.Ttl;
        var item = new Dictionary<string, AttributeValue>(10, StringComparer.Ordinal)
        {
            [DynamoDbAttributes.Key] = new() { S = request.Key },
            [DynamoDbAttributes.Revision] = RevisionValue,
            [DynamoDbAttributes.Status] = Status(IdempotencyRecordStatus.InProgress),
            [DynamoDbAttributes.Owner] = new() { S = request.OwnerToken },
            [DynamoDbAttributes.Created] = Milliseconds(request.Now),
            [DynamoDbAttributes.LeaseExpires] = Milliseconds(request.Now + request.Lease),
            [DynamoDbAttributes.Expires] = Milliseconds(expires),
            [DynamoDbAttributes.Ttl] = NativeTtl(expires, nativeExpiryDelay),
        };

        // DynamoDB has accepted empty strings outside keys since 2020, but older local emulators refuse them: leave it out.
        if (request.Fingerprint.Length > 0)
        {
            item[DynamoDbAttributes.Fingerprint] = new() { S = request.Fingerprint };
        }

        return item;
    }

    /// <summary>Reads an item; throws <see cref="IdempotencyRecordCorruptException"/> for anything this store did not write.</summary>
    public static IdempotencyRecord Decode(string key, Dictionary<string, AttributeValue> item)
    {
        var revision = ReadLong(key, item, DynamoDbAttributes.Revision);
        if (revision != Revision)
        {
            throw Corrupt(key, $"unknown format revision {revision} (this store reads revision {Revision}); it was not written by this store or by a newer version of it");
        }

        var status = ReadLong(key, item, DynamoDbAttributes.Status);
        if (status is < (long)IdempotencyRecordStatus.InProgress or > (long)IdempotencyRecordStatus.Failed)
        {
            throw Corrupt(key, $"unknown record status {status}");
        }

        return new IdempotencyRecord
        {
            Key = key,
            Status = (IdempotencyRecordStatus)status,
            OwnerToken = ReadString(key, item, DynamoDbAttributes.Owner, required: true),
            Fingerprint = ReadString(key, item, DynamoDbAttributes.Fingerprint, required: false),
            CreatedAt = ReadTime(key, item, DynamoDbAttributes.Created),
            LeaseExpiresAt = ReadTime(key, item, DynamoDbAttributes.LeaseExpires),
            ExpiresAt = ReadTime(key, item, DynamoDbAttributes.Expires),
            Payload = ReadPayload(key, item),
            Retryable = ReadRetryable(key, item),
        };
    }

    public static AttributeValue Status(IdempotencyRecordStatus status) => Number((int)status);

    public static AttributeValue Milliseconds(DateTimeOffset time) => Number(time.ToUnixTimeMilliseconds());

    /// <summary>The <c>ttl</c> attribute: whole seconds, rounded up, <paramref name="delay"/> after the record's expiry.</summary>
    public static AttributeValue NativeTtl(DateTimeOffset expires, TimeSpan delay)
    {
        var milliseconds = (expires + delay).ToUnixTimeMilliseconds();
        return Number((milliseconds + 999) / 1000);
    }

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Binary(ReadOnlyMemory<byte> bytes) => new() { B = new MemoryStream(bytes.ToArray(), writable: false) };

    private static long ReadLong(string key, Dictionary<string, AttributeValue> item, string name)
    {
        if (!item.TryGetValue(name, out var value) || value.N is null)
        {
            throw Corrupt(key, $"the attribute '{name}' is missing or not a number");
        }

        return long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Corrupt(key, $"the attribute '{name}' is not a whole number that fits in 64 bits");
    }

    private static DateTimeOffset ReadTime(string key, Dictionary<string, AttributeValue> item, string name)
    {
        var milliseconds = ReadLong(key, item, name);
        try
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw Corrupt(key, $"the attribute '{name}' is a time out of range", ex);
        }
    }

    private static string ReadString(string key, Dictionary<string, AttributeValue> item, string name, bool required)
    {
        if (!item.TryGetValue(name, out var value))
        {
            return required ? throw Corrupt(key, $"the attribute '{name}' is missing") : string.Empty;
        }

        return value.S ?? throw Corrupt(key, $"the attribute '{name}' is not a string");
    }

    private static ReadOnlyMemory<byte> ReadPayload(string key, Dictionary<string, AttributeValue> item)
    {
        if (!item.TryGetValue(DynamoDbAttributes.Payload, out var value))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (value.B is not { } stream)
        {
            throw Corrupt(key, $"the attribute '{DynamoDbAttributes.Payload}' is not binary");
        }

        // The SDK decodes the binary into a MemoryStream: its buffer is the payload, no copy needed.
        return stream.TryGetBuffer(out var buffer) ? buffer.AsMemory() : stream.ToArray();
    }

    private static bool ReadRetryable(string key, Dictionary<string, AttributeValue> item)
    {
        if (!item.TryGetValue(DynamoDbAttributes.Retryable, out var value))
        {
            return false;
        }

        return value.BOOL ?? throw Corrupt(key, $"the attribute '{DynamoDbAttributes.Retryable}' is not a boolean");
    }

    private static IdempotencyRecordCorruptException Corrupt(string key, string reason, Exception? inner = null) => new(key, reason, inner);
}
