namespace Idempotency.Messaging;

/// <summary>
/// Runs a message handler once per event and handler, however often the broker delivers it. Outcomes are values: an
/// adapter acknowledges only <see cref="ProcessingResult.ShouldAcknowledge"/>, which is set once the record is durable.
/// </summary>
public interface IIdempotentConsumer
{
    /// <summary>Processes one delivery with a handler that returns a result, cached for duplicates.</summary>
    /// <typeparam name="T">The result type (serialized with the engine's serializer).</typeparam>
    /// <param name="message">The delivery.</param>
    /// <param name="handler">The handler's name: records are kept per handler, so two handlers of one event each run once.</param>
    /// <param name="handle">The handler.</param>
    /// <param name="cancellationToken">Stops waiting; a handler cancelled by it is released, so a redelivery runs it again.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ProcessingResult<T>> ProcessAsync<T>(InboundMessage message, string handler, Func<InboundMessage, CancellationToken, ValueTask<T>> handle, CancellationToken cancellationToken);

    /// <summary>Processes one delivery with a handler that returns nothing.</summary>
    /// <param name="message">The delivery.</param>
    /// <param name="handler">The handler's name: records are kept per handler.</param>
    /// <param name="handle">The handler.</param>
    /// <param name="cancellationToken">Stops waiting; a handler cancelled by it is released.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ProcessingResult> ProcessAsync(InboundMessage message, string handler, Func<InboundMessage, CancellationToken, ValueTask> handle, CancellationToken cancellationToken);
}
