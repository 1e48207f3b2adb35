using System.Diagnostics;

namespace Idempotency;

/// <summary>Names of the engine's telemetry: one Meter and one ActivitySource, both named <c>Idempotency</c>.</summary>
public static class IdempotencyTelemetry
{
    /// <summary>The name of the Meter and of the ActivitySource.</summary>
    public const string Name = "Idempotency";

    /// <summary>The name of the span covering one execution.</summary>
    public const string ExecuteActivityName = "Idempotency.Execute";

    /// <summary>The counter of requests by outcome.</summary>
    public const string RequestsInstrument = "idempotency.requests";

    /// <summary>The histogram of store call durations, in seconds.</summary>
    public const string StoreDurationInstrument = "idempotency.store.duration";

    /// <summary>The histogram of operation durations (claim to completion), in seconds.</summary>
    public const string OperationDurationInstrument = "idempotency.operation.duration";

    /// <summary>Tag: the outcome (<c>executed</c>, <c>replayed</c>, <c>in_progress</c>, …).</summary>
    public const string OutcomeTag = "idempotency.outcome";

    /// <summary>Tag: the operation name.</summary>
    public const string OperationTag = "idempotency.operation";

    /// <summary>Tag: the policy name.</summary>
    public const string PolicyTag = "idempotency.policy";

    /// <summary>Tag: the store type.</summary>
    public const string StoreTag = "idempotency.store";

    /// <summary>Tag: the store call (<c>claim</c>, <c>complete</c>, …).</summary>
    public const string StoreOperationTag = "idempotency.store.operation";

    /// <summary>Tag: whether the store call failed.</summary>
    public const string ErrorTag = "error.type";

    internal static readonly ActivitySource ActivitySource = new(Name);
}
