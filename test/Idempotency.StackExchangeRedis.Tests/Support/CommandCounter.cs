using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>
/// Records the commands one piece of code sends, with StackExchange.Redis profiling. The session is found through an
/// AsyncLocal, so the multiplexer's own background commands (heartbeats) and other tests' commands are not counted.
/// </summary>
public static class CommandCounter
{
    private static readonly AsyncLocal<ProfilingSession?> Current = new();
    private static readonly HashSet<IConnectionMultiplexer> Registered = [];

    public static async Task<string[]> RecordAsync(IConnectionMultiplexer multiplexer, Func<Task> action)
    {
        lock (Registered)
        {
            if (Registered.Add(multiplexer))
            {
                multiplexer.RegisterProfiler(static () => Current.Value);
            }
        }

        var session = new ProfilingSession();
        Current.Value = session;
        try
        {
            await action();
        }
        finally
        {
            Current.Value = null;
        }

        return session.FinishProfiling().Select(command => command.Command).ToArray();
    }
}
