namespace Idempotency.Tests.Execution;

// SPEC §3.2: null, 0, "", false, empty collections and void results replay exactly.
public sealed class ReplayTests
{
    public sealed class EmptyDto;

    public sealed record Order(int Id, string? Note, decimal Amount, DateTimeOffset At, IReadOnlyList<string> Tags);

    [Fact]
    public Task ExecuteAsync_NullString_ReplaysNull() => AssertReplaysAsync<string?>(null, Assert.Null);

    [Fact]
    public Task ExecuteAsync_NullObject_ReplaysNull() => AssertReplaysAsync<Order?>(null, Assert.Null);

    [Fact]
    public Task ExecuteAsync_NullNullableInt_ReplaysNull() => AssertReplaysAsync<int?>(null, value => Assert.False(value.HasValue));

    [Fact]
    public Task ExecuteAsync_Zero_ReplaysZero() => AssertReplaysAsync(0, value => Assert.Equal(0, value));

    [Fact]
    public Task ExecuteAsync_EmptyString_ReplaysEmptyString() => AssertReplaysAsync(string.Empty, value => Assert.Equal(string.Empty, value));

    [Fact]
    public Task ExecuteAsync_False_ReplaysFalse() => AssertReplaysAsync(false, Assert.False);

    [Fact]
    public Task ExecuteAsync_EmptyList_ReplaysEmptyList() =>
        AssertReplaysAsync(new List<int>(), value =>
        {
            Assert.NotNull(value);
            Assert.Empty(value);
        });

    [Fact]
    public Task ExecuteAsync_EmptyArray_ReplaysEmptyArray() =>
        AssertReplaysAsync(Array.Empty<string>(), value =>
        {
            Assert.NotNull(value);
            Assert.Empty(value);
        });

    [Fact]
    public Task ExecuteAsync_EmptyDictionary_ReplaysEmptyDictionary() =>
        AssertReplaysAsync(new Dictionary<string, int>(), value =>
        {
            Assert.NotNull(value);
            Assert.Empty(value);
        });

    [Fact]
    public Task ExecuteAsync_EmptyObject_ReplaysNonNullObject() => AssertReplaysAsync(new EmptyDto(), Assert.NotNull);

    [Fact]
    public Task ExecuteAsync_Record_ReplaysEqualValue()
    {
        var order = new Order(7, null, 12.3400m, new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2)), ["a", ""]);
        return AssertReplaysAsync(order, value =>
        {
            Assert.Equal(order.Id, value.Id);
            Assert.Null(value.Note);
            Assert.Equal(12.3400m, value.Amount);
            Assert.Equal("12.3400", value.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(order.At, value.At);
            Assert.Equal(order.At.Offset, value.At.Offset);
            Assert.Equal(order.Tags, value.Tags);
        });
    }

    [Fact]
    public async Task ExecuteAsync_VoidOperation_ReplaysWithoutRunning()
    {
        using var harness = new EngineHarness();
        var runs = 0;
        var request = new IdempotencyRequest("void-op", "k1");
        ValueTask Work(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        }

        var first = await harness.Executor.ExecuteAsync(request, Work, CancellationToken.None);
        var second = await harness.Executor.ExecuteAsync(request, Work, CancellationToken.None);

        Assert.Equal(1, runs);
        Assert.False(first.IsReplayed);
        Assert.True(second.IsReplayed);
        Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_VoidOperationReplayedAsTyped_ReturnsDefault()
    {
        using var harness = new EngineHarness();
        var request = new IdempotencyRequest("void-op", "k1");
        await harness.Executor.ExecuteAsync(request, _ => ValueTask.CompletedTask, CancellationToken.None);

        var replay = await harness.RunAsync(request, () => 5);

        Assert.True(replay.IsReplayed);
        Assert.Equal(0, replay.Value);
    }

    private static async Task AssertReplaysAsync<T>(T value, Action<T> assert)
    {
        using var harness = new EngineHarness();
        var runs = 0;
        var request = new IdempotencyRequest("replay", "k1");

        var first = await harness.RunAsync(request, () =>
        {
            Interlocked.Increment(ref runs);
            return value;
        });
        var second = await harness.RunAsync(request, () =>
        {
            Interlocked.Increment(ref runs);
            return value;
        });

        Assert.Equal(1, runs);
        Assert.False(first.IsReplayed);
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.True(second.IsReplayed);
        Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
        assert(second.Value);
    }
}
