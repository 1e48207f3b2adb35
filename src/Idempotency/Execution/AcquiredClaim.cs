using System.Diagnostics;
using System.Text;

namespace Idempotency;

/// <summary>
/// One acquired claim, end to end: its store key and owner token, lease renewal, and exactly one ending (complete, mark
/// not stored, fail or release) that reports the request's outcome once.
/// </summary>
internal sealed partial class AcquiredClaim
{
    private readonly EngineContext _context;
    private readonly ExecutionPlan _plan;
    private readonly Activity? _activity;
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
    private int _ended;

    public AcquiredClaim(EngineContext context, ExecutionPlan plan, string storeKey, string ownerToken, DateTimeOffset claimedAt, Activity? activity)
    {
        _context = context;
        _plan = plan;
        StoreKey = storeKey;
        OwnerToken = ownerToken;
        _activity = activity;
        _leaseExpiresTicks = (claimedAt + plan.LeaseAt(claimedAt)).UtcTicks;
        StartRenewal();
    }

    public string StoreKey { get; }

    public string OwnerToken { get; }

    /// <summary>Gets whether an ending has begun; a claim ends once.</summary>
    public bool Ended => Volatile.Read(ref _ended) != 0;

    /// <summary>Serializes and stores a value; a value the serializer refuses is marked not stored (the work has run).</summary>
    public ValueTask<IdempotencyCompletion> CompleteValueAsync<T>(T value, CancellationToken cancellationToken)
    {
        BeginEnding();
        var buffer = new PayloadBuffer(PayloadKind.Value);
        try
        {
            _context.Serializer.Serialize(buffer, value);
        }
        catch (Exception ex)
        {
            buffer.Dispose();
            Log.SerializationFailed(_context.Logger, ex, _plan.Name, StoreKey);
            return WriteNotStoredAsync("the result could not be serialized.", cancellationToken);
        }

        if (buffer.BodyLength > _context.Options.MaxResultSize)
        {
            buffer.Dispose();
            return WriteNotStoredAsync(TooLarge(buffer.BodyLength), cancellationToken);
        }

        if (_context.Protector is { } protector)
        {
            // Protected at once (the encrypted copy is what the store keeps), so the pooled buffer goes back now.
            var protectedPayload = protector.Protect(buffer.Encode(_context.Options.CompressionThreshold).Span, StoreKey);
            buffer.Dispose();
            return WriteCompletionAsync(PayloadKind.Value, protectedPayload, pooled: null, cancellationToken);
        }

        return WriteCompletionAsync(PayloadKind.Value, buffer.Encode(_context.Options.CompressionThreshold), buffer, cancellationToken);
    }

    /// <summary>Stores a result that needs no serializer (void, raw bytes).</summary>
    public ValueTask<IdempotencyCompletion> CompleteAsync(PayloadKind kind, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        BeginEnding();
        if (body.Length > _context.Options.MaxResultSize)
        {
            return WriteNotStoredAsync(TooLarge(body.Length), cancellationToken);
        }

        return WriteCompletionAsync(kind, Encode(kind, body.Span), pooled: null, cancellationToken);
    }

    /// <summary>Ends the claim with the not-stored marker, which tells every retry the work ran and why its result is not kept.</summary>
    public ValueTask<IdempotencyCompletion> MarkNotStoredAsync(string reason, CancellationToken cancellationToken)
    {
        BeginEnding();
        return WriteNotStoredAsync(reason, cancellationToken);
    }

    private ValueTask<IdempotencyCompletion> WriteNotStoredAsync(string reason, CancellationToken cancellationToken)
    {
        Log.ResultNotStored(_context.Logger, _plan.Name, StoreKey, reason);
        return WriteCompletionAsync(PayloadKind.NotStored, Encode(PayloadKind.NotStored, Encoding.UTF8.GetBytes(reason)), pooled: null, cancellationToken);
    }

    /// <summary>
    /// The bytes the store keeps for a payload: encoded, then protected when a protector is configured. Computed once per
    /// write, never per retry, so a retried completion sends the very bytes of its first attempt.
    /// </summary>
    private byte[] Encode(PayloadKind kind, ReadOnlySpan<byte> body)
    {
        var encoded = Payload.Encode(kind, body, _context.Options.CompressionThreshold);
        return _context.Protector is { } protector ? protector.Protect(encoded, StoreKey) : encoded;
    }

    private string TooLarge(int length) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the result ({length} bytes) is larger than the {_context.Options.MaxResultSize}-byte MaxResultSize.");

    private void BeginEnding()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            throw new InvalidOperationException("The claim has already ended.");
        }
    }

    /// <summary>
    /// Ends the claim after the work threw: remembers the failure when the policy says so, otherwise releases the key.
    /// Never throws for a store failure, so it cannot hide the work's own exception.
    /// </summary>
    public async ValueTask FailAsync(Exception exception, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        try
        {
            if (ShouldRemember(exception))
            {
                await RememberAsync(exception, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ReleaseKeyAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            End(IdempotencyOutcomes.Failed);
        }
    }

    /// <summary>Releases the key so a retry runs again; a no-op once the claim has ended. Never throws for a store failure.</summary>
    public async ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        try
        {
            await ReleaseKeyAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            End(IdempotencyOutcomes.Released);
        }
    }

    private async ValueTask RememberAsync(Exception exception, CancellationToken cancellationToken)
    {
        var policy = _plan.Policy;
        var payload = Encode(PayloadKind.Error, StoredFailure.Serialize(exception));
        try
        {
            if (await _context.Store.FailAsync(StoreKey, OwnerToken, payload, policy.FailureRetryable, _context.Clock.GetUtcNow(), policy.FailureTtl, _plan.Name, cancellationToken).ConfigureAwait(false))
            {
                Log.FailureRecorded(_context.Logger, _plan.Name, StoreKey, exception.GetType().Name);
            }
            else
            {
                MarkLeaseLost();
            }
        }
        catch (IdempotencyStorePayloadTooLargeException)
        {
            // The store cannot hold this error (nothing was written): forget the failure, as a policy that does not
            // remember it would, so the key is free at once rather than in progress until the lease ends.
            await ReleaseKeyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever the store threw (unavailable, corrupt, cancelled), the caller must see the work's own exception.
            Log.ReleaseFailed(_context.Logger, ex, _plan.Name, StoreKey);
        }
    }

    private async ValueTask ReleaseKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _context.Store.ReleaseAsync(StoreKey, OwnerToken, _plan.Name, cancellationToken).ConfigureAwait(false);
            Log.Released(_context.Logger, _plan.Name, StoreKey);
        }
        catch (Exception ex)
        {
            Log.ReleaseFailed(_context.Logger, ex, _plan.Name, StoreKey);
        }
    }

    // A throwing predicate is a bug in the app's policy: log it and release, keeping the original exception.
    private bool ShouldRemember(Exception exception)
    {
        try
        {
            return _plan.Policy.RememberFailure?.Invoke(exception) == true;
        }
        catch (Exception ex)
        {
            Log.RememberFailurePredicateFailed(_context.Logger, ex, _plan.Name);
            return false;
        }
    }

    /// <summary>The claim's single report: stops renewing, then logs, counts and tags its outcome and duration.</summary>
    private void End(string outcome)
    {
        StopRenewal();
        if (LeaseLost && outcome is IdempotencyOutcomes.Failed or IdempotencyOutcomes.Released)
        {
            outcome = IdempotencyOutcomes.LeaseLost;
        }

        _context.Telemetry.Report(_plan, _activity, outcome);
        _context.Telemetry.Metrics.OperationDuration(_plan.Name, outcome, _startedTimestamp);
    }
}
