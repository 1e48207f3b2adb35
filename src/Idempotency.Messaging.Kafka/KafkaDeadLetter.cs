using Confluent.Kafka;

namespace Idempotency.Messaging.Kafka;

/// <summary>A record about to be committed without every handler done with it, as told to <see cref="KafkaConsumerOptions.OnDeadLetter"/>.</summary>
public sealed class KafkaDeadLetter
{
    internal KafkaDeadLetter(ConsumeResult<byte[]?, byte[]?> record, string? handler, ProcessingResult? result, string reason)
    {
        Record = record;
        Handler = handler;
        Result = result;
        Reason = reason;
    }

    /// <summary>Gets the record, with its topic, partition, offset, key, value and headers.</summary>
    public ConsumeResult<byte[]?, byte[]?> Record { get; }

    /// <summary>Gets the handler whose outcome condemned the record; <see langword="null"/> when processing itself kept throwing (no handler outcome).</summary>
    public string? Handler { get; }

    /// <summary>Gets that handler's outcome (a conflict, a remembered failure, a failure on delivery <see cref="IdempotentConsumerOptions.MaxDeliveries"/>, an unusable key); <see langword="null"/> when processing itself kept throwing.</summary>
    public ProcessingResult? Result { get; }

    /// <summary>Gets why the record is dead-lettered, for logs and dead-letter stores (also its <c>dead-letter-reason</c> header).</summary>
    public string Reason { get; }
}
