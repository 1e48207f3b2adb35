using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Tests;

/// <summary>Bounded waits for conditions reached on other threads; they fail the test instead of hanging it.</summary>
internal static class Waits
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Advances fake time in steps until <paramref name="task"/> completes, giving other threads time to react between steps.</summary>
    public static async Task AdvanceUntilCompletedAsync(this FakeTimeProvider clock, Task task, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!task.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out advancing fake time until the task completed.");
            }

            clock.Advance(step);
            await Task.WhenAny(task, Task.Delay(5));
        }
    }

    public static async Task<T> WithinLimit<T>(this Task<T> task)
    {
        var finished = await Task.WhenAny(task, Task.Delay(Limit));
        Assert.True(finished == task, "The task did not complete in time.");
        return await task;
    }
}
