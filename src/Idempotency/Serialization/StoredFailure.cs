using System.Text.Json;
using System.Text.Json.Serialization;

namespace Idempotency;

/// <summary>The body of an <see cref="PayloadKind.Error"/> payload.</summary>
internal sealed record StoredFailure(string Type, string Message)
{
    public static byte[] Serialize(Exception exception) =>
        JsonSerializer.SerializeToUtf8Bytes(new StoredFailure(exception.GetType().FullName ?? exception.GetType().Name, exception.Message), StoredFailureContext.Default.StoredFailure);

    public static StoredFailure Deserialize(string storeKey, ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, StoredFailureContext.Default.StoredFailure)
                ?? throw new IdempotencyRecordCorruptException(storeKey, "the stored failure is null.");
        }
        catch (JsonException ex)
        {
            throw new IdempotencyRecordCorruptException(storeKey, "the stored failure is not valid JSON.", ex);
        }
    }
}

[JsonSerializable(typeof(StoredFailure))]
internal sealed partial class StoredFailureContext : JsonSerializerContext;
