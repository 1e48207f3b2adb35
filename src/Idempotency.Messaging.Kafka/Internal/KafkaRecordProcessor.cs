using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// Processes one record through every handler it is for, and keeps at it until the record may be committed: each
/// handler acknowledged it, or dead-lettered it. Anything else (in progress elsewhere, store unavailable, a handler that
/// failed) waits and processes the same record again, in place, so nothing later in its partition overtakes it. A retry
/// wins over a dead letter: a handler's poison is kept until every other handler is done, so dead-lettering the record
/// never takes a delivery away from a handler that only needed another one.
/// </summary>
internal sealed class KafkaRecordProcessor(
    IIdempotentConsumer consumer,
    KafkaConsumerOptions options,
    int maxDeliveries,
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
        var delivery = new Delivery(record);
        while (true)
        {
            try
            {
                await DeliverAsync(delivery, abort).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                // Not a handler failure (those are outcomes): something in the pipeline itself. The record is not
                // skipped, and the delivery counts as failed: one that throws every time is dead-lettered on delivery
                // MaxDeliveries like a handler that always fails, instead of holding its partition for good. (Throwing
                // once every handler is done, as a failing scope disposal does, still commits it below.)
                if (maxDeliveries > 0 && delivery.Attempt >= maxDeliveries && delivery.Pending is not { Count: 0 })
                {
                    Log.ProcessingError(logger, ex, record.Topic, record.Partition.Value, record.Offset.Value, TimeSpan.Zero);
                    return await DeadLetterAsync(new KafkaDeadLetter(record, null, null, $"processing the record threw {ex.GetType().Name} on delivery {delivery.Attempt} of at most {maxDeliveries}: {ex.Message}"), stopping).ConfigureAwait(false);
                }

                delivery.Retry(MessageOutcome.Failed, options.RetryBackoff);
                Log.ProcessingError(logger, ex, record.Topic, record.Partition.Value, record.Offset.Value, options.RetryBackoff);
            }

            if (delivery.Pending is { Count: 0 })
            {
                return delivery.Condemned is not { } dead || await DeadLetterAsync(dead, stopping).ConfigureAwait(false);
            }

            Log.Retrying(logger, delivery.Outcome == MessageOutcome.InProgress ? LogLevel.Debug : LogLevel.Warning, record.Topic, record.Partition.Value, record.Offset.Value, delivery.Outcome, delivery.Attempt, delivery.Delay);
            if (!await WaitAsync(delivery.Delay, stopping).ConfigureAwait(false))
            {
                return false;
            }

            delivery.Next();
        }
    }

    // One delivery to every handler still pending; those that acknowledge are done for good (a retry skips them), and so
    // are those that dead-letter, whose poison waits for the others.
    private async Task DeliverAsync(Delivery delivery, CancellationToken abort)
    {
        var message = KafkaInboundMessage.Create(delivery.Record, options, delivery.Attempt);
        var pending = delivery.Pending ??= options.Handlers.For(message.EventType);
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

                if (result.ShouldAcknowledge || result.DeadLetter)
                {
                    if (result.DeadLetter)
                    {
                        delivery.Condemned ??= new KafkaDeadLetter(delivery.Record, handler.Name, result, result.Reason ?? result.Exception?.Message ?? result.Outcome.ToString());
                    }

                    pending.RemoveAt(i);
                    continue;
                }

                // A handler failure waits the backoff; a lease held elsewhere or a store outage waits what the engine says.
                delivery.Retry(result.Outcome, result.Outcome == MessageOutcome.Failed || result.RetryAfter <= TimeSpan.Zero ? options.RetryBackoff : result.RetryAfter);
                i++;
            }
        }
    }

    private async Task<bool> DeadLetterAsync(KafkaDeadLetter dead, CancellationToken stopping)
    {
        var record = dead.Record;
        while (true)
        {
            try
            {
                await deadLetters.SendAsync(dead, stopping).ConfigureAwait(false);
                Log.DeadLettered(logger, record.Topic, record.Partition.Value, record.Offset.Value, dead.Handler, dead.Result?.Outcome ?? MessageOutcome.Failed, dead.Reason);
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

    /// <summary>What the deliveries of one record came to so far.</summary>
    private sealed class Delivery(ConsumeResult<byte[]?, byte[]?> record)
    {
        public ConsumeResult<byte[]?, byte[]?> Record { get; } = record;

        /// <summary>Gets which delivery this is, from 1.</summary>
        public int Attempt { get; private set; } = 1;

        /// <summary>Gets or sets the handlers not done with the record yet; <see langword="null"/> until its message was read.</summary>
        public List<MessageHandler>? Pending { get; set; }

        /// <summary>Gets or sets the first handler's poison, dead-lettered once no handler is pending.</summary>
        public KafkaDeadLetter? Condemned { get; set; }

        /// <summary>Gets the outcome that asks for another delivery: <see cref="MessageOutcome.Failed"/> if any handler failed.</summary>
        public MessageOutcome Outcome { get; private set; } = MessageOutcome.Processed;

        /// <summary>Gets how long to wait before it: the longest any handler asked for.</summary>
        public TimeSpan Delay { get; private set; }

        public void Retry(MessageOutcome outcome, TimeSpan delay)
        {
            Outcome = Outcome == MessageOutcome.Failed ? Outcome : outcome;
            Delay = delay > Delay ? delay : Delay;
        }

        /// <summary>
        /// Starts the next delivery. Only one that reached a failing handler (or threw) counts towards MaxDeliveries:
        /// waiting for a lease held elsewhere (a crashed owner's, up to a lease long) or for the store must not use up
        /// a record's deliveries.
        /// </summary>
        public void Next()
        {
            if (Outcome == MessageOutcome.Failed)
            {
                Attempt++;
            }

            Outcome = MessageOutcome.Processed;
            Delay = TimeSpan.Zero;
        }
    }
}
