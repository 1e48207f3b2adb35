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
        StoredFailure? failure;
        try
        {
            failure = JsonSerializer.Deserialize(body, StoredFailureContext.Default.StoredFailure);
        }
        catch (JsonException ex)
        {
            throw new IdempotencyRecordCorruptException(storeKey, "the stored failure is not valid JSON.", ex);
        }

        // Missing or null members deserialize as null; they end up in IdempotencyPreviouslyFailedException, whose
        // ErrorType and ErrorMessage are never null.
        return failure is { Type: not null, Message: not null }
            ? failure
            : throw new IdempotencyRecordCorruptException(storeKey, "the stored failure has no type or no message.");
    }
}

[JsonSerializable(typeof(StoredFailure))]
internal sealed partial class StoredFailureContext : JsonSerializerContext;
