using System.Collections.Concurrent;
using System.Text.Json;

namespace Idempotency.Messaging.Kafka.Tests;

/// <summary>Event bodies the tests publish, and a thread-safe count of handler runs per handler and event.</summary>
internal static class TestEvents
{
    public const string EventType = "payment.charged";

    /// <summary>A JSON envelope with an event id and a volatile timestamp (different on every publish, left out of the hash).</summary>
    public static string Body(string eventId, int amount = 10, int sequence = 0) =>
        JsonSerializer.Serialize(new { eventId, occurredAt = DateTime.UtcNow.ToString("O"), data = new { amount, sequence } });

    public static (string, string)[] Headers(string? messageId = null, string eventType = EventType) =>
        messageId is null ? [("event-type", eventType)] : [("event-type", eventType), ("message-id", messageId)];

    public static string EventId(InboundMessage message) => Json(message).GetProperty("eventId").GetString()!;

    public static int Sequence(InboundMessage message) => Json(message).GetProperty("data").GetProperty("sequence").GetInt32();

    private static JsonElement Json(InboundMessage message) => JsonDocument.Parse(message.Body).RootElement;
}

/// <summary>How often each handler ran for each event (runs that started, so a handler that threw counts too).</summary>
internal sealed class HandlerRuns
{
    private readonly ConcurrentDictionary<(string Handler, string EventId), int> _runs = new();

    public int Total => _runs.Values.Sum();

    public int this[string handler, string eventId] => _runs.GetValueOrDefault((handler, eventId));

    public IReadOnlyCollection<KeyValuePair<(string Handler, string EventId), int>> All => _runs;

    public int Count(string handler, InboundMessage message) => _runs.AddOrUpdate((handler, TestEvents.EventId(message)), 1, static (_, n) => n + 1);
}
