namespace Idempotency.Functions.Tests;

public sealed class MissingKeyTests
{
    private static FunctionHarness Harness() => new(o =>
    {
        o.AddPolicy("required", p => p.KeyExpression = "from_json(body).[questId, userId]");
        o.AddPolicy("optional", p =>
        {
            p.KeyExpression = "from_json(body).[questId, userId]";
            p.KeyRequirement = KeyRequirement.Optional;
        });
    });

    [Theory]
    [InlineData("""{"title":"no ids"}""")]
    [InlineData("""{"questId":null,"userId":""}""")]
    [InlineData(null)]
    public async Task InvokeAsync_RequiredKeyMissing_ThrowsKeyMissingWithoutRunningOrCallingTheStore(string? body)
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("required", (evt, ct) => Task.FromResult(counter.Increment()));
        var evt = body is null ? """{"httpMethod":"POST","body":null}""" : Events.ApiGateway(body);

        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() => handler.InvokeAsync(evt, null, CancellationToken.None));

        Assert.Equal(0, counter.Runs);
        Assert.Equal(0, harness.Store.Calls);
    }

    [Fact]
    public async Task InvokeAsync_OptionalKeyMissing_RunsUnprotectedEveryTime()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("optional", (evt, ct) => Task.FromResult(counter.Increment()));
        var evt = Events.ApiGateway("""{"title":"no ids"}""");

        var first = await handler.ExecuteAsync(evt, null, CancellationToken.None);
        var second = await handler.ExecuteAsync(evt, null, CancellationToken.None);

        Assert.Equal(2, counter.Runs);
        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, first.Outcome);
        Assert.Equal(IdempotencyOutcome.ExecutedWithoutKey, second.Outcome);
        Assert.Equal(0, harness.Store.Calls);
    }

    [Fact]
    public async Task InvokeAsync_OptionalKeyPresent_IsStillIdempotent()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("optional", (evt, ct) => Task.FromResult(counter.Increment()));
        var evt = Events.ApiGateway("""{"questId":"q-1","userId":"u-1"}""");

        await handler.InvokeAsync(evt, null, CancellationToken.None);
        await handler.InvokeAsync(evt, null, CancellationToken.None);

        Assert.Equal(1, counter.Runs);
    }
}
