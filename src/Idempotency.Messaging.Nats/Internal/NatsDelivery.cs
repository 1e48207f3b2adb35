using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Idempotency.Messaging.Nats;

/// <summary>One JetStream delivery and the transport-neutral message built from it.</summary>
internal sealed class NatsDelivery
{
    private NatsDelivery(INatsJSMsg<ReadOnlyMemory<byte>> raw, InboundMessage message, NatsJSMsgMetadata? metadata)
    {
        Raw = raw;
        Message = message;
        Stream = metadata?.Stream ?? string.Empty;
        Sequence = metadata?.Sequence.Stream ?? 0;
        Delivery = (long)(metadata?.NumDelivered ?? 1);
    }

    public INatsJSMsg<ReadOnlyMemory<byte>> Raw { get; }

    public InboundMessage Message { get; }

    public string Stream { get; }

    /// <summary>Gets the message's stream sequence, which names it in logs and dead-letter headers (never its key or payload).</summary>
    public ulong Sequence { get; }

    /// <summary>Gets which delivery this is, from 1 (JetStream's <c>NumDelivered</c>).</summary>
    public long Delivery { get; }

    /// <summary>
    /// Reads the event type (a header, else the subject), the headers, <c>Nats-Msg-Id</c> as the transport message id and
    /// the delivery count, and wires JetStream's in-progress ack as the "still working" signal.
    /// </summary>
    public static NatsDelivery From(INatsJSMsg<ReadOnlyMemory<byte>> raw, NatsConsumerOptions options)
    {
        var headers = Headers(raw.Headers);
        var fromHeader = options.EventTypeHeader is { } name ? headers?.GetValueOrDefault(name) : null;
        var eventType = string.IsNullOrWhiteSpace(fromHeader) ? raw.Subject : fromHeader;
        var metadata = raw.Metadata;
        var message = new InboundMessage(eventType, raw.Data)
        {
            Headers = headers,
            MessageId = headers?.GetValueOrDefault(NatsConsumerDefaults.MessageIdHeader) is { Length: > 0 } id ? id : null,
            DeliveryAttempt = (int)Math.Min(int.MaxValue, metadata?.NumDelivered ?? 1),

            // AckProgress resets the server's ack wait, so a long handler is not redelivered while it runs.
            SignalProgress = cancellationToken => raw.AckProgressAsync(cancellationToken: cancellationToken),
        };
        return new NatsDelivery(raw, message, metadata);
    }

    // NATS headers may repeat a name; InboundMessage has one value per name, so repeats are joined with commas (as HTTP does).
    private static Dictionary<string, string>? Headers(NatsHeaders? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            result[name] = result.TryGetValue(name, out var earlier) ? $"{earlier},{values}" : values.ToString();
        }

        return result;
    }
}
