namespace Idempotency.Benchmarks;

/// <summary>Runs a fixed number of operations with a given number of concurrent callers, each calling one after another.</summary>
internal static class Concurrently
{
    public static Task RunAsync<TState>(int callers, int operations, TState state, Func<TState, int, Task> operation)
    {
        var perCaller = operations / callers;
        var tasks = new Task[callers];
        for (var caller = 0; caller < callers; caller++)
        {
            tasks[caller] = CallerAsync(caller * perCaller, perCaller, state, operation);
        }

        return Task.WhenAll(tasks);
    }

    private static async Task CallerAsync<TState>(int first, int count, TState state, Func<TState, int, Task> operation)
    {
        // Leave the starting thread at once, so callers really run side by side.
        await Task.Yield();
        for (var i = first; i < first + count; i++)
        {
            await operation(state, i);
        }
    }
}
