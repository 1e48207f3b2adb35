namespace Idempotency.Benchmarks.Http;

/// <summary>Runs <c>operations</c> calls from <c>callers</c> concurrent callers, each calling one after another.</summary>
internal static class HttpCallers
{
    public static Task RunAsync(int callers, int operations, Func<Task> operation)
    {
        var tasks = new Task[callers];
        for (var caller = 0; caller < callers; caller++)
        {
            tasks[caller] = CallerAsync(operations / callers, operation);
        }

        return Task.WhenAll(tasks);
    }

    private static async Task CallerAsync(int count, Func<Task> operation)
    {
        for (var i = 0; i < count; i++)
        {
            await operation();
        }
    }
}
