using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>
/// Processes one delivery: every handler of its event type through the idempotent consumer, in one service scope, then
/// one answer to the broker. The answer is sent only after <see cref="IIdempotentConsumer.ProcessAsync"/> returned, so a
/// message is acknowledged only once each handler's record is durable.
/// </summary>
internal sealed class DeliveryDispatcher(RabbitMqConsumerOptions options, IIdempotentConsumer consumer, IServiceScopeFactory scopes, TimeProvider timeProvider, ILogger logger)
{
    // Answers share the channel; one at a time keeps the client's frame writes simple whatever the dispatch concurrency.
    private readonly SemaphoreSlim _answering = new(1, 1);
    private readonly DeliveryCounts _counts = new();

    /// <summary>Processes the delivery and answers it; returns without an answer when the consumer stops mid-way (closing the channel requeues it).</summary>
    public async Task DispatchAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stopping)
    {
        var (attempt, counted) = _counts.Of(delivery, DeliveryMapping.EarlierDeliveries(delivery), out var firstUncounted);
        if (firstUncounted)
        {
            Log.DeliveriesCountedLocally(logger, options.Queue);
        }

        var message = DeliveryMapping.ToMessage(delivery, options, attempt);
        BrokerAnswer answer;
        try
        {
            answer = await ProcessAsync(message, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // Every expected failure is an outcome (a handler's exception included); what still throws is the message
            // itself (an event type the engine refuses) and would throw again on every redelivery.
            Log.DeliveryFailed(logger, ex, options.Queue);
            answer = BrokerAnswer.DeadLetter(null, null, $"processing the message threw {ex.GetType().Name}: {ex.Message}");
        }

        if (answer.Kind == BrokerAnswerKind.DeadLetter && !await TellDeadLetterAsync(message, answer, stopping).ConfigureAwait(false))
        {
            answer = BrokerAnswer.Requeue(options.RequeueDelay);
        }

        _counts.Answered(delivery, counted, attempt, requeued: answer.Kind == BrokerAnswerKind.Requeue);
        await AnswerAsync(channel, delivery.DeliveryTag, message, answer, stopping).ConfigureAwait(false);
    }

    private async Task<BrokerAnswer> ProcessAsync(InboundMessage message, CancellationToken stopping)
    {
        var handlers = options.Handlers.For(message.EventType);
        if (handlers.Count == 0)
        {
            // Misrouted or a type nobody handles yet: kept on the dead-letter exchange, not silently acknowledged.
            return BrokerAnswer.DeadLetter(null, null, $"no handler on this queue takes event type '{message.EventType}'.");
        }

        var results = new List<(string Handler, ProcessingResult? Result)>(handlers.Count);
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            foreach (var handler in handlers)
            {
                try
                {
                    var result = await consumer.ProcessAsync(message, handler.Name, (m, ct) => handler.Handle(m, scope.ServiceProvider, ct), stopping).ConfigureAwait(false);
                    results.Add((handler.Name, result));
                }
                catch (DuplicateMessageException)
                {
                    // DuplicateHandling.Throw: nobody here to catch it; a duplicate is acknowledged like a skipped one.
                    results.Add((handler.Name, null));
                }
            }
        }

        return BrokerAnswer.Decide(results, message.DeliveryAttempt, options);
    }

    private async Task<bool> TellDeadLetterAsync(InboundMessage message, BrokerAnswer answer, CancellationToken stopping)
    {
        Log.DeadLettered(logger, message.EventType, options.Queue, answer.Handler, answer.Reason!);
        if (options.OnDeadLetter is not { } callback)
        {
            return true;
        }

        try
        {
            await callback(new RabbitMqDeadLetter(options.Queue, message, answer.Handler, answer.Result, answer.Reason!), stopping).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            // Rejecting now could lose the message the callback meant to keep: requeue, and try again on the next delivery.
            Log.DeadLetterCallbackFailed(logger, ex, message.EventType, options.Queue);
            return false;
        }
    }

    private async Task AnswerAsync(IChannel channel, ulong deliveryTag, InboundMessage message, BrokerAnswer answer, CancellationToken stopping)
    {
        if (answer.Kind == BrokerAnswerKind.Requeue && answer.Delay > TimeSpan.Zero)
        {
            // RabbitMQ has no delayed requeue: hold the delivery (and its prefetch slot), bounded by MaxRequeueDelay.
            try
            {
                await Task.Delay(answer.Delay, timeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: requeue at once.
            }
        }

        await _answering.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            switch (answer.Kind)
            {
                case BrokerAnswerKind.Ack:
                    await channel.BasicAckAsync(deliveryTag, multiple: false, CancellationToken.None).ConfigureAwait(false);
                    break;
                case BrokerAnswerKind.DeadLetter:
                    await channel.BasicRejectAsync(deliveryTag, requeue: false, CancellationToken.None).ConfigureAwait(false);
                    break;
                default:
                    await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
                    Log.Requeued(logger, message.EventType, options.Queue, answer.Delay);
                    break;
            }
        }
        catch (Exception ex)
        {
            // The channel or connection is gone: the broker requeues every unacknowledged delivery by itself.
            Log.AnswerFailed(logger, ex, options.Queue, answer.Kind);
        }
        finally
        {
            _answering.Release();
        }
    }
}
