using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Functions.Tests;

/// <summary>Functions over an in-memory store, with a fake clock (unless given another) and a store that records its calls.</summary>
internal sealed class FunctionHarness
{
    public FunctionHarness(Action<IdempotentFunctionOptions> configure, TimeProvider? clock = null, Action<IdempotencyOptions>? engine = null)
    {
        Clock = clock ?? new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Inner = new InMemoryIdempotencyStore(timeProvider: Clock);
        Store = new RecordingStore(Inner);
        var options = new IdempotencyOptions { ServiceName = "quests" };
        engine?.Invoke(options);
        Functions = IdempotentFunctions.Create(configure, options, Store, Clock);
    }

    public TimeProvider Clock { get; }

    public FakeTimeProvider FakeClock => (FakeTimeProvider)Clock;

    public InMemoryIdempotencyStore Inner { get; }

    public RecordingStore Store { get; }

    public IIdempotentFunctions Functions { get; }

    /// <summary>The record of the last key claimed, as the store holds it now.</summary>
    public ValueTask<IdempotencyRecord?> LastRecordAsync() => Inner.GetAsync(Store.LastStoreKey, Clock.GetUtcNow(), CancellationToken.None);
}

/// <summary>A handler that counts its runs.</summary>
internal sealed class Counter
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    public int Increment() => Interlocked.Increment(ref _runs);
}
