namespace Idempotency.Messaging.RabbitMQ;

/// <summary>Where a delivery's event type (which names its record TTL, policy and handlers) is read from.</summary>
public enum RabbitMqEventTypeSource
{
    /// <summary>The AMQP <c>type</c> property; the routing key when the publisher left it empty.</summary>
    TypeProperty = 0,

    /// <summary>The routing key the message was published with.</summary>
    RoutingKey = 1,
}
