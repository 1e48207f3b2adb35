using Idempotency.Testing;
using Microsoft.Extensions.Logging;

namespace Idempotency.Tests.Execution;

// A store that is not set up fails every call the same way: fail closed each time, log once a minute without a stack trace.
public sealed class StoreMisconfiguredTests
{
    private const string Problem = "The table \"public\".\"idempotency_records\" does not exist. Create it.";

    [Fact]
    public async Task ExecuteAsync_StoreMisconfigured_FailsClosedEveryCallAndLogsOnceAMinute()
    {
        using var harness = new EngineHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, static () => new IdempotencyStoreMisconfiguredException(Problem));
        var runs = 0;

        for (var i = 0; i < 6; i++)
        {
            var error = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(() => harness.RunAsync(new IdempotencyRequest("orders", $"k{i}"), () => Interlocked.Increment(ref runs)).AsTask());
            Assert.Equal(Problem, error.Message);
            harness.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        var logged = Assert.Single(harness.Logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        Assert.Equal("StoreMisconfigured", logged.Id.Name);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Null(logged.Exception);
        Assert.Contains(Problem, logged.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
        Assert.Equal(6, harness.CountOutcome("store_unavailable"));
        Assert.Equal(0, harness.Calls.Count(IdempotencyStoreOperation.Release)); // nothing was written, and a release would only fail again

        // A minute after the first entry, the next failure is logged again.
        await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(() => harness.RunAsync(new IdempotencyRequest("orders", "later"), () => Interlocked.Increment(ref runs)).AsTask());
        Assert.Equal(2, harness.Logs.GetSnapshot().Count(r => r.Id.Name == "StoreMisconfigured"));
    }
}
