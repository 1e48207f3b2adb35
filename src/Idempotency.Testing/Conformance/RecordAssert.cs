using System.Globalization;
using System.Security.Cryptography;
using Xunit;

namespace Idempotency.Testing;

/// <summary>
/// Compares records field by field in one assertion, so a failure lists every field that differs. Times are compared
/// at millisecond precision (a store may truncate); the lease only while the record is in progress, where it means
/// something; payloads by length and SHA-256.
/// </summary>
internal static class RecordAssert
{
    public static void Matches(IdempotencyRecord expected, IdempotencyRecord? actual)
    {
        Assert.True(actual is not null, $"Expected the {expected.Status} record of '{expected.Key}', but the store returned none.");
        var differences = new List<string>();
        Compare(differences, nameof(IdempotencyRecord.Key), expected.Key, actual.Key);
        Compare(differences, nameof(IdempotencyRecord.Status), expected.Status.ToString(), actual.Status.ToString());
        Compare(differences, nameof(IdempotencyRecord.OwnerToken), expected.OwnerToken, actual.OwnerToken);
        Compare(differences, nameof(IdempotencyRecord.Fingerprint), Quote(expected.Fingerprint), Quote(actual.Fingerprint));
        Compare(differences, nameof(IdempotencyRecord.CreatedAt), Time(expected.CreatedAt), Time(actual.CreatedAt));
        if (expected.Status == IdempotencyRecordStatus.InProgress)
        {
            Compare(differences, nameof(IdempotencyRecord.LeaseExpiresAt), Time(expected.LeaseExpiresAt), Time(actual.LeaseExpiresAt));
        }

        Compare(differences, nameof(IdempotencyRecord.ExpiresAt), Time(expected.ExpiresAt), Time(actual.ExpiresAt));
        Compare(differences, nameof(IdempotencyRecord.Retryable), expected.Retryable.ToString(), actual.Retryable.ToString());
        Compare(differences, nameof(IdempotencyRecord.Payload), Describe(expected.Payload), Describe(actual.Payload));
        Assert.True(differences.Count == 0, $"The record of '{expected.Key}' differs from the expected one:{Environment.NewLine}{string.Join(Environment.NewLine, differences)}");
    }

    public static void PayloadEqual(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Span.SequenceEqual(actual.Span), $"The payload of {actual.Length} bytes differs from the one written.");
    }

    private static void Compare(List<string> differences, string field, string expected, string actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            differences.Add($"  {field}: expected {expected}, actual {actual}");
        }
    }

    private static string Quote(string? value) => value is null ? "(null)" : $"\"{value}\"";

    private static string Time(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Describe(ReadOnlyMemory<byte> payload) =>
        $"{payload.Length.ToString(CultureInfo.InvariantCulture)} bytes (SHA-256 {Convert.ToHexString(SHA256.HashData(payload.Span))[..16]})";
}
