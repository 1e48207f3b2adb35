using System.Diagnostics;

namespace Idempotency;

/// <summary>
/// The answer to <see cref="IIdempotencyExecutor.BeginAsync"/>: its <see cref="Status"/> names the outcome, and the
/// properties beside it carry the details. When <see cref="IdempotencyClaimStatus.Acquired"/>, the caller owns the key
/// (its lease is renewed every third of its length): run the work, then complete, fail or release the claim.
/// Disposing a claim that is still acquired releases it (aborted work runs again on retry). Always dispose a claim.
/// </summary>
public sealed class IdempotencyClaim : IAsyncDisposable
{
    private readonly ExecutionPlan _plan;
    private readonly AcquiredClaim? _acquired;
    private readonly EngineContext? _context;
    private readonly PayloadKind _replayedKind;
    private readonly ReadOnlyMemory<byte> _replayedBody;

    // The details of the outcomes that stop the work, in an object of their own: acquired claims and replays, the
    // claims of every request, stay small (they are allocated per request).
    private readonly RejectionDetails? _details;
    private Activity? _activity;

    private IdempotencyClaim(IdempotencyClaimStatus status, ExecutionPlan plan, Activity? activity)
    {
        Status = status;
        _plan = plan;
        _activity = activity;
    }

    private IdempotencyClaim(IdempotencyClaimStatus status, ExecutionPlan plan, RejectionDetails? details)
    {
        Status = status;
        _plan = plan;
        _details = details;
    }

    private IdempotencyClaim(AcquiredClaim acquired, ExecutionPlan plan, Activity? activity)
        : this(IdempotencyClaimStatus.Acquired, plan, activity) => _acquired = acquired;

    private IdempotencyClaim(EngineContext context, ExecutionPlan plan, PayloadKind kind, ReadOnlyMemory<byte> body, Activity? activity)
        : this(IdempotencyClaimStatus.Replayed, plan, activity)
    {
        _context = context;
        _replayedKind = kind;
        _replayedBody = body;
    }

    /// <summary>Gets the outcome.</summary>
    public IdempotencyClaimStatus Status { get; }

    /// <summary>Gets the store key, or <see langword="null"/> when no usable key was given.</summary>
    public string? StoreKey => _plan.StoreKey;

    /// <summary>Gets the delay to suggest to the caller (<see cref="IdempotencyClaimStatus.InProgress"/> and <see cref="IdempotencyClaimStatus.StoreUnavailable"/>, from the policy).</summary>
    public TimeSpan RetryAfter => _details?.RetryAfter ?? default;

    /// <summary>Gets when the running owner's lease ends (<see cref="IdempotencyClaimStatus.InProgress"/>).</summary>
    public DateTimeOffset? LeaseExpiresAt => _details?.LeaseExpiresAt;

    /// <summary>Gets when the stored record expires and the key may run again (<see cref="IdempotencyClaimStatus.PreviouslyFailed"/>, <see cref="IdempotencyClaimStatus.ResultNotStored"/>).</summary>
    public DateTimeOffset? ExpiresAt => _details?.ExpiresAt;

    /// <summary>Gets the full type name of the remembered exception (<see cref="IdempotencyClaimStatus.PreviouslyFailed"/>).</summary>
    public string? ErrorType => _details?.ErrorType;

    /// <summary>Gets the message of the remembered exception (<see cref="IdempotencyClaimStatus.PreviouslyFailed"/>).</summary>
    public string? ErrorMessage => _details?.ErrorMessage;

    /// <summary>Gets why the key is invalid, the record unreadable, or the result not stored; never contains the key.</summary>
    public string? Reason => _details?.Reason;

    /// <summary>
    /// Gets the store's failure (<see cref="IdempotencyClaimStatus.StoreUnavailable"/>; an <see cref="IdempotencyStoreFullException"/>
    /// when a bounded store is full), or, once a completion answered <see cref="IdempotencyCompletion.NotCommitted"/>, why
    /// the transaction the claim joined did not commit.
    /// </summary>
    public IdempotencyStoreUnavailableException? StoreFailure => _details?.StoreFailure ?? _acquired?.NotCommitted;

    /// <summary>Gets a value indicating whether another owner took the key over while this claim held it.</summary>
    public bool LeaseLost => _acquired?.LeaseLost == true;

    internal ExecutionPlan Plan => _plan;

    /// <summary>Reads the replayed value.</summary>
    /// <typeparam name="T">The result type the operation returned.</typeparam>
    /// <returns>The value (<see langword="default"/> for a void result).</returns>
    /// <exception cref="InvalidOperationException">The claim is not a replay.</exception>
    /// <exception cref="IdempotencyRecordCorruptException">
    /// The stored value cannot be deserialized as <typeparamref name="T"/>, or the record holds raw bytes (what
    /// <see cref="CompleteRawAsync"/> stores, such as a captured HTTP response) rather than a value: another
    /// integration wrote it under the same key, or it is damaged. Either way it cannot be read here.
    /// </exception>
    public T GetReplayedValue<T>()
    {
        if (Status != IdempotencyClaimStatus.Replayed)
        {
            throw new InvalidOperationException($"The claim holds no replayed value (status {Status}).");
        }

        if (_replayedKind is not (PayloadKind.Value or PayloadKind.Void))
        {
            throw new IdempotencyRecordCorruptException(_plan.StoreKey!, "the record holds raw bytes (such as a captured HTTP response, stored by another integration under the same key), not a value.");
        }

        return _replayedKind == PayloadKind.Void ? default! : _context!.Deserialize<T>(_plan.StoreKey!, _replayedBody.Span);
    }

    /// <summary>Reads a replayed raw result, the bytes an integration stored with <see cref="CompleteRawAsync"/>.</summary>
    /// <param name="raw">The bytes, when this returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the claim is a replay of a raw result; <see langword="false"/> otherwise (a typed value was stored under the key).</returns>
    public bool TryGetReplayedRaw(out ReadOnlyMemory<byte> raw)
    {
        raw = Status == IdempotencyClaimStatus.Replayed && _replayedKind == PayloadKind.Raw ? _replayedBody : default;
        return Status == IdempotencyClaimStatus.Replayed && _replayedKind == PayloadKind.Raw;
    }

    /// <summary>Stores <paramref name="value"/> as the result of the key.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="value">The result.</param>
    /// <param name="cancellationToken">Cancels the call (and the retries of a failing store).</param>
    /// <returns>
    /// What became of the result. A value the serializer refuses is <see cref="IdempotencyCompletion.NotStored"/> (the
    /// work ran; retries are told). A store failure is retried until the write lands or the lease ends.
    /// </returns>
    /// <exception cref="InvalidOperationException">The claim was not acquired, or has already ended.</exception>
    public ValueTask<IdempotencyCompletion> CompleteAsync<T>(T value, CancellationToken cancellationToken) =>
        Owned() is { } acquired ? acquired.CompleteValueAsync(value, cancellationToken) : Unprotected();

    /// <summary>Stores the completion of an operation without a result.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What became of the completion.</returns>
    /// <exception cref="InvalidOperationException">The claim was not acquired, or has already ended.</exception>
    public ValueTask<IdempotencyCompletion> CompleteAsync(CancellationToken cancellationToken) =>
        Owned() is { } acquired ? acquired.CompleteAsync(PayloadKind.Void, ReadOnlyMemory<byte>.Empty, cancellationToken) : Unprotected();

    /// <summary>
    /// Stores a raw result: bytes an integration defines (for example a captured HTTP response), replayed through
    /// <see cref="TryGetReplayedRaw"/>. The engine stores them as they are (compressed above the threshold).
    /// </summary>
    /// <param name="raw">The bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What became of the result.</returns>
    /// <exception cref="InvalidOperationException">The claim was not acquired, or has already ended.</exception>
    public ValueTask<IdempotencyCompletion> CompleteRawAsync(ReadOnlyMemory<byte> raw, CancellationToken cancellationToken) =>
        Owned() is { } acquired ? acquired.CompleteAsync(PayloadKind.Raw, raw, cancellationToken) : Unprotected();

    /// <summary>
    /// Ends the claim with a marker instead of a result, when the work ran but its result cannot be kept (for example a
    /// response above the size cap): every retry gets <see cref="IdempotencyClaimStatus.ResultNotStored"/> with
    /// <paramref name="reason"/> for the key's TTL, and the work does not run again.
    /// </summary>
    /// <param name="reason">Why, in words a caller may be shown; never include the key or personal data.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see cref="IdempotencyCompletion.NotStored"/> once the marker is written, or <see cref="IdempotencyCompletion.LeaseLost"/>.</returns>
    /// <exception cref="InvalidOperationException">The claim was not acquired, or has already ended.</exception>
    public ValueTask<IdempotencyCompletion> MarkNotStoredAsync(string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Owned() is { } acquired ? acquired.MarkNotStoredAsync(reason, cancellationToken) : Unprotected();
    }

    /// <summary>
    /// Ends the claim after the work threw: remembers the failure when the policy says so, otherwise releases the key so
    /// a retry runs again. Never throws for a store failure, so it cannot hide <paramref name="exception"/>.
    /// </summary>
    /// <param name="exception">What the work threw.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the claim has ended.</returns>
    public ValueTask FailAsync(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        return _acquired?.FailAsync(exception, cancellationToken) ?? ValueTask.CompletedTask;
    }

    /// <summary>Releases the key so a retry runs again; a no-op unless the claim is acquired and not ended. Never throws for a store failure.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the key is released.</returns>
    public ValueTask ReleaseAsync(CancellationToken cancellationToken) =>
        _acquired?.ReleaseAsync(cancellationToken) ?? ValueTask.CompletedTask;

    /// <summary>
    /// Creates the typed exception for a status that does not let the work run (what the <c>ExecuteAsync</c>
    /// overloads throw), or <see langword="null"/> for <see cref="IdempotencyClaimStatus.Acquired"/>,
    /// <see cref="IdempotencyClaimStatus.Replayed"/>, <see cref="IdempotencyClaimStatus.WithoutKey"/> and <see cref="IdempotencyClaimStatus.FailedOpen"/>.
    /// </summary>
    /// <returns>The exception, not thrown.</returns>
    public IdempotencyException? CreateException() => Status switch
    {
        IdempotencyClaimStatus.InProgress => new IdempotencyRequestInProgressException(_plan.StoreKey!, RetryAfter, LeaseExpiresAt!.Value),
        IdempotencyClaimStatus.KeyReused => new IdempotencyKeyReusedException(_plan.StoreKey!, _plan.Name),
        IdempotencyClaimStatus.PreviouslyFailed => new IdempotencyPreviouslyFailedException(_plan.StoreKey!, ErrorType!, ErrorMessage!, ExpiresAt!.Value),
        IdempotencyClaimStatus.ResultNotStored => new IdempotencyResultNotStoredException(_plan.StoreKey!, Reason!, ExpiresAt!.Value),
        IdempotencyClaimStatus.KeyMissing => new IdempotencyKeyMissingException(_plan.Operation),
        IdempotencyClaimStatus.KeyInvalid => new IdempotencyKeyInvalidException(Reason!),
        IdempotencyClaimStatus.PayloadTooLarge => new IdempotencyPayloadTooLargeException(_plan.Operation),
        IdempotencyClaimStatus.StoreUnavailable => StoreFailure,
        IdempotencyClaimStatus.RecordCorrupt => new IdempotencyRecordCorruptException(_plan.StoreKey!, Reason!),
        _ => null,
    };

    /// <summary>Releases the key if the claim is still acquired and not ended, and ends the claim's span.</summary>
    /// <returns>A task that completes when the claim has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_acquired is { Ended: false })
        {
            await _acquired.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Interlocked.Exchange(ref _activity, null)?.Dispose();
    }

    internal static IdempotencyClaim Acquired(AcquiredClaim acquired, ExecutionPlan plan, Activity? activity) => new(acquired, plan, activity);

    internal static IdempotencyClaim Replayed(EngineContext context, ExecutionPlan plan, PayloadKind kind, ReadOnlyMemory<byte> body, Activity? activity) =>
        new(context, plan, kind, body, activity);

    internal static IdempotencyClaim Unprotected(IdempotencyClaimStatus status, ExecutionPlan plan, Activity? activity) => new(status, plan, activity);

    internal static IdempotencyClaim InProgress(ExecutionPlan plan, TimeSpan retryAfter, DateTimeOffset leaseExpiresAt) =>
        new(IdempotencyClaimStatus.InProgress, plan, new RejectionDetails { RetryAfter = retryAfter, LeaseExpiresAt = leaseExpiresAt });

    internal static IdempotencyClaim PreviouslyFailed(ExecutionPlan plan, StoredFailure failure, DateTimeOffset expiresAt) =>
        new(IdempotencyClaimStatus.PreviouslyFailed, plan, new RejectionDetails { ErrorType = failure.Type, ErrorMessage = failure.Message, ExpiresAt = expiresAt });

    internal static IdempotencyClaim ResultNotStored(ExecutionPlan plan, string reason, DateTimeOffset expiresAt) =>
        new(IdempotencyClaimStatus.ResultNotStored, plan, new RejectionDetails { Reason = reason, ExpiresAt = expiresAt });

    internal static IdempotencyClaim Unavailable(ExecutionPlan plan, IdempotencyStoreUnavailableException failure) =>
        new(IdempotencyClaimStatus.StoreUnavailable, plan, new RejectionDetails { StoreFailure = failure, RetryAfter = plan.Policy.StoreUnavailableRetryAfter });

    internal static IdempotencyClaim Rejected(IdempotencyClaimStatus status, ExecutionPlan plan, string? reason = null) =>
        new(status, plan, reason is null ? null : new RejectionDetails { Reason = reason });

    private AcquiredClaim? Owned() => Status switch
    {
        IdempotencyClaimStatus.Acquired => _acquired,
        IdempotencyClaimStatus.WithoutKey or IdempotencyClaimStatus.FailedOpen => null,
        _ => throw new InvalidOperationException($"Only an acquired claim can be completed (status {Status})."),
    };

    private static ValueTask<IdempotencyCompletion> Unprotected() => ValueTask.FromResult(IdempotencyCompletion.Unprotected);
}
