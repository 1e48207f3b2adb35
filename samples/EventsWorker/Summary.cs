using Idempotency.Messaging;

namespace EventsWorker;

/// <summary>Outcomes counted per process, as a dashboard would from the <c>idempotency.messages</c> counter.</summary>
internal sealed class Summary
{
    private readonly int[] _outcomes = new int[Enum.GetValues<MessageOutcome>().Length];

    public int this[MessageOutcome outcome] => Volatile.Read(ref _outcomes[(int)outcome]);

    public void Add(ProcessingResult result) => Interlocked.Increment(ref _outcomes[(int)result.Outcome]);
}
