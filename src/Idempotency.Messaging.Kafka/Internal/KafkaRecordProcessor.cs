using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// Processes one record through every handler it is for, and keeps at it until the record may be committed: each
/// handler acknowledged it, or it was dead-lettered. Anything else (in progress elsewhere, store unavailable, a handler
/// that failed) waits and processes the same record again, in place, so nothing later in its partition overtakes it.
/// </summary>
internal sealed class KafkaRecordProcessor(
    IIdempotentConsumer consumer,
    KafkaConsumerOptions options,
    KafkaDeadLetters deadLetters,
    IServiceProvider services,
    ILogger logger)
{
    /// <summary>Processes a record; returns whether it may be committed (false: the consumer stopped first).</summary>
    /// <param name="record">The record.</param>
    /// <param name="stopping">Stops waiting between deliveries (the partition was revoked or the consumer stops).</param>
    /// <param name="abort">Cancels a running handler (its claim is released).</param>
    public async Task<bool> ProcessAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken stopping, CancellationToken abort)
    {
        List<KafkaHandler>? pending = null;
        var attempt = 1;
        while (true)
        {
            var message = KafkaInboundMessage.Create(record, options, attempt);
            pending ??= options.Handlers.Where(h => h.Takes(message)).ToList();
            TimeSpan delay;
            MessageOutcome outcome;
            try
            {
                (var deadLetter, outcome, delay) = await DeliverAsync(message, pending, abort).ConfigureAwait(false);
                if (deadLetter is { } dead)
                {
                    return await DeadLetterAsync(record, dead.Handler, dead.Result, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                // Not a handler failure (those are outcomes): something in the pipeline itself. The record is not skipped.
                delay = options.RetryBackoff;
                outcome = MessageOutcome.Failed;
                Log.ProcessingError(logger, ex, record.Topic, record.Partition.Value, record.Offset.Value, delay);
            }

            if (pending.Count == 0)
            {
                return true;
            }

            Log.Retrying(logger, outcome == MessageOutcome.InProgress ? LogLevel.Debug : LogLevel.Warning, record.Topic, record.Partition.Value, record.Offset.Value, outcome, attempt, delay);
            if (!await WaitAsync(delay, stopping).ConfigureAwait(false))
            {
                return false;
            }

            // Only a delivery that reached a failing handler counts towards MaxDeliveries: waiting for a lease held
            // elsewhere (a crashed owner's, up to a lease long) or for the store must not use up a record's deliveries.
            if (outcome == MessageOutcome.Failed)
            {
                attempt++;
            }
        }
    }

    // One delivery to every handler still pending; those that acknowledge are done for good (a retry skips them).
    private async Task<((string Handler, ProcessingResult Result)? DeadLetter, MessageOutcome Outcome, TimeSpan Delay)> DeliverAsync(InboundMessage message, List<KafkaHandler> pending, CancellationToken abort)
    {
        var delay = TimeSpan.Zero;
        var outcome = MessageOutcome.Processed;
        (string Handler, ProcessingResult Result)? deadLetter = null;
        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            for (var i = 0; i < pending.Count;)
            {
                var handler = pending[i];
                ProcessingResult result;
                try
                {
                    result = await consumer.ProcessAsync(message, handler.Name, (m, ct) => handler.Handle(m, scope.ServiceProvider, ct), abort).ConfigureAwait(false);
                }
                catch (DuplicateMessageException)
                {
                    // Throw mode is for callers of ProcessAsync; to the broker a duplicate is done.
                    pending.RemoveAt(i);
                    continue;
                }

                if (result.ShouldAcknowledge)
                {
                    pending.RemoveAt(i);
                    continue;
                }

                if (result.DeadLetter)
                {
                    // The record goes to the dead-letter topic, but only after every other handler had this delivery:
                    // committing it must not leave a handler that would have succeeded without its run.
                    deadLetter ??= (handler.Name, result);
                    pending.RemoveAt(i);
                    continue;
                }

                // A handler failure waits the backoff; a lease held elsewhere or a store outage waits what the engine says.
                var wait = result.Outcome == MessageOutcome.Failed || result.RetryAfter <= TimeSpan.Zero ? options.RetryBackoff : result.RetryAfter;
                delay = wait > delay ? wait : delay;
                outcome = outcome == MessageOutcome.Failed ? outcome : result.Outcome;
                i++;
            }
        }

        return (deadLetter, outcome, delay);
    }

    private async Task<bool> DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> record, string handler, ProcessingResult result, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await deadLetters.SendAsync(record, handler, result, stopping).ConfigureAwait(false);
                Log.DeadLettered(logger, record.Topic, record.Partition.Value, record.Offset.Value, handler, result.Outcome, result.Reason ?? result.Exception?.Message);
                return true;
            }
            catch (Exception ex)
            {
                if (stopping.IsCancellationRequested)
                {
                    return false; // not committed: after a redelivery the record is dead-lettered again
                }

                Log.DeadLetterFailed(logger, ex, record.Topic, record.Partition.Value, record.Offset.Value, options.RetryBackoff);
            }

            if (!await WaitAsync(options.RetryBackoff, stopping).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    private static async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
