using System.Text;
using Confluent.Kafka;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>Turns a Kafka record into the transport-neutral <see cref="InboundMessage"/>.</summary>
internal static class KafkaInboundMessage
{
    /// <summary>Builds the message of one delivery of a record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="options">Where the message id and event type come from.</param>
    /// <param name="attempt">
    /// Which delivery of the record to a handler this is, from 1: deliveries after a handler failed, counted in this
    /// consumer (the count restarts after a rebalance or restart; Kafka keeps none).
    /// </param>
    public static InboundMessage Create(ConsumeResult<byte[]?, byte[]?> record, KafkaConsumerOptions options, int attempt)
    {
        var headers = Headers(record.Message.Headers);
        return new InboundMessage(EventType(record.Topic, headers, options), record.Message.Value ?? [])
        {
            Headers = headers,

            // No header, no id: topic-partition-offset would name the copy, not the event (a re-publish gets a new offset).
            MessageId = options.MessageIdHeader is { } name && headers.TryGetValue(name, out var id) && id.Length > 0 ? id : null,
            DeliveryAttempt = attempt,
        };
    }

    private static string EventType(string topic, Dictionary<string, string> headers, KafkaConsumerOptions options)
    {
        foreach (var name in options.EventTypeHeaders)
        {
            if (headers.TryGetValue(name, out var eventType) && !string.IsNullOrWhiteSpace(eventType))
            {
                return eventType;
            }
        }

        return topic;
    }

    // Kafka headers may repeat: the last value wins, as in Headers.GetLastBytes.
    private static Dictionary<string, string> Headers(Headers? headers)
    {
        var result = new Dictionary<string, string>(headers?.Count ?? 0, StringComparer.OrdinalIgnoreCase);
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                result[header.Key] = header.GetValueBytes() is { } value ? Encoding.UTF8.GetString(value) : string.Empty;
            }
        }

        return result;
    }
}
