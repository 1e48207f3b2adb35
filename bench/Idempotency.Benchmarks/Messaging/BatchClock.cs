using System.Collections.Concurrent;
using System.Diagnostics;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// The handler every contender runs, and the clock of one batch: it counts handler runs, and times them from the start
/// of the first to the end of the one that reaches <see cref="Target"/> (so starting the consumer, joining a group or
/// fetching the first messages is not measured, on either side). It also takes the bytes the whole process allocated
/// meanwhile. For the correctness check it remembers how often each event ran.
/// </summary>
internal sealed class BatchClock(int target, bool countEvents = false)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int>? _runsByEvent = countEvents ? new(StringComparer.Ordinal) : null;
    private int _started;
    private int _runs;
    private long _startTimestamp;
    private long _startBytes;

    public int Target { get; } = target;

    public int Runs => Volatile.Read(ref _runs);

    public TimeSpan Elapsed { get; private set; }

    public long AllocatedBytes { get; private set; }

    /// <summary>Gets how often each event's handler ran (only with <c>countEvents</c>).</summary>
    public IReadOnlyDictionary<string, int> RunsByEvent => _runsByEvent ?? throw new InvalidOperationException("Events are not counted.");

    /// <summary>The handler's work: count one run (and, in the check, which event it was).</summary>
    public void Run(ReadOnlySpan<byte> body)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _startBytes = GC.GetTotalAllocatedBytes(precise: true);
            _startTimestamp = Stopwatch.GetTimestamp();
        }

        _runsByEvent?.AddOrUpdate(BenchEvents.EventIdOf(body), 1, static (_, runs) => runs + 1);
        if (Interlocked.Increment(ref _runs) == Target)
        {
            Elapsed = Stopwatch.GetElapsedTime(_startTimestamp);
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - _startBytes;
            _reached.TrySetResult();
        }
    }

    /// <summary>Waits until the target is reached, or fails saying how far the batch got.</summary>
    public async Task WaitAsync(string what)
    {
        try
        {
            await _reached.Task.WaitAsync(MessagingBench.Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: {Runs} of {Target} handler runs within {MessagingBench.Timeout.TotalSeconds} s.");
        }
    }
}
