namespace Idempotency.Testing;

/// <summary>The store one conformance test runs against, disposed when the test ends.</summary>
internal sealed class StoreUnderTest(IIdempotencyStore store, Func<IIdempotencyStore, ValueTask> dispose) : IAsyncDisposable
{
    public IIdempotencyStore Store { get; } = store;

    public ValueTask DisposeAsync() => dispose(Store);
}
