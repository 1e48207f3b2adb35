using Idempotency.Messaging;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// The adapter's consumer with the idempotency step taken out: it runs the handler and reports it processed, with no key,
/// no fingerprint and no store. Registered in place of the real one, it leaves the adapter's own work (mapping the
/// delivery, scopes, slots, answers) to measure on its own.
/// </summary>
internal sealed class PassThroughConsumer : IIdempotentConsumer
{
    private static readonly ProcessingResult Processed = new(MessageOutcome.Processed, MessageKeySource.None);

    public async ValueTask<ProcessingResult<T>> ProcessAsync<T>(InboundMessage message, string handler, Func<InboundMessage, CancellationToken, ValueTask<T>> handle, CancellationToken cancellationToken)
    {
        var value = await handle(message, cancellationToken).ConfigureAwait(false);
        return new ProcessingResult<T>(MessageOutcome.Processed, MessageKeySource.None) { HasValue = true, Value = value };
    }

    public async ValueTask<ProcessingResult> ProcessAsync(InboundMessage message, string handler, Func<InboundMessage, CancellationToken, ValueTask> handle, CancellationToken cancellationToken)
    {
        await handle(message, cancellationToken).ConfigureAwait(false);
        return Processed;
    }
}
