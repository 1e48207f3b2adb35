using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>One message as publishers send it: a JSON envelope with an event id, and a transport message id of its own.</summary>
internal sealed record BenchEvent(string EventId, string MessageId, byte[] Body);

/// <summary>The messages of one batch, and how a handler reads the event id back.</summary>
internal static class BenchEvents
{
    /// <summary>The event type every message carries (AMQP <c>type</c>, Kafka <c>event-type</c> header; NATS uses the subject).</summary>
    public const string EventType = "payment.charged";

    /// <summary>
    /// <paramref name="distinct"/> events named <c>{prefix}-{i}</c>, then <paramref name="duplicates"/> re-publications of
    /// the first ones: the same body (so the same event id and payload), a new transport message id (as a publisher's
    /// retry gets; JetStream would drop a repeated <c>Nats-Msg-Id</c> before any consumer saw it). They come last, long
    /// after their originals were processed, so they are plain duplicates and never meet a lease in progress.
    /// </summary>
    public static List<BenchEvent> Create(string prefix, int distinct, int duplicates = 0)
    {
        var events = new List<BenchEvent>(distinct + duplicates);
        for (var i = 0; i < distinct; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}");
            events.Add(new BenchEvent(id, id + "-m0", Body(id, i)));
        }

        for (var i = 0; i < duplicates; i++)
        {
            var original = events[i % distinct];
            events.Add(original with { MessageId = original.EventId + "-m" + (1 + (i / distinct)).ToString(CultureInfo.InvariantCulture) });
        }

        return events;
    }

    /// <summary>Reads <c>eventId</c> from a body (only the correctness check does: the measured handler does not parse).</summary>
    public static string EventIdOf(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("eventId"u8))
            {
                reader.Read();
                return reader.GetString()!;
            }
        }

        throw new InvalidOperationException("A message without an eventId.");
    }

    // About 190 bytes, like a small payment event.
    private static byte[] Body(string eventId, int sequence) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"eventId\":\"{eventId}\",\"occurredAt\":\"2026-01-01T00:00:00.000Z\",\"data\":{{\"orderId\":\"order-{sequence}\",\"customerId\":\"customer-{sequence % 97}\",\"amount\":129.90,\"currency\":\"EUR\"}}}}"));
}
