using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>The Kafka adapter's log events (ids from 260; the core messaging events are 201-203). Never keys or payloads.</summary>
internal static partial class Log
{
    [LoggerMessage(261, LogLevel.Information, "Kafka consumer of group {GroupId} started on {Topics}", EventName = "KafkaConsumerStarted")]
    public static partial void Started(ILogger logger, string? groupId, string topics);

    [LoggerMessage(262, LogLevel.Information, "Kafka consumer of group {GroupId} stopped", EventName = "KafkaConsumerStopped")]
    public static partial void Stopped(ILogger logger, string? groupId);

    [LoggerMessage(EventId = 263, Message = "Record {Topic} [{Partition}] @{Offset}: {Outcome} on delivery {Attempt}; the partition waits {Delay} and processes it again", EventName = "KafkaRecordRetrying")]
    public static partial void Retrying(ILogger logger, LogLevel level, string topic, int partition, long offset, MessageOutcome outcome, int attempt, TimeSpan delay);

    [LoggerMessage(264, LogLevel.Warning, "Record {Topic} [{Partition}] @{Offset} dead-lettered for handler {Handler}: {Outcome}, {Reason}", EventName = "KafkaRecordDeadLettered")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string? handler, MessageOutcome outcome, string reason);

    [LoggerMessage(265, LogLevel.Error, "Dead-lettering record {Topic} [{Partition}] @{Offset} failed; it is not committed and is tried again in {Delay}", EventName = "KafkaDeadLetterFailed")]
    public static partial void DeadLetterFailed(ILogger logger, Exception exception, string topic, int partition, long offset, TimeSpan delay);

    [LoggerMessage(EventId = 266, Message = "Kafka client error {Code} (fatal: {Fatal}): {Reason}", EventName = "KafkaClientError")]
    public static partial void ClientError(ILogger logger, LogLevel level, string code, bool fatal, string reason);

    [LoggerMessage(EventId = 267, Message = "librdkafka {Client} {Facility}: {Message}", EventName = "KafkaClientLog")]
    public static partial void ClientLog(ILogger logger, LogLevel level, string client, string facility, string message);

    [LoggerMessage(268, LogLevel.Information, "Partitions assigned: {Partitions}", EventName = "KafkaPartitionsAssigned")]
    public static partial void Assigned(ILogger logger, string partitions);

    [LoggerMessage(269, LogLevel.Information, "Partitions {How}: {Partitions}", EventName = "KafkaPartitionsRevoked")]
    public static partial void Revoked(ILogger logger, string how, string partitions);

    [LoggerMessage(270, LogLevel.Warning, "A handler of {Topic} [{Partition}] ran past the drain timeout {DrainTimeout} and is cancelled; its record is released and processed again after a redelivery", EventName = "KafkaHandlerCancelled")]
    public static partial void HandlerCancelled(ILogger logger, string topic, int partition, TimeSpan drainTimeout);

    [LoggerMessage(275, LogLevel.Error, "A handler of {Topic} [{Partition}] ignored its cancellation and is left running; its record is not committed", EventName = "KafkaHandlerAbandoned")]
    public static partial void HandlerAbandoned(ILogger logger, string topic, int partition);

    [LoggerMessage(271, LogLevel.Debug, "Offset {Topic} [{Partition}] @{Offset} not stored (the partition is no longer assigned): {Reason}", EventName = "KafkaOffsetNotStored")]
    public static partial void OffsetNotStored(ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(272, LogLevel.Error, "Processing record {Topic} [{Partition}] @{Offset} threw; it is not committed and is tried again in {Delay}, or dead-lettered on delivery MaxDeliveries", EventName = "KafkaProcessingError")]
    public static partial void ProcessingError(ILogger logger, Exception exception, string topic, int partition, long offset, TimeSpan delay);

    [LoggerMessage(273, LogLevel.Critical, "The Kafka consumer stopped on an error; nothing more is consumed until the service restarts", EventName = "KafkaConsumerFailed")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(274, LogLevel.Warning, "Committing stored offsets failed: {Reason}", EventName = "KafkaCommitFailed")]
    public static partial void CommitFailed(ILogger logger, string reason);
}
