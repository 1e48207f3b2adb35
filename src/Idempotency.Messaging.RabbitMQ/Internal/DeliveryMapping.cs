using System.Globalization;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>Turns an AMQP delivery into the transport-neutral <see cref="InboundMessage"/>.</summary>
internal static class DeliveryMapping
{
    public static InboundMessage ToMessage(BasicDeliverEventArgs delivery, RabbitMqConsumerOptions options)
    {
        var properties = delivery.BasicProperties;
        var headers = properties.IsHeadersPresent() ? Headers(properties.Headers) : null;

        // The client reuses the body's buffer once the event handler returns: the message owns a copy.
        return new InboundMessage(EventType(delivery, options), delivery.Body.ToArray())
        {
            MessageId = properties.IsMessageIdPresent() && !string.IsNullOrEmpty(properties.MessageId) ? properties.MessageId : null,
            Headers = headers,
            DeliveryAttempt = Attempt(properties.Headers, delivery.Redelivered),
        };
    }

    private static string EventType(BasicDeliverEventArgs delivery, RabbitMqConsumerOptions options)
    {
        var type = options.EventTypeSource == RabbitMqEventTypeSource.TypeProperty && delivery.BasicProperties.IsTypePresent()
            ? delivery.BasicProperties.Type
            : null;

        // A fanout exchange may deliver with an empty routing key: the queue then names the event type.
        return !string.IsNullOrWhiteSpace(type) ? type
            : !string.IsNullOrWhiteSpace(delivery.RoutingKey) ? delivery.RoutingKey
            : options.Queue;
    }

    /// <summary>
    /// Quorum queues count earlier deliveries in <c>x-delivery-count</c>; classic queues only say whether the message may
    /// have been delivered before (<c>redelivered</c>), so every redelivery there is attempt 2.
    /// </summary>
    private static int Attempt(IDictionary<string, object?>? headers, bool redelivered)
    {
        if (headers is not null && headers.TryGetValue(RabbitMqConsumerDefaults.DeliveryCountHeader, out var count) && count is not null)
        {
            var earlier = count switch
            {
                long value => value,
                int value => value,
                short value => value,
                byte value => value,
                _ => -1,
            };
            if (earlier >= 0)
            {
                return (int)Math.Min(earlier + 1, int.MaxValue);
            }
        }

        return redelivered ? 2 : 1;
    }

    /// <summary>Header values as text: AMQP strings arrive as UTF-8 bytes; numbers and booleans are formatted; tables and arrays are left out.</summary>
    private static Dictionary<string, string>? Headers(IDictionary<string, object?>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return null;
        }

        var text = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            var decoded = value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string s => s,
                bool b => b ? "true" : "false",
                AmqpTimestamp timestamp => timestamp.UnixTime.ToString(CultureInfo.InvariantCulture),
                IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
                _ => null,
            };
            if (decoded is not null)
            {
                text.TryAdd(name, decoded);
            }
        }

        return text;
    }
}
