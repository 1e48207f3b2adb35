using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging;

/// <summary>Sends the broker's "still working" signal every interval while a handler runs; nothing when the transport has none.</summary>
internal sealed class ProgressHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProgressHeartbeat(Func<CancellationToken, ValueTask> signal, TimeSpan interval, ILogger logger) =>
        _loop = RunAsync(signal, interval, logger, _stop.Token);

    public static IAsyncDisposable Start(InboundMessage message, TimeSpan interval, ILogger logger) =>
        message.SignalProgress is { } signal && interval > TimeSpan.Zero ? new ProgressHeartbeat(signal, interval, logger) : Nothing.Instance;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(Func<CancellationToken, ValueTask> signal, TimeSpan interval, ILogger logger, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await signal(stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A missed signal only risks an early redelivery, which the lease still guards.
                    Log.ProgressSignalFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
