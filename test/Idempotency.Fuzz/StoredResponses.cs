using Idempotency.AspNetCore;
using Microsoft.Extensions.Primitives;

namespace Idempotency.Fuzz;

/// <summary>Encodes a whole stored HTTP response the way the middleware records one (seeds, and the property tests).</summary>
public static class StoredResponses
{
    public static byte[] Encode(int status, List<KeyValuePair<string, StringValues>> headers, byte[] body)
    {
        using var recording = new PooledBuffer(0);
        recording.GetSpan(StoredResponse.BodyOffset);
        recording.Advance(StoredResponse.BodyOffset);
        recording.Write(body);
        StoredResponse.FinishResponse(recording, status, headers);
        return recording.WrittenSpan.ToArray();
    }
}
