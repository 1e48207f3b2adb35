using System.Diagnostics;
using FunctionsDemo;
using Idempotency;
using Idempotency.Functions;
using Microsoft.Extensions.DependencyInjection;

// The functions sample: simulated function invocations — redeliveries, 5 concurrent deliveries of one event, different
// ids, an invocation that times out and is retried — through handlers made idempotent by pre-configured policies.
// It prints handler runs against invocations and exits 0 only when every distinct event ran exactly once. Options:
//   --store inmemory                                   the in-process store (default)
//   --store dynamodb --service-url URL [--table NAME]  a DynamoDB table (created when missing), e.g. on a local dynalite
if (StoreChoice.Parse(args) is not { } store)
{
    return 2;
}

// A shared table outlives the run: each run keeps its records under its own service name, so it starts from no records.
var serviceName = store.IsDynamoDb ? $"functions-demo-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}" : "functions-demo";
var services = new ServiceCollection();
var idempotency = services.AddIdempotency(o => o.ServiceName = serviceName).AddIdempotentFunctions(Policies.Add);
store.AddTo(idempotency);
await using var provider = services.BuildServiceProvider();
try
{
    await store.PrepareAsync(provider);
}
catch (IdempotencyStoreUnavailableException ex)
{
    Console.Error.WriteLine($"The store is unavailable ({store.Description}): {ex.Message}");
    return 3;
}

var functions = provider.GetRequiredService<IIdempotentFunctions>();
var platform = new Platform(TimeProvider.System);
var effects = new Effects();
var handlers = new Handlers(effects);

// One line per handler: the policy says how it is keyed and how long its records live.
var createQuest = functions.CreateHandler<string, Handlers.QuestCreated>("quest-creation", handlers.CreateQuestAsync);
var attest = functions.CreateHandler<string, int>("attestation", handlers.AttestAsync);
var createUser = functions.CreateHandler<string, string?>("user-creation", handlers.CreateUserAsync);
var awardReward = functions.CreateHandler<Handlers.Reward, int>("reward-processing", handlers.AwardRewardAsync);

async Task<IdempotencyResult<T>> Invoke<TEvent, T>(IdempotentHandler<TEvent, T> handler, TEvent evt)
{
    effects.Invoked();
    return await handler.ExecuteAsync(evt, platform.StartInvocation(TimeSpan.FromSeconds(30)), CancellationToken.None);
}

// 1. Quests: 20 distinct quests, each delivered 3 times (the gateway's request id differs on every delivery).
var questReplays = 0;
for (var delivery = 0; delivery < 3; delivery++)
{
    for (var i = 1; i <= 20; i++)
    {
        var result = await Invoke(createQuest, DemoEvents.ApiGateway(new { questId = $"q-{i}", title = $"Quest {i}" }));
        questReplays += result.IsReplayed ? 1 : 0;
    }
}

// 2. One quest delivered 5 times at once, on 5 threads: one run, the others wait for it and get its result.
using var start = new Barrier(5);
var concurrentEvent = DemoEvents.ApiGateway(new { questId = "q-concurrent", title = "Concurrent" });
var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Factory.StartNew(
    () =>
    {
        start.SignalAndWait();
        return Invoke(createQuest, concurrentEvent).GetAwaiter().GetResult();
    },
    TaskCreationOptions.LongRunning)));
var concurrentIdentical = concurrent.Select(r => r.Value).Distinct().Count() == 1;

// 3. Attestations keyed on two ids together: 10 (quest, user) pairs, each delivered twice.
for (var delivery = 0; delivery < 2; delivery++)
{
    for (var i = 0; i < 10; i++)
    {
        await Invoke(attest, DemoEvents.ApiGateway(new { questId = $"q-{i % 3}", userId = $"u-{i}" }));
    }
}

// 4. Sign-ups whose handler returns null, each delivered twice: the null is replayed, the handler does not run again.
var nullReplays = 0;
for (var delivery = 0; delivery < 2; delivery++)
{
    for (var i = 0; i < 5; i++)
    {
        var result = await Invoke(createUser, DemoEvents.SignUp($"user-{i}"));
        nullReplays += result is { IsReplayed: true, Value: null } ? 1 : 0;
    }
}

// 5. A reward whose first invocation hangs and is stopped at its 1.5 s timeout; the platform retries at once.
var reward = new Handlers.Reward("r-timeout", "u-1", 50);
handlers.HangNextReward();
effects.Invoked();
var timedOut = await platform.InvokeAsync(TimeSpan.FromSeconds(1.5), remaining => awardReward.InvokeAsync(reward, remaining, CancellationToken.None));
var stopped = Stopwatch.StartNew();
effects.Invoked();
var retry = await awardReward.ExecuteAsync(reward, platform.StartInvocation(TimeSpan.FromSeconds(30)), CancellationToken.None);
var recoveredAfter = stopped.Elapsed;
for (var i = 0; i < 5; i++)
{
    await Invoke(awardReward, reward);
}

var distinct = 20 + 1 + 10 + 5 + 1;
var exactlyOnce = effects.Runs == distinct && effects.Distinct == distinct && effects.RunsAbove(1) == 0
    && concurrentIdentical && !timedOut.Completed && retry.Outcome == IdempotencyOutcome.Executed && nullReplays == 5;
Console.WriteLine($"""
    FunctionsDemo: simulated function invocations, {store.Description}, pre-configured policies
      invocations                        {effects.Invocations,5}
      distinct events                    {distinct,5}
      handler runs completed             {effects.Runs,5}
      replays of quests (3 deliveries)   {questReplays,5}  (20 quests x 2 redeliveries)
      5 concurrent deliveries            {concurrent.Count(r => r.Outcome == IdempotencyOutcome.Executed),5} run, {concurrent.Count(r => r.IsReplayed)} replayed, results identical: {(concurrentIdentical ? "yes" : "NO")}
      null results replayed as null      {nullReplays,5}
      timed-out invocation               {(timedOut.Completed ? "completed?!" : "stopped at its 1.5 s timeout")}
      retry right after the timeout      {retry.Outcome} after {recoveredAfter.TotalMilliseconds:F0} ms (the policy lease is 60 s: without the remaining time it would wait that long)
    handler runs == distinct events: {(exactlyOnce ? "yes, every event ran exactly once" : "NO")}
    """);
return exactlyOnce ? 0 : 1;
