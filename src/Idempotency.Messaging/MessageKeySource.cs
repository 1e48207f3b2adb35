namespace Idempotency.Messaging;

/// <summary>Where a message's idempotency key came from, in the default order of precedence.</summary>
public enum MessageKeySource
{
    /// <summary>No source gave a key.</summary>
    None = 0,

    /// <summary>An explicit idempotency-key header (<see cref="IdempotentConsumerOptions.KeyHeaderName"/>).</summary>
    Header = 1,

    /// <summary>The envelope's idempotency key (a JSON body property, <see cref="IdempotentConsumerOptions.EnvelopeKeyProperties"/>).</summary>
    EnvelopeKey = 2,

    /// <summary>The envelope's event id (<see cref="IdempotentConsumerOptions.EventIdProperties"/>).</summary>
    EventId = 3,

    /// <summary>The transport's message id (<see cref="InboundMessage.MessageId"/>).</summary>
    MessageId = 4,

    /// <summary>A hash of the payload: canonical JSON without the volatile properties, or the raw bytes when not JSON.</summary>
    ContentHash = 5,
}
