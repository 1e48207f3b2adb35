using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Idempotency.Messaging.Nats;

/// <summary>The pull loop: at most <see cref="NatsConsumerOptions.ConcurrentDeliveries"/> deliveries in process at once.</summary>
internal sealed partial class NatsConsumerService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(_jetStreamConsumer!, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The connection or the consumer went away: the client reconnects by itself, the consumer is read again.
                Log.ConsumeFailed(_logger, ex, _options.Consumer, NatsConsumerDefaults.ConsumeRetryDelay);
                await ReopenAsync(stoppingToken).ConfigureAwait(false);
            }
        }

        // Every slot free means no delivery is in process any more.
        for (var i = 0; i < _options.ConcurrentDeliveries; i++)
        {
            await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _slots.Release(_options.ConcurrentDeliveries);
    }

    private async Task ConsumeAsync(INatsJSConsumer consumer, CancellationToken stoppingToken)
    {
        // A small buffer: a fetched message's ack wait runs while it waits for a slot.
        var consumeOptions = new NatsJSConsumeOpts
        {
            MaxMsgs = _options.ConcurrentDeliveries * NatsConsumerDefaults.PrefetchPerSlot,
            DrainOnCancel = true,
        };
        await foreach (var raw in consumer.ConsumeAsync(NatsRawSerializer<ReadOnlyMemory<byte>>.Default, consumeOptions, stoppingToken).ConfigureAwait(false))
        {
            var delivery = NatsDelivery.From(raw, _options);
            if (!await TakeSlotAsync(stoppingToken).ConfigureAwait(false))
            {
                // Stopping: the buffered messages drained after cancellation go back at once rather than after their ack wait.
                await _answers!.HandBackAsync(delivery).ConfigureAwait(false);
                continue;
            }

            _ = Task.Run(() => ProcessInSlotAsync(delivery), CancellationToken.None);
        }
    }

    private async ValueTask<bool> TakeSlotAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ProcessInSlotAsync(NatsDelivery delivery)
    {
        try
        {
            await ProcessAsync(delivery, _abort.Token).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task ReopenAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(NatsConsumerDefaults.ConsumeRetryDelay, stoppingToken).ConfigureAwait(false);
            _jetStreamConsumer = await OpenConsumerAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ConsumeFailed(_logger, ex, _options.Consumer, NatsConsumerDefaults.ConsumeRetryDelay);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
