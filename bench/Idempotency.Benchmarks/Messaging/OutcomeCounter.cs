using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>Counts the library's <c>idempotency.messages</c> measurements by outcome while it lives (the correctness check only).</summary>
internal sealed class OutcomeCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byOutcome = new(StringComparer.Ordinal);

    public OutcomeCounter()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
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
                    _byOutcome.AddOrUpdate(outcome, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Gets how many deliveries ended with the outcome (<c>processed</c>, <c>duplicate</c>, …).</summary>
    public long this[string outcome] => _byOutcome.GetValueOrDefault(outcome);

    public long Total => _byOutcome.Values.Sum();

    public override string ToString() => string.Join(", ", _byOutcome.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));

    public void Dispose() => _listener.Dispose();
}
