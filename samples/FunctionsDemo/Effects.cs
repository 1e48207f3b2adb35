using System.Collections.Concurrent;

namespace FunctionsDemo;

/// <summary>
/// What the handlers did, counted from their side: every run that finished its work, per event. A run the platform
/// stopped at its timeout never finishes, so it is not an effect; the summary compares effects with distinct events.
/// </summary>
internal sealed class Effects
{
    private readonly ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);
    private int _invocations;

    public int Invocations => Volatile.Read(ref _invocations);

    public int Runs => _runs.Values.Sum();

    public int Distinct => _runs.Count;

    public int RunsAbove(int count) => _runs.Values.Count(n => n > count);

    public void Invoked() => Interlocked.Increment(ref _invocations);

    public void Ran(string eventId) => _runs.AddOrUpdate(eventId, 1, static (_, n) => n + 1);
}
