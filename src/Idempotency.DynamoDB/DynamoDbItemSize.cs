using System.Text;

namespace Idempotency.DynamoDB;

/// <summary>
/// DynamoDB's item size, estimated from above before a completion is sent, so a result the table cannot hold is refused
/// without sending it. DynamoDB counts the UTF-8 bytes of every attribute name and string, the bytes of a binary, one
/// byte for a boolean and up to 21 bytes for a number (38 significant digits); the estimate counts every number at 21.
/// </summary>
internal static class DynamoDbItemSize
{
    /// <summary>DynamoDB's limit: 400 KB, attribute names included.</summary>
    public const int MaxItemSize = 400 * 1024;

    private const int MaxNumberSize = 21;

    // Names of every attribute a finished record may hold, plus its numbers (rev, status, three times, ttl) and the boolean.
    private static readonly int FixedSize =
        Encoding.UTF8.GetByteCount(DynamoDbAttributes.Key + DynamoDbAttributes.Revision + DynamoDbAttributes.Status + DynamoDbAttributes.Owner +
            DynamoDbAttributes.Fingerprint + DynamoDbAttributes.Created + DynamoDbAttributes.LeaseExpires + DynamoDbAttributes.Expires +
            DynamoDbAttributes.Ttl + DynamoDbAttributes.Payload + DynamoDbAttributes.Retryable)
        + (6 * MaxNumberSize) + 1;

    /// <summary>The size of a finished record, at most; the fingerprint, unknown to a completion, is counted when given.</summary>
    public static long Estimate(string key, string ownerToken, int payloadLength, string fingerprint = "") =>
        (long)FixedSize + Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(ownerToken) + Encoding.UTF8.GetByteCount(fingerprint) + payloadLength;

    /// <summary>The largest payload a record with these strings surely holds.</summary>
    public static int MaxPayload(string key, string ownerToken, string fingerprint) =>
        (int)(MaxItemSize - Estimate(key, ownerToken, 0, fingerprint));
}
