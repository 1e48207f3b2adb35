namespace FunctionsDemo;

/// <summary>
/// The simulated function platform: each invocation gets a timeout, and the handler gets the time it has left, as a
/// runtime's context reports it. A handler still running at its timeout is stopped: its task is abandoned, nothing of
/// it runs any more, and nothing releases its claim — exactly what a killed container leaves behind.
/// </summary>
internal sealed class Platform(TimeProvider clock)
{
    public TimeProvider Clock { get; } = clock;

    /// <summary>The remaining-time callback of one invocation that times out after <paramref name="timeout"/>.</summary>
    public Func<TimeSpan> StartInvocation(TimeSpan timeout)
    {
        var deadline = Clock.GetUtcNow() + timeout;
        return () => deadline - Clock.GetUtcNow();
    }

    /// <summary>Runs an invocation until it returns or its timeout stops it.</summary>
    public async Task<(bool Completed, T? Result)> InvokeAsync<T>(TimeSpan timeout, Func<Func<TimeSpan>, Task<T>> invocation)
    {
        var remaining = StartInvocation(timeout);
        var run = invocation(remaining);
        var finished = await Task.WhenAny(run, Task.Delay(timeout, Clock)) == run;
        return finished ? (true, await run) : (false, default);
    }
}
