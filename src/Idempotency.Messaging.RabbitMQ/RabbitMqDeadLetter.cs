namespace Idempotency.Messaging.RabbitMQ;

/// <summary>A delivery about to be rejected without requeue (so the queue's dead-letter exchange takes it), as told to <see cref="RabbitMqConsumerOptions.OnDeadLetter"/>.</summary>
public sealed class RabbitMqDeadLetter
{
    internal RabbitMqDeadLetter(string queue, InboundMessage message, string? handler, ProcessingResult? result, string reason)
    {
        Queue = queue;
        Message = message;
        Handler = handler;
        Result = result;
        Reason = reason;
    }

    /// <summary>Gets the queue the message was consumed from.</summary>
    public string Queue { get; }

    /// <summary>Gets the message.</summary>
    public InboundMessage Message { get; }

    /// <summary>Gets the handler whose outcome dead-letters the message; <see langword="null"/> when no handler takes its event type.</summary>
    public string? Handler { get; }

    /// <summary>Gets that handler's outcome (a conflict, a remembered failure, a failure on the last allowed delivery); <see langword="null"/> when no handler ran.</summary>
    public ProcessingResult? Result { get; }

    /// <summary>Gets why the message is dead-lettered, for logs and dead-letter stores.</summary>
    public string Reason { get; }
}
