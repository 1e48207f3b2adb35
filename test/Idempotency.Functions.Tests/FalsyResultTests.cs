namespace Idempotency.Functions.Tests;

/// <summary>Null and falsy results are results: the replay returns them exactly and the handler does not run again.</summary>
public sealed class FalsyResultTests
{
    [Fact]
    public Task Null_IsReplayedAsNull() => AssertReplayedExactly<string?>(null);

    [Fact]
    public Task Zero_IsReplayedAsZero() => AssertReplayedExactly(0);

    [Fact]
    public Task False_IsReplayedAsFalse() => AssertReplayedExactly(false);

    [Fact]
    public Task EmptyString_IsReplayedAsEmpty() => AssertReplayedExactly(string.Empty);

    [Fact]
    public Task DecimalZero_IsReplayedAsZero() => AssertReplayedExactly(0m);

    [Fact]
    public async Task EmptyList_IsReplayedAsAnEmptyListNotNull()
    {
        var (first, replay, runs) = await RunTwiceAsync<List<int>>([]);

        Assert.Equal(1, runs);
        Assert.True(replay.IsReplayed);
        Assert.NotNull(replay.Value);
        Assert.Empty(replay.Value);
        Assert.Empty(first.Value);
    }

    [Fact]
    public async Task NullableRecordAndNullInsideResult_AreReplayedExactly()
    {
        var (_, nullRecord, runs) = await RunTwiceAsync<Outcome?>(null);
        var (_, withNulls, _) = await RunTwiceAsync<Outcome?>(new Outcome(null, 0, false, []));

        Assert.Equal(1, runs);
        Assert.True(nullRecord.IsReplayed);
        Assert.Null(nullRecord.Value);
        Assert.True(withNulls.IsReplayed);
        Assert.Equal(new Outcome(null, 0, false, []) with { Items = withNulls.Value!.Items }, withNulls.Value);
        Assert.Empty(withNulls.Value.Items);
    }

    private static async Task AssertReplayedExactly<T>(T value)
    {
        var (first, replay, runs) = await RunTwiceAsync(value);

        Assert.Equal(1, runs);
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal(value, replay.Value);
    }

    // Without the local cache, so the replay comes from the store's bytes, not from memory.
    private static async Task<(IdempotencyResult<T> First, IdempotencyResult<T> Replay, int Runs)> RunTwiceAsync<T>(T value)
    {
        var harness = new FunctionHarness(o =>
        {
            o.LocalCacheMaxEntries = 0;
            o.AddPolicy("falsy", "id", TimeSpan.FromHours(1));
        });
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, T>("falsy", (evt, ct) =>
        {
            counter.Increment();
            return Task.FromResult(value);
        });

        var first = await handler.ExecuteAsync("""{"id":"e-1"}""", null, CancellationToken.None);
        var replay = await handler.ExecuteAsync("""{"id":"e-1"}""", null, CancellationToken.None);
        return (first, replay, counter.Runs);
    }

    public sealed record Outcome(string? Note, int Count, bool Done, IReadOnlyList<string> Items);
}
