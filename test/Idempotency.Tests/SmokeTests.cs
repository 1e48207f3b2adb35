namespace Idempotency.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task ExecuteAsync_SameKeyTwice_RunsOnceAndReplays()
    {
        var executor = IdempotencyExecutor.Create();
        var runs = 0;
        var first = await executor.ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult(++runs), CancellationToken.None);
        var second = await executor.ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult(++runs), CancellationToken.None);
        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
        Assert.Equal(1, second.Value);
    }
}
