using System.Text;
using System.Text.Json;

namespace EventsWorker;

/// <summary>The events' envelope: an id, a timestamp that differs on every publication, and the data.</summary>
internal static class Envelope
{
    public static byte[] Create(string eventId, string eventType, object data) =>
        JsonSerializer.SerializeToUtf8Bytes(new { eventId, eventType, occurredAt = DateTimeOffset.UtcNow, data });

    public static string EventId(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("eventId").GetString() ?? throw new InvalidDataException(Encoding.UTF8.GetString(body.Span));
    }
}
