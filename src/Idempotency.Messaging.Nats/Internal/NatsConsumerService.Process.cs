using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Messaging.Nats;

/// <summary>One delivery: every handler in turn, then one answer to JetStream for all of them.</summary>
internal sealed partial class NatsConsumerService
{
    private async Task ProcessAsync(NatsDelivery delivery, CancellationToken abort)
    {
        var results = new List<HandlerResult>(_options.Handlers.Count);
        foreach (var handler in _options.Handlers.For(delivery.Message.EventType))
        {
            try
            {
                results.Add(await RunHandlerAsync(delivery, handler.Name, handler.Handle, abort).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                // Stopping: the claim was released, so whoever gets the message next runs the handler.
                await _answers!.HandBackAsync(delivery).ConfigureAwait(false);
                return;
            }
        }

        await _answers!.SendAsync(delivery, DeliveryAnswer.Decide(results, delivery.Delivery, Schedule!)).ConfigureAwait(false);
    }

    private async Task<HandlerResult> RunHandlerAsync(NatsDelivery delivery, string name, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle, CancellationToken abort)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            try
            {
                var result = await _consumer.ProcessAsync(delivery.Message, name, (message, token) => handle(message, scope.ServiceProvider, token), abort).ConfigureAwait(false);
                return HandlerResult.From(name, result);
            }
            catch (DuplicateMessageException)
            {
                return HandlerResult.Duplicate(name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !abort.IsCancellationRequested)
            {
                Log.ProcessingFailed(_logger, ex, delivery.Stream, delivery.Sequence, delivery.Message.EventType, name);
                return HandlerResult.Threw(name, ex);
            }
        }
    }
}
