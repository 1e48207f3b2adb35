using System.Globalization;
using NATS.Client.Core;

namespace Idempotency.Messaging.Nats;

/// <summary>
/// The headers a dead-lettered message carries on the dead-letter subject, besides the original's own: why, which
/// handler, and where it came from. Its <c>Nats-Msg-Id</c> is new (the original's moves to <see cref="SourceMessageId"/>),
/// so a retried dead-letter publish is deduplicated by JetStream and never collides with the original's id.
/// </summary>
internal static class DeadLetterHeaders
{
    public const string Reason = "Idempotency-Dead-Letter-Reason";
    public const string Outcome = "Idempotency-Outcome";
    public const string Handler = "Idempotency-Handler";
    public const string SourceStream = "Idempotency-Source-Stream";
    public const string SourceSequence = "Idempotency-Source-Sequence";
    public const string SourceSubject = "Idempotency-Source-Subject";
    public const string SourceMessageId = "Idempotency-Source-Msg-Id";
    public const string Deliveries = "Idempotency-Deliveries";

    public static NatsHeaders For(NatsDelivery delivery, DeliveryAnswer answer)
    {
        var headers = new NatsHeaders();
        if (delivery.Raw.Headers is { } original)
        {
            foreach (var (name, values) in original)
            {
                if (string.Equals(name, NatsConsumerDefaults.MessageIdHeader, StringComparison.OrdinalIgnoreCase))
                {
                    headers[SourceMessageId] = values;
                }
                else
                {
                    headers[name] = values;
                }
            }
        }

        var cause = answer.Cause!.Value;
        headers[Reason] = answer.Reason ?? cause.Outcome.ToString();
        headers[Outcome] = cause.Outcome.ToString();
        headers[Handler] = cause.Handler;
        headers[SourceStream] = delivery.Stream;
        headers[SourceSequence] = delivery.Sequence.ToString(CultureInfo.InvariantCulture);
        headers[SourceSubject] = delivery.Raw.Subject;
        headers[Deliveries] = delivery.Delivery.ToString(CultureInfo.InvariantCulture);
        return headers;
    }

    /// <summary>The dead-letter publication's own <c>Nats-Msg-Id</c>: one per source message.</summary>
    public static string MessageId(NatsDelivery delivery) =>
        string.Create(CultureInfo.InvariantCulture, $"dead-letter:{delivery.Stream}:{delivery.Sequence}");
}
