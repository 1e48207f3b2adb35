using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging;

/// <summary>
/// Sends the broker's "still working" signal every interval while a handler runs; nothing when the transport has none.
/// Costs one timer per handler run: most handlers end before the first tick, so the cancellation source and the task of
/// a signal are only made when one is sent, and stopping a heartbeat that never ticked waits for nothing (no hand-off
/// to the thread pool).
/// </summary>
internal sealed class ProgressHeartbeat : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask> _signal;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private CancellationTokenSource? _stop;
    private Task? _sending;
    private bool _stopped;

    private ProgressHeartbeat(Func<CancellationToken, ValueTask> signal, TimeSpan interval, ILogger logger)
    {
        _signal = signal;
        _logger = logger;
        _timer = TimeProvider.System.CreateTimer(static state => ((ProgressHeartbeat)state!).Tick(), this, interval, interval);
    }

    public static IAsyncDisposable Start(InboundMessage message, TimeSpan interval, ILogger logger) =>
        message.SignalProgress is { } signal && interval > TimeSpan.Zero ? new ProgressHeartbeat(signal, interval, logger) : Nothing.Instance;

    /// <summary>Stops the ticks; a signal being sent is cancelled and awaited, so none is sent after this returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        Task? sending;
        lock (_gate)
        {
            _stopped = true;
            sending = _sending;
        }

        if (sending is not null)
        {
            await _stop!.CancelAsync().ConfigureAwait(false);
            await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            // One signal at a time: a slow broker must not pile them up.
            if (_stopped || _sending is { IsCompleted: false })
            {
                return;
            }

            _stop ??= new CancellationTokenSource();
            _sending = SendAsync(_stop.Token);
        }
    }

    private async Task SendAsync(CancellationToken stop)
    {
        await Task.Yield(); // not under the gate, and not on the timer's callback
        try
        {
            await _signal(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A missed signal only risks an early redelivery, which the lease still guards.
            Log.ProgressSignalFailed(_logger, ex);
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
