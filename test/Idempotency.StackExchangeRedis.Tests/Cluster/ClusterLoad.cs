using System.Collections.Concurrent;
using System.Diagnostics;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// Many concurrent callers run fresh keys through the engine, each key three times in a random order among its block of
/// <c>keysPerBlock</c> keys (so first executions, racing claims and replays go on all the time), while something
/// happens to the cluster (a failover, a killed primary). A caller whose call fails closed (store unavailable, key in
/// progress) retries that key after a pause, as a client would, until it gets an answer. Counts the handler runs of
/// every key, and runs of one key that overlap in time.
/// </summary>
public sealed class ClusterLoad(IIdempotencyExecutor executor, int keysPerBlock, int callers)
{
    private const int CallsPerKey = 3;

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, int> _runs = new();
    private readonly ConcurrentDictionary<string, bool> _running = new();
    private readonly ConcurrentQueue<Exception> _unexpected = new();
    private readonly ConcurrentQueue<string> _overlapping = new();
    private readonly Stopwatch _clock = new();
    private int _executed;
    private int _replayed;
    private int _notStored;
    private int _unavailable;
    private int _inProgress;
    private long _firstUnavailableTicks = long.MaxValue;
    private long _lastUnavailableTicks;

    public static string KeyOf(int i) => $"key-{i}";

    /// <summary>
    /// Runs blocks of keys and starts <paramref name="disruption"/> after <paramref name="disruptAfter"/>; the load goes on
    /// through the disruption and stops after the block that follows it, so keys also start after the cluster has settled.
    /// </summary>
    public async Task<ClusterLoadReport> RunAsync(TimeSpan disruptAfter, Func<Task> disruption, TimeSpan timeout)
    {
        var random = new Random(14);
        var block = keysPerBlock * CallsPerKey;
        var orders = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, block).Select(call => call % keysPerBlock).OrderBy(_ => random.Next()).ToArray()).ToArray();
        var next = -1;
        var lastCall = long.MaxValue;
        using var cancel = new CancellationTokenSource(timeout);
        _clock.Start();

        var disrupted = Task.Run(async () =>
        {
            await Task.Delay(disruptAfter, cancel.Token);
            var started = _clock.Elapsed;
            await disruption();

            // Ends with the block after the one under way now.
            var now = Volatile.Read(ref next);
            Volatile.Write(ref lastCall, ((now / block) + 2L) * block);
            return (started, _clock.Elapsed);
        });
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (long i = Interlocked.Increment(ref next); i < Volatile.Read(ref lastCall); i = Interlocked.Increment(ref next))
            {
                await CallUntilAnsweredAsync(KeyOf((int)((i / block * keysPerBlock) + orders[i / block % orders.Length][i % block])), cancel.Token);
            }
        }));

        await Task.WhenAll(workers);
        var (disruptionStarted, disruptionEnded) = await disrupted;
        var keys = (int)(Volatile.Read(ref lastCall) / block * keysPerBlock);
        return new ClusterLoadReport(
            keys,
            _executed + _replayed + _unexpected.Count,
            _executed,
            _replayed,
            _notStored,
            _unavailable,
            _inProgress,
            [.. _overlapping.Distinct()],
            [.. _runs.Where(static run => run.Value > 1).Select(static run => run.Key)],
            [.. Enumerable.Range(0, keys).Select(KeyOf).Where(key => !_runs.ContainsKey(key))],
            [.. _unexpected],
            _clock.Elapsed,
            disruptionStarted,
            disruptionEnded,
            _unavailable == 0 ? null : (TimeSpan.FromTicks(_firstUnavailableTicks), TimeSpan.FromTicks(_lastUnavailableTicks)));
    }

    private async Task CallUntilAnsweredAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var result = await executor.ExecuteAsync(new IdempotencyRequest("orders", key), ct => HandlerAsync(key), cancellationToken);
                if (result.IsReplayed)
                {
                    Interlocked.Increment(ref _replayed);
                }
                else
                {
                    Interlocked.Increment(ref _executed);
                }

                if (result.ResultNotStored)
                {
                    Interlocked.Increment(ref _notStored);
                }

                return;
            }
            catch (IdempotencyStoreUnavailableException)
            {
                var now = _clock.Elapsed.Ticks;
                Interlocked.Increment(ref _unavailable);
                InterlockedMin(ref _firstUnavailableTicks, now);
                InterlockedMax(ref _lastUnavailableTicks, now);
            }
            catch (IdempotencyRequestInProgressException)
            {
                Interlocked.Increment(ref _inProgress);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _unexpected.Enqueue(ex);
                return;
            }

            await Task.Delay(RetryPause, cancellationToken);
        }
    }

    private async ValueTask<int> HandlerAsync(string key)
    {
        if (!_running.TryAdd(key, true))
        {
            _overlapping.Enqueue(key);
        }

        var run = _runs.AddOrUpdate(key, 1, static (_, runs) => runs + 1);
        await Task.Yield();
        _running.TryRemove(key, out _);
        return run;
    }

    private static void InterlockedMin(ref long location, long value)
    {
        for (var current = Volatile.Read(ref location); value < current; current = Volatile.Read(ref location))
        {
            if (Interlocked.CompareExchange(ref location, value, current) == current)
            {
                return;
            }
        }
    }

    private static void InterlockedMax(ref long location, long value)
    {
        for (var current = Volatile.Read(ref location); value > current; current = Volatile.Read(ref location))
        {
            if (Interlocked.CompareExchange(ref location, value, current) == current)
            {
                return;
            }
        }
    }
}

/// <summary>What a <see cref="ClusterLoad"/> run saw.</summary>
public sealed record ClusterLoadReport(
    int Keys,
    int Calls,
    int Executed,
    int Replayed,
    int NotStored,
    int Unavailable,
    int InProgress,
    IReadOnlyList<string> KeysRunConcurrently,
    IReadOnlyList<string> KeysRunMoreThanOnce,
    IReadOnlyList<string> KeysNeverRun,
    IReadOnlyList<Exception> Unexpected,
    TimeSpan Duration,
    TimeSpan DisruptionStarted,
    TimeSpan DisruptionEnded,
    (TimeSpan First, TimeSpan Last)? FailedClosed)
{
    public override string ToString() =>
        $"{Keys} keys, {Calls} calls in {Duration.TotalSeconds:F1} s ({Calls / Duration.TotalSeconds:F0}/s): {Executed} executed ({NotStored} not stored), {Replayed} replayed; " +
        $"failed closed {Unavailable} times (store unavailable){(FailedClosed is { } window ? $" from {window.First.TotalSeconds:F2} s to {window.Last.TotalSeconds:F2} s" : string.Empty)}, " +
        $"{InProgress} times in progress; disruption from {DisruptionStarted.TotalSeconds:F2} s to {DisruptionEnded.TotalSeconds:F2} s; " +
        $"keys run more than once: {KeysRunMoreThanOnce.Count}, keys run twice at once: {KeysRunConcurrently.Count}, keys never run: {KeysNeverRun.Count}, unexpected exceptions: {Unexpected.Count}";
}
