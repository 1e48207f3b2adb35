using System.Globalization;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>Turns an AMQP delivery into the transport-neutral <see cref="InboundMessage"/>.</summary>
internal static class DeliveryMapping
{
    /// <summary>Builds the message of a delivery; <paramref name="attempt"/> is which delivery of it this is (see <see cref="DeliveryCounts"/>).</summary>
    public static InboundMessage ToMessage(BasicDeliverEventArgs delivery, RabbitMqConsumerOptions options, int attempt)
    {
        var properties = delivery.BasicProperties;
        var headers = properties.IsHeadersPresent() ? Headers(properties.Headers) : null;

        // The client reuses the body's buffer once the event handler returns: the message owns a copy.
        return new InboundMessage(EventType(delivery, options), delivery.Body.ToArray())
        {
            MessageId = properties.IsMessageIdPresent() && !string.IsNullOrEmpty(properties.MessageId) ? properties.MessageId : null,
            Headers = headers,
            DeliveryAttempt = attempt,
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

    /// <summary>How often a quorum queue delivered the message before (<c>x-delivery-count</c>); <see langword="null"/> when the queue does not say (a first delivery, or a classic queue).</summary>
    public static long? EarlierDeliveries(BasicDeliverEventArgs delivery)
    {
        var headers = delivery.BasicProperties.Headers;
        if (headers is null || !headers.TryGetValue(RabbitMqConsumerDefaults.DeliveryCountHeader, out var count) || count is null)
        {
            return null;
        }

        long earlier = count switch
        {
            long value => value,
            int value => value,
            short value => value,
            byte value => value,
            _ => -1,
        };
        return earlier >= 0 ? earlier : null;
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
