using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>
/// Consumes one queue for the life of the host: its own channel with the configured prefetch and dispatch concurrency,
/// manual acknowledgements, and a graceful stop (stop consuming, let running deliveries finish until the host's stop
/// token fires, then cancel them; closing the channel hands every unanswered delivery back to the broker).
/// </summary>
internal sealed class RabbitMqConsumerService(string queue, IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _inFlight = new(); // by our own sequence: delivery tags restart after a connection recovery
    private readonly ILogger _logger = services.GetService<ILoggerFactory>()?.CreateLogger("Idempotency.Messaging.RabbitMQ") ?? NullLogger.Instance;
    private IChannel? _channel;
    private DeliveryDispatcher? _dispatcher;
    private string? _consumerTag;
    private volatile bool _draining;
    private long _deliveries;
    private int _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the options and the consumer validates both (the record TTLs against this queue's retry horizon
        // included) before anything is consumed.
        var options = services.GetRequiredService<IOptionsMonitor<RabbitMqConsumerOptions>>().Get(queue);
        var consumer = services.GetRequiredService<IIdempotentConsumer>();
        var connection = options.ConnectionServiceKey is { } key
            ? services.GetRequiredKeyedService<IConnection>(key)
            : services.GetRequiredService<IConnection>();
        _dispatcher = new DeliveryDispatcher(options, consumer, services.GetRequiredService<IServiceScopeFactory>(), services.GetService<TimeProvider>() ?? TimeProvider.System, _logger);

        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: options.ConcurrentDeliveries), cancellationToken).ConfigureAwait(false);
        _channel = channel;
        channel.ChannelShutdownAsync += OnChannelShutdownAsync;
        await channel.BasicQosAsync(0, options.PrefetchCount, global: false, cancellationToken).ConfigureAwait(false);
        var basicConsumer = new AsyncEventingBasicConsumer(channel);
        basicConsumer.ReceivedAsync += OnReceivedAsync;
        _consumerTag = await channel.BasicConsumeAsync(queue, autoAck: false, basicConsumer, cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, queue, options.PrefetchCount, options.ConcurrentDeliveries);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_channel is not { } channel || _draining)
        {
            return;
        }

        _draining = true;
        try
        {
            await channel.BasicCancelAsync(_consumerTag!, noWait: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The channel is already gone; nothing more arrives either way.
        }

        try
        {
            while (!_inFlight.IsEmpty)
            {
                await Task.WhenAll(_inFlight.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The host wants to be done: cancel the handlers (each claim is released, so a redelivery runs it again).
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await CloseAsync(channel).ConfigureAwait(false);
        Log.Stopped(_logger, queue);
    }

    // Idempotent: the container disposes the instance once as itself and once as the IHostedService.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _draining = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_channel is { } channel)
        {
            await CloseAsync(channel).ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        if (_draining)
        {
            return; // not answered: the broker requeues it when the channel closes
        }

        var id = Interlocked.Increment(ref _deliveries);
        var dispatch = _dispatcher!.DispatchAsync(_channel!, delivery, _stopping.Token);
        _inFlight[id] = dispatch;
        try
        {
            await dispatch.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DeliveryUnanswered(_logger, ex, queue);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
        }
    }

    private Task OnChannelShutdownAsync(object sender, ShutdownEventArgs reason)
    {
        if (!_draining && reason.Initiator == ShutdownInitiator.Peer && sender is IChannel { IsClosed: true })
        {
            Log.ChannelClosed(_logger, queue, reason.ReplyCode, reason.ReplyText);
        }

        return Task.CompletedTask;
    }

    private async Task CloseAsync(IChannel channel)
    {
        try
        {
            if (channel.IsOpen)
            {
                await channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Already closed by the broker or with the connection: the deliveries are requeued either way.
        }
    }
}
