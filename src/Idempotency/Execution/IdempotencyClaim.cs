using System.Buffers;
using System.Diagnostics;

namespace Idempotency;

/// <summary>
/// One claim on a key, for flows that cannot be wrapped in a delegate (the "context manager" style). While acquired,
/// the lease is renewed every third of its length; complete, fail or release the claim when the work ends.
/// Disposing a claim that is still acquired releases it (aborted work runs again on retry).
/// </summary>
public sealed partial class IdempotencyClaim : IAsyncDisposable
{
    private readonly IdempotencyEngine? _engine;
    private readonly ExecutionScope _scope;
    private readonly PayloadKind _replayKind;
    private readonly Activity? _activity;
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
    private int _finished;

    private IdempotencyClaim(IdempotencyEngine? engine, ExecutionScope scope, IdempotencyClaimStatus status, IdempotencyOutcome outcome, Activity? activity)
    {
        _engine = engine;
        _scope = scope;
        Status = status;
        Outcome = outcome;
        _activity = activity;
    }

    private IdempotencyClaim(IdempotencyEngine engine, ExecutionScope scope, PayloadKind kind, ReadOnlyMemory<byte> body, Activity? activity)
        : this(engine, scope, IdempotencyClaimStatus.Replay, IdempotencyOutcome.Replayed, activity)
    {
        _replayKind = kind;
        ReplayBody = body;
        _finished = 1;
    }

    /// <summary>Gets the state of the claim.</summary>
    public IdempotencyClaimStatus Status { get; }

    /// <summary>Gets how the request is being answered.</summary>
    public IdempotencyOutcome Outcome { get; }

    /// <summary>Gets the store key, or <see langword="null"/> when no key was given.</summary>
    public string? StoreKey => _scope.StoreKey;

    /// <summary>Gets the kind of the replayed payload (<see cref="Status"/> is <see cref="IdempotencyClaimStatus.Replay"/>).</summary>
    public PayloadKind? ReplayKind => Status == IdempotencyClaimStatus.Replay ? _replayKind : null;

    /// <summary>Gets the replayed body: the serialized value, or the bytes given to <see cref="CompleteRawAsync"/>.</summary>
    public ReadOnlyMemory<byte> ReplayBody { get; }

    /// <summary>Gets a value indicating whether another owner took the key over while this claim was held.</summary>
    public bool LeaseLost => Volatile.Read(ref _leaseLost) != 0;

    internal string OwnerToken => _scope.OwnerToken;

    internal static IdempotencyClaim Acquired(IdempotencyEngine engine, ExecutionScope scope, Activity? activity)
    {
        var claim = new IdempotencyClaim(engine, scope, IdempotencyClaimStatus.Acquired, IdempotencyOutcome.Executed, activity);
        claim.StartRenewal();
        return claim;
    }

    internal static IdempotencyClaim Replayed(IdempotencyEngine engine, ExecutionScope scope, PayloadKind kind, ReadOnlyMemory<byte> body, Activity? activity) =>
        new(engine, scope, kind, body, activity);

    internal static IdempotencyClaim Unprotected(ExecutionScope scope, IdempotencyOutcome outcome, Activity? activity) =>
        new(null, scope, IdempotencyClaimStatus.Unprotected, outcome, activity) { _finished = 1 };

    /// <summary>Reads the replayed value.</summary>
    /// <typeparam name="T">The result type the operation returned.</typeparam>
    /// <returns>The value (<see langword="default"/> for a void result).</returns>
    /// <exception cref="InvalidOperationException">The claim is not a replay, or the payload is not a value.</exception>
    /// <exception cref="IdempotencyRecordCorruptException">The stored value cannot be deserialized as <typeparamref name="T"/>.</exception>
    public T GetReplayValue<T>()
    {
        if (Status != IdempotencyClaimStatus.Replay || _replayKind is not (PayloadKind.Value or PayloadKind.Void))
        {
            throw new InvalidOperationException($"The claim holds no replayed value (status {Status}, kind {ReplayKind}).");
        }

        return _replayKind == PayloadKind.Void ? default! : _engine!.DeserializeReplay<T>(_scope.StoreKey!, ReplayBody.Span);
    }

    /// <summary>Stores <paramref name="value"/> as the result of the key.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="value">The result.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the result is stored.</returns>
    /// <exception cref="IdempotencyLeaseLostException">Another owner took the key over; nothing was stored.</exception>
    /// <exception cref="IdempotencyStoreUnavailableException">The store failed; the key stays in progress until its lease expires.</exception>
    public ValueTask CompleteAsync<T>(T value, CancellationToken cancellationToken)
    {
        if (Status != IdempotencyClaimStatus.Acquired)
        {
            return ValueTask.CompletedTask;
        }

        var buffer = new ArrayBufferWriter<byte>();
        _engine!.Serializer.Serialize(buffer, value);
        return CompleteCoreAsync(PayloadKind.Value, buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Stores the completion of an operation without a result.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the completion is stored.</returns>
    /// <exception cref="IdempotencyLeaseLostException">Another owner took the key over; nothing was stored.</exception>
    /// <exception cref="IdempotencyStoreUnavailableException">The store failed.</exception>
    public ValueTask CompleteAsync(CancellationToken cancellationToken) =>
        Status == IdempotencyClaimStatus.Acquired ? CompleteCoreAsync(PayloadKind.Void, ReadOnlyMemory<byte>.Empty, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Stores integration-defined bytes (for example a captured HTTP response) as the result.</summary>
    /// <param name="body">The bytes; replayed as <see cref="ReplayBody"/> with <see cref="PayloadKind.Raw"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the bytes are stored.</returns>
    /// <exception cref="IdempotencyLeaseLostException">Another owner took the key over; nothing was stored.</exception>
    /// <exception cref="IdempotencyStoreUnavailableException">The store failed; the key is then marked failed with <see cref="IdempotencyResultNotStoredException"/> when the store still takes that, so a retry is not run again.</exception>
    public ValueTask CompleteRawAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        Status == IdempotencyClaimStatus.Acquired ? CompleteCoreAsync(PayloadKind.Raw, body, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>
    /// Ends the claim after the work threw: remembers the failure when the policy says so, otherwise releases the key so a
    /// retry runs again. Never throws for a store failure, so it cannot hide <paramref name="exception"/>.
    /// </summary>
    /// <param name="exception">What the work threw.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the claim has ended.</returns>
    public ValueTask FailAsync(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        return TryFinish() ? _engine!.FailOrReleaseAsync(this, _scope, exception, cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Releases the key so a retry runs again. Never throws for a store failure.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the key is released.</returns>
    public ValueTask ReleaseAsync(CancellationToken cancellationToken) =>
        TryFinish() ? _engine!.ReleaseQuietlyAsync(_scope, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Releases the key if the claim is still acquired, and ends the claim's span.</summary>
    /// <returns>A task that completes when the claim has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        _activity?.Dispose();
    }

    internal void RecordDuration(string outcome) => _engine?.Metrics.OperationDuration(_scope.Operation, outcome, _startedTimestamp);

    internal void SetActivityOutcome(string outcome) => _activity?.SetTag(IdempotencyTelemetry.OutcomeTag, outcome);

    internal ValueTask CompleteAfterRunAsync(PayloadKind kind, ReadOnlyMemory<byte> body) =>
        TryFinish() ? _engine!.CompleteAfterRunAsync(this, _scope, kind, body) : ValueTask.CompletedTask;

    internal ValueTask ResultNotStoredAfterRunAsync(Exception failure) =>
        TryFinish() ? _engine!.ResultNotStoredAsync(this, _scope, failure) : ValueTask.CompletedTask;

    private async ValueTask CompleteCoreAsync(PayloadKind kind, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!TryFinish())
        {
            throw new InvalidOperationException("The claim has already ended.");
        }

        bool stored;
        try
        {
            stored = await _engine!.CompleteAsync(this, _scope, kind, body, cancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            // The work has run: mark the key "result not stored" (when the store takes it) so a retry is told, not re-run.
            await _engine!.ResultNotStoredAsync(this, _scope, ex).ConfigureAwait(false);
            throw;
        }

        if (!stored)
        {
            throw new IdempotencyLeaseLostException(_scope.StoreKey!);
        }
    }

    private bool TryFinish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return false;
        }

        StopRenewal();
        return true;
    }
}
