using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Idempotency;

/// <summary>The engine's instruments, created once from <see cref="IMeterFactory"/>.</summary>
internal sealed class IdempotencyMetrics
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _storeDuration;
    private readonly Histogram<double> _operationDuration;

    // Advised boundaries in seconds (OpenTelemetry's own defaults are for milliseconds and would put every call in the
    // first bucket): ASP.NET Core's for http.server.request.duration, reaching from store calls to long operations.
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60],
    };

    public IdempotencyMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(IdempotencyTelemetry.Name) ?? new Meter(IdempotencyTelemetry.Name);
        _requests = meter.CreateCounter<long>(IdempotencyTelemetry.RequestsInstrument, "{request}", "Idempotent requests by outcome.");
        _storeDuration = meter.CreateHistogram(IdempotencyTelemetry.StoreDurationInstrument, "s", "Duration of store calls.", tags: null, DurationAdvice);
        _operationDuration = meter.CreateHistogram(IdempotencyTelemetry.OperationDurationInstrument, "s", "Duration of executed operations, claim to completion.", tags: null, DurationAdvice);
    }

    public void Request(string outcome, string operation, string policy)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new(IdempotencyTelemetry.OutcomeTag, outcome), new(IdempotencyTelemetry.OperationTag, operation), new(IdempotencyTelemetry.PolicyTag, policy));
        }
    }

    public void StoreCall(string storeOperation, string store, long startedTimestamp, bool failed)
    {
        if (_storeDuration.Enabled)
        {
            var tags = new TagList
            {
                { IdempotencyTelemetry.StoreOperationTag, storeOperation },
                { IdempotencyTelemetry.StoreTag, store },
            };
            if (failed)
            {
                tags.Add(IdempotencyTelemetry.ErrorTag, "store_unavailable");
            }

            _storeDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
        }
    }

    public void OperationDuration(string operation, string outcome, long startedTimestamp)
    {
        if (_operationDuration.Enabled)
        {
            _operationDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new(IdempotencyTelemetry.OperationTag, operation), new(IdempotencyTelemetry.OutcomeTag, outcome));
        }
    }
}
