using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Idempotency.Messaging;

/// <summary>
/// The <c>idempotency.messages</c> counter: one per processed delivery, tagged with event type, handler, outcome and the
/// key source, on the engine's meter (whose <c>idempotency.requests</c> counts the engine's view of the same calls).
/// </summary>
internal sealed class MessagingTelemetry
{
    public const string MessagesInstrument = "idempotency.messages";
    public const string HandlerTag = "idempotency.handler";
    public const string KeySourceTag = "idempotency.key_source";

    private readonly Counter<long>? _messages;

    public MessagingTelemetry(IMeterFactory? meterFactory) =>
        _messages = meterFactory?.Create(IdempotencyTelemetry.Name).CreateCounter<long>(MessagesInstrument, "{message}", "Deliveries processed by idempotent consumers, by outcome and key source.");

    public void Count(string eventType, string handler, ProcessingResult result)
    {
        if (_messages is { Enabled: true } messages)
        {
            // A TagList holds the four tags inline: the params overload would allocate an array per message.
            var tags = new TagList
            {
                { IdempotencyTelemetry.OperationTag, eventType },
                { HandlerTag, handler },
                { IdempotencyTelemetry.OutcomeTag, OutcomeName(result.Outcome) },
                { KeySourceTag, KeySourceName(result.KeySource) },
            };
            messages.Add(1, in tags);
        }
    }

    private static string OutcomeName(MessageOutcome outcome) => outcome switch
    {
        MessageOutcome.Processed => "processed",
        MessageOutcome.Duplicate => "duplicate",
        MessageOutcome.InProgress => "in_progress",
        MessageOutcome.Failed => "failed",
        MessageOutcome.Conflict => "conflict",
        _ => "store_unavailable",
    };

    private static string KeySourceName(MessageKeySource source) => source switch
    {
        MessageKeySource.Header => "header",
        MessageKeySource.EnvelopeKey => "envelope_key",
        MessageKeySource.EventId => "event_id",
        MessageKeySource.MessageId => "message_id",
        MessageKeySource.ContentHash => "content_hash",
        _ => "none",
    };
}
