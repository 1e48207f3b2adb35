using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Idempotency;

/// <summary>The one place an outcome is logged, counted and put on the span: every request reports exactly once.</summary>
internal sealed class EngineTelemetry(IdempotencyMetrics metrics, ILogger logger, string storeName)
{
    public IdempotencyMetrics Metrics { get; } = metrics;

    public Activity? Start(ExecutionPlan plan)
    {
        var activity = IdempotencyTelemetry.ActivitySource.StartActivity(IdempotencyTelemetry.ExecuteActivityName);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(IdempotencyTelemetry.OperationTag, plan.Name);
            activity.SetTag(IdempotencyTelemetry.PolicyTag, plan.PolicyName);
            activity.SetTag(IdempotencyTelemetry.StoreTag, storeName);
        }

        return activity;
    }

    /// <summary>Logs, counts and tags one outcome. <paramref name="detail"/> is the reason of a rejection (never the key).</summary>
    public void Report(ExecutionPlan plan, Activity? activity, string outcome, string? detail = null)
    {
        Metrics.Request(outcome, plan.Name, plan.PolicyName);
        if (activity is not null)
        {
            activity.SetTag(IdempotencyTelemetry.OutcomeTag, outcome);
            if (IsRejection(outcome))
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }

        var storeKey = plan.StoreKey ?? string.Empty;
        switch (outcome)
        {
            case IdempotencyOutcomes.Executed:
                Log.Executed(logger, plan.Name, storeKey);
                break;
            case IdempotencyOutcomes.Replayed:
                Log.Replayed(logger, plan.Name, storeKey, fromLocalCache: detail is not null);
                break;
            case IdempotencyOutcomes.InProgress:
                Log.InProgress(logger, plan.Name, storeKey);
                break;
            case IdempotencyOutcomes.KeyReused:
                Log.KeyReused(logger, plan.Name, storeKey);
                break;
            case IdempotencyOutcomes.KeyMissing:
                Log.KeyMissing(logger, plan.Name, "rejected");
                break;
            case IdempotencyOutcomes.WithoutKey:
                Log.KeyMissing(logger, plan.Name, "running without idempotency");
                break;
            case IdempotencyOutcomes.KeyInvalid:
                Log.KeyInvalid(logger, plan.Name, detail ?? string.Empty);
                break;
            case IdempotencyOutcomes.PayloadTooLarge:
                Log.PayloadTooLarge(logger, plan.Name);
                break;
            case IdempotencyOutcomes.StoreFull:
                Log.StoreFull(logger, plan.Name, detail ?? string.Empty);
                break;
            case IdempotencyOutcomes.FailOpen:
                Log.FailOpen(logger, plan.Name);
                break;
            case IdempotencyOutcomes.LeaseLost:
                Log.LeaseLost(logger, plan.Name, storeKey);
                break;
            case IdempotencyOutcomes.PreviouslyFailed:
                Log.PreviouslyFailed(logger, plan.Name, storeKey);
                break;
            case IdempotencyOutcomes.ResultNotStored:
                Log.ResultNotStoredReplayed(logger, plan.Name, storeKey);
                break;
            case IdempotencyOutcomes.Corrupt:
                Log.CorruptRecord(logger, storeKey, detail ?? string.Empty);
                break;
            default:
                // store_unavailable is logged with its exception by StoreCalls; executed_not_stored, failed and released
                // by the claim, where the exception or reason is known.
                break;
        }
    }

    private static bool IsRejection(string outcome) => outcome is not (IdempotencyOutcomes.Executed or IdempotencyOutcomes.Replayed
        or IdempotencyOutcomes.WithoutKey or IdempotencyOutcomes.FailOpen or IdempotencyOutcomes.Released);
}
