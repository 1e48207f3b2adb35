using System.Text.Json;

namespace Idempotency.Functions.Tests;

public sealed class HandlerTests
{
    private sealed record QuestCreated(string QuestId, int Version);

    private static FunctionHarness Harness() => new(o =>
    {
        o.AddPolicy("quest-creation", "from_json(body).questId", TimeSpan.FromHours(24), fingerprintExpression: "from_json(body)");
        o.AddPolicy("attestation", "from_json(body).[questId, userId]", TimeSpan.FromHours(24));
        o.AddPolicy("queue-transfer", "from_json(Records[0].body).transactionId", TimeSpan.FromDays(1));
    });

    [Fact]
    public async Task InvokeAsync_ApiGatewayEventWithJsonStringBody_RunsOncePerQuestIdAcrossRedeliveries()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, QuestCreated>("quest-creation", (evt, ct) => Task.FromResult(new QuestCreated("q-1", counter.Increment())));

        // Three deliveries of one request: the envelope differs (request id, trace id), the body does not.
        var first = await handler.ExecuteAsync(Events.ApiGateway("""{"questId":"q-1","title":"Clean the park"}""", "req-1"), null, CancellationToken.None);
        var second = await handler.ExecuteAsync(Events.ApiGateway("""{"questId":"q-1","title":"Clean the park"}""", "req-2"), null, CancellationToken.None);
        var third = await handler.ExecuteAsync(Events.ApiGateway("""{ "title": "Clean the park", "questId": "q-1" }""", "req-3"), null, CancellationToken.None);
        var other = await handler.ExecuteAsync(Events.ApiGateway("""{"questId":"q-2","title":"Plant trees"}"""), null, CancellationToken.None);

        Assert.Equal(2, counter.Runs);
        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal([IdempotencyOutcome.Replayed, IdempotencyOutcome.Replayed], new[] { second.Outcome, third.Outcome });
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(first.Value, third.Value);
        Assert.Equal(new QuestCreated("q-1", 2), other.Value);
    }

    [Fact]
    public async Task InvokeAsync_SameQuestIdWithAnotherBody_IsKeyReusedAndDoesNotRun()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("quest-creation", (evt, ct) => Task.FromResult(counter.Increment()));

        await handler.InvokeAsync(Events.ApiGateway("""{"questId":"q-1","title":"Clean the park"}"""), null, CancellationToken.None);
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => handler.InvokeAsync(Events.ApiGateway("""{"questId":"q-1","title":"Something else"}"""), null, CancellationToken.None));

        Assert.Equal(1, counter.Runs);
    }

    [Fact]
    public async Task InvokeAsync_CompositeKeyOfTwoIds_RunsOncePerPair()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<JsonElement, int>("attestation", (evt, ct) => Task.FromResult(counter.Increment()));

        string[] bodies =
        [
            """{"questId":"q-1","userId":"u-1"}""",
            """{"questId":"q-1","userId":"u-1","note":"again"}""",
            """{"questId":"q-1","userId":"u-2"}""",
            """{"questId":"q-2","userId":"u-1"}""",
            """{"userId":"u-2","questId":"q-1"}""",
        ];
        var results = new List<int>();
        foreach (var body in bodies)
        {
            results.Add(await handler.InvokeAsync(Events.Element(Events.ApiGateway(body)), null, CancellationToken.None));
        }

        Assert.Equal(3, counter.Runs);
        Assert.Equal([1, 1, 2, 3, 2], results);
    }

    [Fact]
    public async Task InvokeAsync_QueueBatchAsRawUtf8_RunsOncePerTransactionWhateverTheReceiptHandle()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<byte[], string>("queue-transfer", (evt, ct) => Task.FromResult($"run {counter.Increment()}"));

        var first = await handler.InvokeAsync(Events.Utf8(Events.QueueBatch("""{"transactionId":"t-9","amount":10}""", "rh-1")), null, CancellationToken.None);
        var redelivered = await handler.InvokeAsync(Events.Utf8(Events.QueueBatch("""{"transactionId":"t-9","amount":10}""", "rh-2")), null, CancellationToken.None);
        var next = await handler.InvokeAsync(Events.Utf8(Events.QueueBatch("""{"transactionId":"t-10","amount":10}""")), null, CancellationToken.None);

        Assert.Equal(2, counter.Runs);
        Assert.Equal("run 1", first);
        Assert.Equal("run 1", redelivered);
        Assert.Equal("run 2", next);
    }

    [Fact]
    public async Task InvokeAsync_TypedEvent_SelectsFromItsCamelCaseJson()
    {
        var harness = new FunctionHarness(o => o.AddPolicy("typed", "body.questId", TimeSpan.FromHours(1)));
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<TypedEvent, int>("typed", (evt, ct) => Task.FromResult(counter.Increment()));

        await handler.InvokeAsync(new TypedEvent(new TypedBody("q-1")), null, CancellationToken.None);
        var replayed = await handler.ExecuteAsync(new TypedEvent(new TypedBody("q-1")), null, CancellationToken.None);

        Assert.Equal(1, counter.Runs);
        Assert.True(replayed.IsReplayed);
    }

    [Fact]
    public async Task InvokeAsync_PayloadNotJson_IsKeyInvalidAndDoesNotRun()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<byte[], int>("queue-transfer", (evt, ct) => Task.FromResult(counter.Increment()));

        var error = await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => handler.InvokeAsync(Events.Utf8("""{"Records": [ {"body": "{not json"} ]}"""), null, CancellationToken.None));

        Assert.Contains("from_json", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, counter.Runs);
        Assert.Equal(0, harness.Store.Calls);
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_ReleasesSoTheRetryRunsAgain()
    {
        var harness = Harness();
        var counter = new Counter();
        var handler = harness.Functions.CreateHandler<string, int>("quest-creation", (evt, ct) =>
            counter.Increment() == 1 ? throw new InvalidOperationException("downstream timeout") : Task.FromResult(counter.Runs));
        var evt = Events.ApiGateway("""{"questId":"q-1"}""");

        await Assert.ThrowsAsync<InvalidOperationException>(() => handler.InvokeAsync(evt, null, CancellationToken.None));
        var retried = await handler.InvokeAsync(evt, null, CancellationToken.None);
        var replayed = await handler.InvokeAsync(evt, null, CancellationToken.None);

        Assert.Equal(2, counter.Runs);
        Assert.Equal(2, retried);
        Assert.Equal(2, replayed);
    }

    [Fact]
    public async Task InvokeAsync_ReplayOnAWarmInstance_IsServedByTheLocalCacheWithoutStoreCalls()
    {
        var harness = Harness();
        var handler = harness.Functions.CreateHandler<string, string>("quest-creation", (evt, ct) => Task.FromResult("created"));
        var evt = Events.ApiGateway("""{"questId":"q-1"}""");

        await handler.InvokeAsync(evt, null, CancellationToken.None);
        var callsAfterFirst = harness.Store.Calls;
        var replays = new List<IdempotencyResult<string>>();
        for (var i = 0; i < 3; i++)
        {
            replays.Add(await handler.ExecuteAsync(evt, null, CancellationToken.None));
        }

        Assert.Equal(2, callsAfterFirst); // claim + complete
        Assert.Equal(2, harness.Store.Calls);
        Assert.All(replays, r => Assert.True(r.IsReplayed));
    }

    [Fact]
    public async Task InvokeAsync_ResultAboveTwoMebibytes_IsNotKeptInTheLocalCache()
    {
        // The default byte budget (32 MiB) caches nothing above a sixteenth of it: such a replay goes to the store.
        var harness = Harness();
        var large = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        var handler = harness.Functions.CreateHandler<string, string>("quest-creation", (evt, ct) => Task.FromResult(large));
        var evt = Events.ApiGateway("""{"questId":"q-1"}""");

        await handler.InvokeAsync(evt, null, CancellationToken.None);
        var callsAfterFirst = harness.Store.Calls;
        var replay = await handler.ExecuteAsync(evt, null, CancellationToken.None);

        Assert.True(replay.IsReplayed);
        Assert.Equal(large, replay.Value);
        Assert.Equal(callsAfterFirst + 1, harness.Store.Calls);
    }

    [Fact]
    public void CreateHandler_UnknownPolicyOrBadOperation_FailsWhenWired()
    {
        var harness = Harness();

        var unknown = Assert.Throws<ArgumentException>(() => harness.Functions.CreateHandler<string, int>("nope", (e, ct) => Task.FromResult(1)));
        var badOperation = Assert.Throws<ArgumentException>(() => harness.Functions.CreateHandler<string, int>("quest-creation", (e, ct) => Task.FromResult(1), "create quest"));

        Assert.Contains("'nope'", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("operation", badOperation.ParamName);
    }

    [Fact]
    public async Task CreateHandler_TwoHandlersOnOnePolicyWithTheirOwnOperations_KeepSeparateRecords()
    {
        var harness = Harness();
        var counter = new Counter();
        var create = harness.Functions.CreateHandler<string, int>("quest-creation", (e, ct) => Task.FromResult(counter.Increment()), "create-quest");
        var import = harness.Functions.CreateHandler<string, int>("quest-creation", (e, ct) => Task.FromResult(counter.Increment()), "import-quest");
        var evt = Events.ApiGateway("""{"questId":"q-1"}""");

        await create.InvokeAsync(evt, null, CancellationToken.None);
        await import.InvokeAsync(evt, null, CancellationToken.None);
        await create.InvokeAsync(evt, null, CancellationToken.None);

        Assert.Equal(2, counter.Runs);
        Assert.Equal("create-quest", create.Operation);
    }

    public sealed record TypedBody(string QuestId);

    public sealed record TypedEvent(TypedBody Body);
}
