using System.Collections.Concurrent;
using Grpc.Core;

namespace Idempotency.Grpc.Tests;

/// <summary>What the test service saw: how many times the handler ran, with which keys; and what it should do next.</summary>
public sealed class OrderProbe
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>The idempotency-key of every handler run, in order.</summary>
    public ConcurrentQueue<string?> Keys { get; } = new();

    /// <summary>Completed when a handler run starts.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, each run waits for it before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>How many of the first runs fail with UNAVAILABLE (a transient failure a client retries).</summary>
    public int FailFirstRuns { get; set; }

    /// <summary>When set, each run fails with this status (an answer about the request).</summary>
    public StatusCode? FailWith { get; set; }

    public int Run(ServerCallContext context)
    {
        var run = Interlocked.Increment(ref _runs);
        Keys.Enqueue(context.RequestHeaders.GetValue(GrpcIdempotencyMetadata.Key));
        Started.TrySetResult();
        return run;
    }
}
