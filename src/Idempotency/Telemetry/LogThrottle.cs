namespace Idempotency;

/// <summary>
/// Lets a problem that recurs on every call reach the log once per interval: the first occurrence at once, then at
/// most one each interval, so a misconfiguration is visible without one entry per request.
/// </summary>
internal sealed class LogThrottle(TimeProvider clock, TimeSpan interval)
{
    private readonly long _intervalTicks = (long)(interval.TotalSeconds * clock.TimestampFrequency);
    private long _nextAllowed = long.MinValue;

    public bool ShouldLog()
    {
        var now = clock.GetTimestamp();
        var next = Interlocked.Read(ref _nextAllowed);

        // Of concurrent callers only the one that moves the mark logs.
        return now >= next && Interlocked.CompareExchange(ref _nextAllowed, now + _intervalTicks, next) == next;
    }
}
