using System.Collections.Concurrent;

namespace EventsWorker;

/// <summary>
/// What the handlers did, counted from their side: every run that finished its work, every run a crash interrupted.
/// The summary compares these with the events published, the way the tests count executions.
/// </summary>
internal sealed class SideEffects
{
    private readonly ConcurrentDictionary<(string Handler, string EventId), int> _runs = new();
    private int _crashed;
    private int _transientFailures;

    public int Crashed => _crashed;

    public int TransientFailures => _transientFailures;

    public int CompletedRuns => _runs.Values.Sum();

    public int Distinct => _runs.Count;

    public int RunsAbove(int count) => _runs.Values.Count(n => n > count);

    public void Ran(string handler, string eventId) => _runs.AddOrUpdate((handler, eventId), 1, static (_, n) => n + 1);

    public void CrashedDuring() => Interlocked.Increment(ref _crashed);

    public void FailedTransiently() => Interlocked.Increment(ref _transientFailures);
}
