using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging;

/// <summary>The messaging log events (ids from 200; the engine's own events, 1-99, cover claims and store calls).</summary>
internal static partial class Log
{
    [LoggerMessage(201, LogLevel.Debug, "Message {EventType} for handler {Handler}: {Outcome} (key from {KeySource}) {Reason}", EventName = "MessageProcessed")]
    private static partial void ProcessedDebug(ILogger logger, string eventType, string handler, MessageOutcome outcome, MessageKeySource keySource, string? reason);

    [LoggerMessage(202, LogLevel.Warning, "Message {EventType} for handler {Handler}: {Outcome} (key from {KeySource}): {Reason}", EventName = "MessageRejected")]
    private static partial void Rejected(ILogger logger, string eventType, string handler, MessageOutcome outcome, MessageKeySource keySource, string? reason);

    [LoggerMessage(203, LogLevel.Warning, "Sending the broker's progress signal failed", EventName = "ProgressSignalFailed")]
    public static partial void ProgressSignalFailed(ILogger logger, Exception exception);

    public static void Processed(ILogger logger, string eventType, string handler, MessageOutcome outcome, MessageKeySource keySource, string? reason)
    {
        if (outcome is MessageOutcome.Conflict || reason is not null && outcome is MessageOutcome.Failed)
        {
            Rejected(logger, eventType, handler, outcome, keySource, reason);
        }
        else
        {
            ProcessedDebug(logger, eventType, handler, outcome, keySource, reason);
        }
    }
}
