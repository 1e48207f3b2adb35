namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Counts how many times a handler really ran.</summary>
public sealed class HandlerRuns
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ValueTask<int> Handler(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Increment(ref _count));
}
