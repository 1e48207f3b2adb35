using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Testing;

/// <summary>
/// The store conformance suite: every <see cref="IIdempotencyStore"/> passes it against its real backend. Derive a
/// test class from it, say how to create the store, and xUnit runs every test below against that store.
/// </summary>
/// <remarks>
/// <para>
/// Each test creates its own store through <see cref="CreateStoreAsync"/> and uses keys no other test uses, so stores
/// created for different tests may share one server. Every <c>now</c> the suite passes comes from <see cref="Clock"/>,
/// which starts at 2026-01-01T00:00:00Z and only moves in whole milliseconds; a store must decide expiry from those
/// arguments, never from its own clock. Times are compared at millisecond precision.
/// </para>
/// <para>
/// Durations are long in real time (a lease of 30 seconds, a time-to-live of an hour), so a store that also sets a
/// native expiry for clean-up never loses a record while a test runs.
/// </para>
/// </remarks>
public abstract partial class IdempotencyStoreConformanceTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(1);
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    /// <summary>Initializes a new instance of the <see cref="IdempotencyStoreConformanceTests"/> class.</summary>
    protected IdempotencyStoreConformanceTests() => Clock = new FakeTimeProvider(Start);

    /// <summary>Gets the test's clock: every <c>now</c> the suite passes comes from it, and tests advance it to expire leases and records.</summary>
    protected FakeTimeProvider Clock { get; }

    /// <summary>
    /// Gets the size of the large payload the suite round-trips. A store whose records have a size limit below 1 MiB
    /// (DynamoDB: 400 KB an item) returns the largest payload it holds under the longest store key, and tests above it
    /// itself (<see cref="IdempotencyStorePayloadTooLargeException"/>, nothing written).
    /// </summary>
    /// <value>The default value is 1 MiB (1,048,576 bytes).</value>
    protected virtual int LargePayloadSize => 1024 * 1024;

    /// <summary>
    /// Gets how many claims race each other in the concurrency tests (256 unless the store's test server serves them one
    /// at a time, where hundreds queue past the client's timeout on a loaded machine).
    /// </summary>
    protected virtual int Contenders => 256;

    /// <summary>Creates a fresh store for one test. It may share a server with the stores of other tests: each test uses its own keys.</summary>
    /// <returns>The store under test.</returns>
    protected abstract ValueTask<IIdempotencyStore> CreateStoreAsync();

    /// <summary>Moves time forward by <paramref name="by"/>. Override when the store needs more than advancing <see cref="Clock"/> to see time pass.</summary>
    /// <param name="by">How far to move.</param>
    /// <returns>A task that completes when time has moved.</returns>
    protected virtual ValueTask AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes a store created by <see cref="CreateStoreAsync"/> at the end of its test. Override when the store is shared and must outlive the test.</summary>
    /// <param name="store">The store to dispose.</param>
    /// <returns>A task that completes when the store is disposed.</returns>
    protected virtual async ValueTask DisposeStoreAsync(IIdempotencyStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private async ValueTask<StoreUnderTest> OpenAsync() => new(await CreateStoreAsync(), DisposeStoreAsync);

    private ValueTask<IdempotencyClaimResult> ClaimAsync(IIdempotencyStore store, string key, string token, string fingerprint = "fingerprint", TimeSpan? lease = null, TimeSpan? ttl = null) =>
        store.ClaimAsync(new IdempotencyClaimRequest(key, token, fingerprint, Clock.GetUtcNow(), lease ?? DefaultLease, ttl ?? DefaultTtl), CancellationToken.None);

    private ValueTask<bool> CompleteAsync(IIdempotencyStore store, string key, string token, ReadOnlyMemory<byte> payload, TimeSpan? ttl = null) =>
        store.CompleteAsync(key, token, payload, Clock.GetUtcNow(), ttl ?? DefaultTtl, CancellationToken.None);

    private ValueTask<bool> FailAsync(IIdempotencyStore store, string key, string token, ReadOnlyMemory<byte> payload, bool retryable, TimeSpan? ttl = null) =>
        store.FailAsync(key, token, payload, retryable, Clock.GetUtcNow(), ttl ?? DefaultTtl, CancellationToken.None);

    private ValueTask<bool> RenewAsync(IIdempotencyStore store, string key, string token, TimeSpan? lease = null) =>
        store.RenewAsync(key, token, Clock.GetUtcNow(), lease ?? DefaultLease, CancellationToken.None);

    private ValueTask<IdempotencyRecord?> GetAsync(IIdempotencyStore store, string key) =>
        store.GetAsync(key, Clock.GetUtcNow(), CancellationToken.None);

    private static string NewKey([CallerMemberName] string operation = "") => ConformanceKeys.Create(operation);

    private static string NewToken() => Guid.NewGuid().ToString("N");

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
