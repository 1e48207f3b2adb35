using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Nats;

/// <summary>The NATS adapter's log events (ids from 300; the messaging core's are 200-299). Never keys or payloads.</summary>
internal static partial class Log
{
    [LoggerMessage(301, LogLevel.Information, "Consuming JetStream stream {Stream} with consumer {Consumer}: redelivery horizon {Horizon} ({HorizonSource})", EventName = "NatsConsumerStarted")]
    public static partial void Started(ILogger logger, string stream, string consumer, TimeSpan horizon, string horizonSource);

    [LoggerMessage(302, LogLevel.Warning, "The progress signal is sent every {ProgressInterval}, but JetStream consumer {Consumer} redelivers after {ShortestWait} without an answer: handlers running longer are redelivered meanwhile (and answered in progress). Set IdempotentConsumerOptions.ProgressInterval below {ShortestWait}", EventName = "NatsProgressIntervalTooLong")]
    public static partial void ProgressIntervalTooLong(ILogger logger, TimeSpan progressInterval, string consumer, TimeSpan shortestWait);

    [LoggerMessage(303, LogLevel.Warning, "Message {Stream} #{Sequence} ({EventType}) dead-lettered to {Target} after delivery {Delivery} by handler {Handler}: {Outcome} {Reason}", EventName = "NatsMessageDeadLettered")]
    public static partial void DeadLettered(ILogger logger, string stream, ulong sequence, string eventType, string target, ulong delivery, string handler, MessageOutcome outcome, string? reason);

    [LoggerMessage(304, LogLevel.Error, "Publishing message {Stream} #{Sequence} to the dead-letter subject {Subject} failed; it is redelivered to try again", EventName = "NatsDeadLetterPublishFailed")]
    public static partial void DeadLetterPublishFailed(ILogger logger, Exception exception, string stream, ulong sequence, string subject);

    [LoggerMessage(305, LogLevel.Warning, "Answering message {Stream} #{Sequence} with {Answer} failed; JetStream redelivers it after its ack wait", EventName = "NatsAnswerFailed")]
    public static partial void AnswerFailed(ILogger logger, Exception exception, string stream, ulong sequence, string answer);

    [LoggerMessage(306, LogLevel.Error, "Consuming from JetStream consumer {Consumer} failed; trying again in {Delay}", EventName = "NatsConsumeFailed")]
    public static partial void ConsumeFailed(ILogger logger, Exception exception, string consumer, TimeSpan delay);

    [LoggerMessage(307, LogLevel.Error, "Processing message {Stream} #{Sequence} ({EventType}) with handler {Handler} threw; it is redelivered", EventName = "NatsProcessingFailed")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, string stream, ulong sequence, string eventType, string handler);
}
