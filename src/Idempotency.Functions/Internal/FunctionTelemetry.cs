using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Idempotency.Functions;

/// <summary>
/// The <c>idempotency.invocations</c> counter: one per invocation of an idempotent handler or function, tagged with the
/// operation, the function policy, the outcome and what bounded the lease, on the engine's meter (whose
/// <c>idempotency.requests</c> counts the engine's view of the same calls), and the matching debug log. The lease tag is
/// what only this package knows: <c>remaining_time</c> when the invocation gave its remaining time, so its lease ends
/// with the invocation at the latest, <c>policy</c> when only the policy's lease bounds it.
/// </summary>
internal sealed class FunctionTelemetry
{
    public const string InvocationsInstrument = "idempotency.invocations";
    public const string LeaseTag = "idempotency.lease";

    private readonly Counter<long>? _invocations;
    private readonly ILogger _logger;

    public FunctionTelemetry(IMeterFactory? meterFactory, ILoggerFactory? loggerFactory)
    {
        _invocations = meterFactory?.Create(IdempotencyTelemetry.Name).CreateCounter<long>(InvocationsInstrument, "{invocation}", "Invocations of idempotent function handlers, by outcome and lease bound.");
        _logger = (ILogger?)loggerFactory?.CreateLogger("Idempotency.Functions") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The one report of an invocation: counted and logged here, nowhere else.</summary>
    public void Report(IdempotencyRequest request, string policy, string outcome)
    {
        var lease = request.LeaseDeadline is null ? "policy" : "remaining_time";
        Log.Invoked(_logger, request.Operation, policy, outcome, lease);
        if (_invocations is { Enabled: true } invocations)
        {
            invocations.Add(
                1,
                new(IdempotencyTelemetry.OperationTag, request.Operation),
                new(IdempotencyTelemetry.PolicyTag, policy),
                new(IdempotencyTelemetry.OutcomeTag, outcome),
                new(LeaseTag, lease));
        }
    }

    /// <summary>The outcome tag of a claim that stopped the work: the engine's names for the same outcomes.</summary>
    public static string Rejected(IdempotencyClaim claim) => claim.Status switch
    {
        IdempotencyClaimStatus.InProgress => "in_progress",
        IdempotencyClaimStatus.KeyReused => "key_reused",
        IdempotencyClaimStatus.PreviouslyFailed => "previously_failed",
        IdempotencyClaimStatus.ResultNotStored => "result_not_stored",
        IdempotencyClaimStatus.KeyMissing => "key_missing",
        IdempotencyClaimStatus.KeyInvalid => "key_invalid",
        IdempotencyClaimStatus.PayloadTooLarge => "payload_too_large",
        IdempotencyClaimStatus.StoreUnavailable => claim.StoreFailure is IdempotencyStoreFullException ? "store_full" : "store_unavailable",
        _ => "corrupt_record",
    };

    public static string Ran(IdempotencyOutcome outcome) => outcome switch
    {
        IdempotencyOutcome.Executed => "executed",
        IdempotencyOutcome.Replayed => "replayed",
        IdempotencyOutcome.ExecutedWithoutKey => "without_key",
        _ => "fail_open",
    };
}
