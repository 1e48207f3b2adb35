using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging;

/// <summary>
/// The transport-neutral consumer: resolves the key, claims it through the engine under the handler's name, runs the
/// handler at most once per event and handler, and turns every engine status into a <see cref="MessageOutcome"/>.
/// </summary>
internal sealed class IdempotentConsumer : IIdempotentConsumer
{
    private readonly IIdempotencyExecutor _executor;
    private readonly IdempotentConsumerOptions _options;
    private readonly MessageKeys _keys;
    private readonly MessagingTelemetry _telemetry;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="IdempotentConsumer"/> class.</summary>
    /// <param name="executor">The engine.</param>
    /// <param name="options">The consumer options.</param>
    /// <param name="telemetry">The messaging counter.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    internal IdempotentConsumer(IIdempotencyExecutor executor, IOptions<IdempotentConsumerOptions> options, MessagingTelemetry telemetry, ILoggerFactory loggerFactory)
    {
        _executor = executor;
        _options = options.Value;
        _keys = new MessageKeys(_options);
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger("Idempotency.Messaging");
    }

    /// <inheritdoc/>
    public ValueTask<ProcessingResult<T>> ProcessAsync<T>(InboundMessage message, string handler, Func<InboundMessage, CancellationToken, ValueTask<T>> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return RunAsync<T>(message, handler, handle, cancellationToken);
    }

    // The engine's bound on request names.
    private const int MaxEventTypeLength = 200;

    /// <inheritdoc/>
    public ValueTask<ProcessingResult> ProcessAsync(InboundMessage message, string handler, Func<InboundMessage, CancellationToken, ValueTask> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);

        // The handler is passed as it is (no wrapping closure and state machine per message): RunAsync knows its kind by T.
        var pending = RunAsync<NoResult>(message, handler, handle, cancellationToken);
        return pending.IsCompletedSuccessfully ? new(pending.Result) : WidenAsync(pending);

        static async ValueTask<ProcessingResult> WidenAsync(ValueTask<ProcessingResult<NoResult>> pending) => await pending.ConfigureAwait(false);
    }

    // handle: a Func<InboundMessage, CancellationToken, ValueTask<T>>, or, for NoResult, a Func<InboundMessage, CancellationToken, ValueTask>.
    private async ValueTask<ProcessingResult<T>> RunAsync<T>(InboundMessage message, string handler, Delegate handle, CancellationToken cancellationToken)
    {
        var hasResult = typeof(T) != typeof(NoResult);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(handler);
        if (message.EventType.Length is 0 or > MaxEventTypeLength)
        {
            // The event type names the record's operation in telemetry, which the engine bounds: a hostile header must
            // poison this message, not throw out of every delivery of it.
            var refused = Poison<T>(MessageOutcome.Failed, MessageKeySource.None, $"the event type is empty or longer than {MaxEventTypeLength} characters.");
            Log.Processed(_logger, message.EventType.Length > MaxEventTypeLength ? message.EventType[..MaxEventTypeLength] : message.EventType, handler, refused.Outcome, refused.KeySource, refused.Reason);
            return refused;
        }

        var (key, source) = _keys.Resolve(message);
        var request = new IdempotencyRequest(handler, key)
        {
            Name = message.EventType,
            Scope = message.Scope,
            Fingerprint = _options.FingerprintPayload ? (source == MessageKeySource.ContentHash ? key : _keys.Fingerprint(message)) : null,
            Policy = _options.EventTypePolicies.TryGetValue(message.EventType, out var policy) ? policy : null,
            KeyRequirement = KeyRequirement.Required,
        };

        var claim = await _executor.BeginAsync(request, cancellationToken).ConfigureAwait(false);
        await using (claim.ConfigureAwait(false))
        {
            var result = claim.Status switch
            {
                IdempotencyClaimStatus.Acquired or IdempotencyClaimStatus.FailedOpen => await RunHandlerAsync<T>(claim, message, handle, hasResult, source, cancellationToken).ConfigureAwait(false),
                IdempotencyClaimStatus.Replayed => Duplicate<T>(claim, message, source, hasResult),
                IdempotencyClaimStatus.ResultNotStored => new ProcessingResult<T>(MessageOutcome.Duplicate, source) { Reason = claim.Reason },
                IdempotencyClaimStatus.InProgress => new ProcessingResult<T>(MessageOutcome.InProgress, source) { RetryAfter = claim.RetryAfter },
                IdempotencyClaimStatus.StoreUnavailable => new ProcessingResult<T>(MessageOutcome.StoreUnavailable, source) { RetryAfter = claim.RetryAfter, Exception = claim.StoreFailure },
                IdempotencyClaimStatus.KeyReused => Poison<T>(MessageOutcome.Conflict, source, "the key was already used with a different payload."),
                IdempotencyClaimStatus.PreviouslyFailed => Poison<T>(MessageOutcome.Failed, source, $"an earlier delivery failed ({claim.ErrorType}: {claim.ErrorMessage}) and the policy remembers the failure."),
                IdempotencyClaimStatus.KeyMissing => Poison<T>(MessageOutcome.Failed, source, "no key source gave a key (every configured source was empty)."),
                _ => Poison<T>(MessageOutcome.Failed, source, claim.Reason ?? $"the message cannot be processed ({claim.Status})."),
            };
            _telemetry.Count(message.EventType, handler, result);
            Log.Processed(_logger, message.EventType, handler, result.Outcome, source, result.Reason);
            return result;
        }
    }

    private async ValueTask<ProcessingResult<T>> RunHandlerAsync<T>(IdempotencyClaim claim, InboundMessage message, Delegate handle, bool hasResult, MessageKeySource source, CancellationToken cancellationToken)
    {
        T value;
        try
        {
            await using (ProgressHeartbeat.Start(message, _options.ProgressInterval, _logger).ConfigureAwait(false))
            {
                if (hasResult)
                {
                    value = await ((Func<InboundMessage, CancellationToken, ValueTask<T>>)handle)(message, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await ((Func<InboundMessage, CancellationToken, ValueTask>)handle)(message, cancellationToken).ConfigureAwait(false);
                    value = default!;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The consumer is stopping: the handler did not finish, so a redelivery must run it.
            await claim.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            await claim.FailAsync(ex, CancellationToken.None).ConfigureAwait(false);
            var lastDelivery = _options.MaxDeliveries > 0 && message.DeliveryAttempt >= _options.MaxDeliveries;
            return new ProcessingResult<T>(MessageOutcome.Failed, source)
            {
                Exception = ex,
                DeadLetter = lastDelivery,
                Reason = lastDelivery ? $"the handler failed on delivery {message.DeliveryAttempt} of at most {_options.MaxDeliveries}." : null,
            };
        }

        var unprotected = claim.Status == IdempotencyClaimStatus.FailedOpen;
        var completion = unprotected ? IdempotencyCompletion.Unprotected
            : hasResult ? await claim.CompleteAsync(value, CancellationToken.None).ConfigureAwait(false)
            : await claim.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        if (completion == IdempotencyCompletion.NotCommitted && claim.StoreFailure is { } notCommitted)
        {
            // The handler ran in a database transaction that did not commit: its writes went with the record, so the
            // message was not processed at all and must come again (its redelivery runs the handler again).
            return new ProcessingResult<T>(MessageOutcome.StoreUnavailable, source) { RetryAfter = notCommitted.RetryAfter, Exception = notCommitted };
        }

        return new ProcessingResult<T>(MessageOutcome.Processed, source)
        {
            HasValue = hasResult,
            Value = value,
            Unprotected = unprotected,
            Recorded = completion == IdempotencyCompletion.Stored,
        };
    }

    private ProcessingResult<T> Duplicate<T>(IdempotencyClaim claim, InboundMessage message, MessageKeySource source, bool hasResult)
    {
        var value = hasResult ? claim.GetReplayedValue<T>() : default;
        if (_options.Duplicates == DuplicateHandling.Throw)
        {
            throw new DuplicateMessageException(claim.StoreKey!, message.EventType, value);
        }

        return new ProcessingResult<T>(MessageOutcome.Duplicate, source) { HasValue = hasResult, Value = value, Recorded = true };
    }

    private static ProcessingResult<T> Poison<T>(MessageOutcome outcome, MessageKeySource source, string reason) =>
        new(outcome, source) { DeadLetter = true, Reason = reason };

    /// <summary>The result of a handler that returns nothing: never serialized, the void completion is used.</summary>
    private readonly struct NoResult;
}
