using Grpc.Core;

namespace Idempotency.Grpc;

/// <summary>
/// Reads the key from the call's request metadata. The value is the key as it is (gRPC metadata is already one string
/// per entry); the engine checks its length and characters. More than one entry is refused rather than one chosen:
/// two entries could otherwise name two keys for one call. So is a comma: HTTP/2 clients may fold two entries into one
/// comma-joined value (Grpc.Net.Client does), which would otherwise pass for a single key.
/// </summary>
internal static class CallKey
{
    public static (string? Key, string? Problem) Read(Metadata headers)
    {
        string? key = null;
        var count = 0;
        foreach (var entry in headers)
        {
            if (string.Equals(entry.Key, GrpcIdempotencyMetadata.Key, StringComparison.Ordinal))
            {
                count++;
                key = entry.Value;
            }
        }

        if (count > 1 || key?.Contains(',', StringComparison.Ordinal) == true)
        {
            return (null, $"the {GrpcIdempotencyMetadata.Key} metadata must be sent once, and without commas.");
        }

        return (key, null);
    }
}
