using System.Collections.Concurrent;
using Idempotency.Testing;

namespace Idempotency.Functions.Tests;

/// <summary>Counts store calls and keeps the claims and renewals it saw, so tests can read the leases the engine asked for.</summary>
internal sealed class RecordingStore(IIdempotencyStore inner) : DelegatingIdempotencyStore(inner)
{
    private int _calls;

    public ConcurrentQueue<IdempotencyClaimRequest> Claims { get; } = new();

    public ConcurrentQueue<(DateTimeOffset Now, TimeSpan Lease)> Renewals { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public string LastStoreKey => Claims.Last().Key;

    public override ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        Claims.Enqueue(request);
        return base.ClaimAsync(request, cancellationToken);
    }

    public override ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        Renewals.Enqueue((now, lease));
        return base.RenewAsync(key, ownerToken, now, lease, cancellationToken);
    }

    protected override ValueTask<T> InvokeAsync<T>(IdempotencyStoreOperation operation, Func<ValueTask<T>> call, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return base.InvokeAsync(operation, call, cancellationToken);
    }
}
