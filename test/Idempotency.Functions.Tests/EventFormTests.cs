using System.Text.Json;
using System.Text.Json.Nodes;

namespace Idempotency.Functions.Tests;

/// <summary>Events that cannot be JSON are invalid keys (nothing runs), and every form of one event gets one key.</summary>
public sealed class EventFormTests
{
    private static FunctionHarness Harness() => new(o =>
    {
        o.AddPolicy("orders", "id", TimeSpan.FromHours(1), fingerprintExpression: "@");
        o.AddPolicy("gateway", "from_json(body).id", TimeSpan.FromHours(1), fingerprintExpression: "from_json(body)");
    });

    // Built in code, not passed as test data: the test runner's serialization would replace the surrogates itself.
    [Theory]
    [InlineData(0xD800)]
    [InlineData(0xDBFF)]
    [InlineData(0xDC00)]
    public async Task InvokeAsync_LoneSurrogateInAnyEventForm_ThrowsKeyInvalidWithoutRunning(int surrogate)
    {
        var harness = Harness();
        var runs = new Counter();
        var text = "a" + (char)surrogate;

        var typed = await RejectAsync(harness, runs, new Order(text, 1m));
        var inName = await RejectAsync(harness, runs, new Dictionary<string, string> { ["id"] = "o-1", [text] = "x" });
        var node = await RejectAsync(harness, runs, new JsonObject { ["id"] = "o-1", ["note"] = text });
        var raw = await RejectAsync(harness, runs, "{\"id\":\"o-1\",\"note\":\"" + text + "\"}");

        Assert.Equal("the event holds a string that is not valid Unicode (a lone surrogate).", typed.Reason);
        Assert.Equal(typed.Reason, inName.Reason);
        Assert.Equal(typed.Reason, node.Reason);
        Assert.Equal("the payload is not valid Unicode text (it holds a lone surrogate).", raw.Reason);
        Assert.Equal(0, runs.Runs);
        Assert.Empty(harness.Store.Claims);
    }

    [Fact]
    public async Task InvokeAsync_ReplacementCharacterOrSurrogatePair_IsOrdinaryText()
    {
        var harness = Harness();
        var runs = new Counter();
        var handler = harness.Functions.CreateHandler<Note, int>("orders", (evt, ct) => Task.FromResult(runs.Increment()));

        // One key, fingerprinted whole: U+FFFD and a surrogate pair are distinct texts, so the second is a reused key.
        Assert.Equal(1, await handler.InvokeAsync(new Note("o-1", "a\uFFFD"), null, CancellationToken.None));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => handler.InvokeAsync(new Note("o-1", "a\uD83D\uDE00"), null, CancellationToken.None));
        Assert.Equal(1, await handler.InvokeAsync(new Note("o-1", "a\uFFFD"), null, CancellationToken.None));
        Assert.Equal(1, runs.Runs);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public async Task RunAsync_NumberJsonCannotHold_ThrowsKeyInvalidWithoutRunning(double value)
    {
        var harness = Harness();
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(async () =>
            await harness.Functions.RunAsync("orders", new Measurement("m-1", value), _ => Task.FromResult(++runs), null, CancellationToken.None));

        Assert.Equal("the event holds a value JSON cannot represent (such as NaN or an infinity).", ex.Reason);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task InvokeAsync_DefaultJsonElement_ThrowsKeyInvalidWithoutRunning()
    {
        var harness = Harness();
        var runs = new Counter();

        var ex = await RejectAsync(harness, runs, default(JsonElement));

        Assert.Equal("the event is a default JsonElement, which holds no JSON.", ex.Reason);
        Assert.Equal(0, runs.Runs);
    }

    [Fact]
    public async Task InvokeAsync_EventWithACycle_ThrowsKeyInvalidWithoutRunning()
    {
        var harness = Harness();
        var runs = new Counter();
        var node = new Node { Id = "n-1" };
        node.Next = node;

        var ex = await RejectAsync(harness, runs, node);

        Assert.StartsWith("the event cannot be written as JSON: ", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(0, runs.Runs);
    }

    [Theory]
    [InlineData("9007199254740993", "9007199254740993.0")]
    [InlineData("12345678901234567890", "1.2345678901234567890e19")]
    public async Task InvokeAsync_OneNumberSpelledTwoWays_OneRunAndTheSameFingerprint(string literal, string otherSpelling)
    {
        var harness = Harness();
        var runs = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("gateway", (evt, ct) => Task.FromResult(runs.Increment()));

        var first = await handler.ExecuteAsync(Events.ApiGateway($$"""{"id":{{literal}}}""", "req-1"), null, CancellationToken.None);
        var second = await handler.ExecuteAsync(Events.ApiGateway($$"""{"id":{{otherSpelling}}}""", "req-2"), null, CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(1, runs.Runs);
        Assert.Equal(ContentHash.ComputeCanonicalJson(Events.Utf8($$"""{"id":{{literal}}}""")), harness.Store.Claims.First().Fingerprint);
    }

    [Fact]
    public async Task InvokeAsync_NeighbourBeyondDoublePrecision_IsAnotherKey()
    {
        var harness = Harness();
        var runs = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("gateway", (evt, ct) => Task.FromResult(runs.Increment()));

        await handler.InvokeAsync(Events.ApiGateway("""{"id":9007199254740993.0}"""), null, CancellationToken.None);
        await handler.InvokeAsync(Events.ApiGateway("""{"id":9007199254740992.0}"""), null, CancellationToken.None);

        Assert.Equal(2, runs.Runs);
    }

    [Fact]
    public async Task InvokeAsync_RecordHoldsARawResult_ThrowsRecordCorruptWithoutRunning()
    {
        // Another integration (an HTTP endpoint capturing responses) stored raw bytes under the same key.
        var harness = Harness();
        var request = harness.Functions.CreateRequest("orders", new Order("o-1", 1m), null);
        var http = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "quests" }.AddPolicy(request.Policy!, _ => { }), harness.Store, harness.Clock);
        await using (var claim = await http.BeginAsync(request, CancellationToken.None))
        {
            Assert.Equal(IdempotencyCompletion.Stored, await claim.CompleteRawAsync(new byte[] { 1, 2, 3 }, CancellationToken.None));
        }

        var runs = new Counter();
        var handler = harness.Functions.CreateHandler<Order, int>("orders", (evt, ct) => Task.FromResult(runs.Increment()));

        var ex = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => handler.InvokeAsync(new Order("o-1", 1m), null, CancellationToken.None));

        Assert.StartsWith("the record holds raw bytes", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(0, runs.Runs);
    }

    private static async Task<IdempotencyKeyInvalidException> RejectAsync<TEvent>(FunctionHarness harness, Counter runs, TEvent @event)
    {
        var handler = harness.Functions.CreateHandler<TEvent, int>("orders", (evt, ct) => Task.FromResult(runs.Increment()));
        return await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => handler.InvokeAsync(@event, null, CancellationToken.None));
    }

    public sealed record Order(string Id, decimal Amount);

    public sealed record Measurement(string Id, double Value);

    public sealed record Note(string Id, string Text);

    public sealed class Node
    {
        public string? Id { get; set; }

        public Node? Next { get; set; }
    }
}
