using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace Idempotency.Functions;

/// <summary>
/// The implementation of <see cref="IIdempotentFunctions"/>: turns an event into an engine request (key and fingerprint
/// by the policy's expressions, lease deadline from the remaining time) and runs the work through a claim, reporting each
/// invocation once.
/// </summary>
internal sealed class FunctionRunner : IIdempotentFunctions
{
    // A remaining time beyond this is not a deadline worth keeping (and would overflow a date); the policy's lease rules.
    private static readonly TimeSpan MaxRemainingTime = TimeSpan.FromDays(365);

    private readonly IIdempotencyExecutor _executor;
    private readonly FrozenDictionary<string, CompiledPolicy> _policies;
    private readonly EventJson _json;
    private readonly TimeProvider _clock;
    private readonly FunctionTelemetry _telemetry;

    public FunctionRunner(IIdempotencyExecutor executor, IdempotentFunctionOptions options, TimeProvider clock, FunctionTelemetry telemetry)
    {
        _executor = executor;
        _policies = options.Policies.ToFrozenDictionary(p => p.Key, p => new CompiledPolicy(p.Key, p.Value), StringComparer.Ordinal);
        _json = new EventJson(options.EventSerializerOptions);
        _clock = clock;
        _telemetry = telemetry;
    }

    public IdempotentHandler<TEvent, TResult> CreateHandler<TEvent, TResult>(string policyName, Func<TEvent, CancellationToken, Task<TResult>> handler, string? operation = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var policy = Policy(policyName);
        if (operation is not null && !IdempotentFunctionOptionsValidator.IsOperation(operation))
        {
            throw new ArgumentException($"Operation names are 1-{FunctionDefaults.MaxOperationLength} characters of letters, digits, '.', '_', '-' or '/'.", nameof(operation));
        }

        return new IdempotentHandler<TEvent, TResult>(this, policy, operation ?? policy.Operation, handler);
    }

    public ValueTask<IdempotencyResult<TResult>> RunAsync<TData, TResult>(string policyName, TData data, Func<CancellationToken, Task<TResult>> work, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var policy = Policy(policyName);
        return RunAsync(CreateRequest(policy, policy.Operation, data, stringIsJson: false, remainingTime), policy, work, cancellationToken);
    }

    public async ValueTask<IdempotencyClaim> BeginAsync<TData>(string policyName, TData data, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken)
    {
        var policy = Policy(policyName);
        var request = CreateRequest(policy, policy.Operation, data, stringIsJson: false, remainingTime);
        var claim = await _executor.BeginAsync(request, cancellationToken).ConfigureAwait(false);
        _telemetry.Report(request, policy.Name, claim.Status switch
        {
            IdempotencyClaimStatus.Acquired => "acquired",
            IdempotencyClaimStatus.Replayed => FunctionTelemetry.Ran(IdempotencyOutcome.Replayed),
            IdempotencyClaimStatus.WithoutKey => FunctionTelemetry.Ran(IdempotencyOutcome.ExecutedWithoutKey),
            IdempotencyClaimStatus.FailedOpen => FunctionTelemetry.Ran(IdempotencyOutcome.ExecutedUnprotected),
            _ => FunctionTelemetry.Rejected(claim),
        });
        return claim;
    }

    public IdempotencyRequest CreateRequest<TData>(string policyName, TData data, Func<TimeSpan>? remainingTime)
    {
        var policy = Policy(policyName);
        return CreateRequest(policy, policy.Operation, data, stringIsJson: false, remainingTime);
    }

    internal IdempotencyRequest CreateRequest<TData>(CompiledPolicy policy, string operation, TData data, bool stringIsJson, Func<TimeSpan>? remainingTime)
    {
        // Read the clock first: the deadline is "now plus what the runtime says is left", measured as close together as can be.
        var deadline = remainingTime is null ? (DateTimeOffset?)null : _clock.GetUtcNow() + Bound(remainingTime());
        string? key = null, fingerprint = null, problem = null;
        try
        {
            (key, fingerprint) = _json.Select(policy.Selector, data, stringIsJson);
        }
        catch (IdempotencyKeyInvalidException ex)
        {
            // Handed to the engine, which answers KeyInvalid and reports it like any invalid key.
            problem = ex.Reason;
        }

        return new IdempotencyRequest(operation, key)
        {
            Fingerprint = fingerprint,
            Policy = policy.EnginePolicy,
            LeaseDeadline = deadline,
            KeyProblem = problem,
        };
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<IdempotencyResult<TResult>> RunAsync<TResult>(IdempotencyRequest request, CompiledPolicy policy, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        var claim = await _executor.BeginAsync(request, cancellationToken).ConfigureAwait(false);
        await using (claim.ConfigureAwait(false))
        {
            IdempotencyOutcome outcome;
            switch (claim.Status)
            {
                case IdempotencyClaimStatus.Replayed:
                    var replayed = new IdempotencyResult<TResult>(claim.GetReplayedValue<TResult>(), IdempotencyOutcome.Replayed);
                    _telemetry.Report(request, policy.Name, FunctionTelemetry.Ran(IdempotencyOutcome.Replayed));
                    return replayed;
                case IdempotencyClaimStatus.Acquired:
                    outcome = IdempotencyOutcome.Executed;
                    break;
                case IdempotencyClaimStatus.WithoutKey:
                    outcome = IdempotencyOutcome.ExecutedWithoutKey;
                    break;
                case IdempotencyClaimStatus.FailedOpen:
                    outcome = IdempotencyOutcome.ExecutedUnprotected;
                    break;
                default:
                    _telemetry.Report(request, policy.Name, FunctionTelemetry.Rejected(claim));
                    throw claim.CreateException()!;
            }

            TResult value;
            try
            {
                value = await work(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Released (or remembered, as the policy says), so a retry of a failed or timed-out run runs again.
                await claim.FailAsync(ex, CancellationToken.None).ConfigureAwait(false);
                _telemetry.Report(request, policy.Name, "failed");
                throw;
            }

            // The work has run: its completion is not the caller's to cancel, and it never throws for a store failure.
            var completion = await claim.CompleteAsync(value, CancellationToken.None).ConfigureAwait(false);
            if (completion == IdempotencyCompletion.NotCommitted)
            {
                // The run's database transaction did not commit: nothing of it was kept, so the caller must retry.
                _telemetry.Report(request, policy.Name, "not_committed");
                throw claim.StoreFailure!;
            }

            _telemetry.Report(request, policy.Name, FunctionTelemetry.Ran(outcome));
            return new IdempotencyResult<TResult>(value, outcome)
            {
                LeaseLost = completion == IdempotencyCompletion.LeaseLost,
                ResultNotStored = completion == IdempotencyCompletion.NotStored,
            };
        }
    }

    // No time left means a lease that ends before the work starts: a duplicate delivered a moment later would run in
    // parallel. A live invocation always has time left, so this is a callback in the wrong units or a dead invocation:
    // refuse it before anything runs, loudly.
    private static TimeSpan Bound(TimeSpan remaining) =>
        remaining <= TimeSpan.Zero
            ? throw new ArgumentOutOfRangeException(
                "remainingTime",
                remaining,
                "The remaining-time callback says the invocation has no time left, so its claim would expire at once and let a duplicate run in parallel; nothing was run. Pass the runtime's remaining time (e.g. () => context.RemainingTime), or null outside a function.")
            : remaining > MaxRemainingTime ? MaxRemainingTime : remaining;

    private CompiledPolicy Policy(string policyName)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        return _policies.TryGetValue(policyName, out var policy)
            ? policy
            : throw new ArgumentException($"No function policy is named '{policyName}'. Add it with AddIdempotentFunctions(o => o.AddPolicy(\"{policyName}\", ...)).", nameof(policyName));
    }
}
