using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Idempotency;

namespace EventsWorker;

/// <summary>Counts the consumers' <c>idempotency.messages</c> by outcome, as a dashboard would.</summary>
internal sealed class OutcomeCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public OutcomeCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IdempotencyTelemetry.Name && instrument.Name == "idempotency.messages")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == IdempotencyTelemetry.OutcomeTag && tag.Value is string outcome)
                {
                    _counts.AddOrUpdate(outcome, (int)value, (_, n) => n + (int)value);
                }
            }
        });
        _listener.Start();
    }

    public int this[string outcome] => _counts.GetValueOrDefault(outcome);

    public void Dispose() => _listener.Dispose();
}
