using Idempotency.Testing;
using Microsoft.Extensions.Logging;

namespace Idempotency.Tests.Telemetry;

// SPEC §8: one source-generated Log class with stable event ids and names; keys and payloads are never logged.
public sealed class LoggingTests
{
    private const string RawKey = "RAWKEY-jane@example.com";
    private const string RawScope = "SCOPE-acme-tenant";
    private const string Payload = "PAYLOAD-card-4111111111111111";

    [Fact]
    public async Task Logs_EveryPath_UseStableEventIdsAndNames()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.Lease = TimeSpan.FromSeconds(30);
            o.AddPolicy("open", p => p.StoreFailureMode = StoreFailureMode.FailOpen);
            o.AddPolicy("optional", p => p.KeyRequirement = KeyRequirement.Optional);
            o.AddPolicy("remember", p => p.RememberFailure = _ => true);
            o.AddPolicy("buggy", p => p.RememberFailure = _ => throw new NotSupportedException());
        });
        await RunEveryPathAsync(harness);

        var events = harness.Logs.GetSnapshot().Select(r => (r.Id.Id, r.Id.Name ?? string.Empty)).Distinct().ToHashSet();

        (int, string)[] expected =
        [
            (1, "Executed"), (2, "Replayed"), (3, "KeyReused"), (4, "InProgress"), (5, "StoreUnavailable"), (6, "FailOpen"),
            (7, "LeaseLost"), (8, "ReleaseFailed"), (9, "CompletionFailed"), (10, "RenewalFailed"), (11, "FailureRecorded"),
            (12, "PreviouslyFailed"), (13, "CorruptRecord"), (14, "KeyMissing"), (15, "KeyInvalid"), (16, "Released"),
            (17, "RememberFailurePredicateFailed"), (19, "PayloadTooLarge"), (20, "CompletionRetrying"), (21, "ResultNotStored"),
            (22, "ResultNotStoredReplayed"), (23, "SerializationFailed"),
        ];
        Assert.All(expected, e => Assert.Contains(e, events));
        Assert.All(events, e => Assert.Contains(e, expected));
    }

    [Fact]
    public async Task Logs_EveryPath_NeverContainRawKeyScopeOrPayload()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.Lease = TimeSpan.FromSeconds(30);
            o.AddPolicy("open", p => p.StoreFailureMode = StoreFailureMode.FailOpen);
            o.AddPolicy("optional", p => p.KeyRequirement = KeyRequirement.Optional);
            o.AddPolicy("remember", p => p.RememberFailure = _ => true);
            o.AddPolicy("buggy", p => p.RememberFailure = _ => throw new NotSupportedException());
        });
        await RunEveryPathAsync(harness);

        var records = harness.Logs.GetSnapshot();
        Assert.True(records.Count > 20);
        foreach (var record in records)
        {
            var texts = new List<string?> { record.Message, record.Exception?.ToString() };
            texts.AddRange(record.StructuredState?.Select(p => p.Value) ?? []);
            foreach (var text in texts.Where(t => t is not null))
            {
                Assert.DoesNotContain("RAWKEY", text, StringComparison.Ordinal);
                Assert.DoesNotContain("jane", text, StringComparison.Ordinal);
                Assert.DoesNotContain("SCOPE-acme", text, StringComparison.Ordinal);
                Assert.DoesNotContain("4111111111111111", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Logs_Levels_MatchSeverity()
    {
        using var harness = new EngineHarness();
        await harness.RunAsync(new IdempotencyRequest("orders", RawKey), () => 1);
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => harness.RunAsync(new IdempotencyRequest("orders", RawKey) { Fingerprint = "x" }, () => 1).AsTask());
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.RunAsync(new IdempotencyRequest("orders", "k2"), () => 1).AsTask());

        var records = harness.Logs.GetSnapshot();
        Assert.Equal(LogLevel.Debug, records.First(r => r.Id.Name == "Executed").Level);
        Assert.Equal(LogLevel.Warning, records.First(r => r.Id.Name == "KeyReused").Level);
        Assert.Equal(LogLevel.Error, records.First(r => r.Id.Name == "StoreUnavailable").Level);
    }

    private static async Task RunEveryPathAsync(EngineHarness harness)
    {
        var request = new IdempotencyRequest("orders", RawKey) { Scope = RawScope, Fingerprint = "fp" };
        await harness.RunAsync(request, () => Payload);                                                  // Executed
        await harness.RunAsync(request, () => Payload);                                                  // Replayed
        await Fails(harness.RunAsync(request with { Fingerprint = "other" }, () => Payload));            // KeyReused
        await Fails(harness.RunAsync(request with { Key = null }, () => Payload));                       // KeyMissing
        await harness.RunAsync(request with { Key = null, Policy = "optional" }, () => Payload);         // KeyMissing (running)
        await Fails(harness.RunAsync(request with { Key = RawKey + "\n" }, () => Payload));              // KeyInvalid
        await Fails(harness.RunAsync<string>(request with { Key = RawKey + "1" }, () => throw new InvalidOperationException(Payload))); // Released
        await Fails(harness.RunAsync<string>(request with { Key = RawKey + "2", Policy = "remember" }, () => throw new InvalidOperationException("declined"))); // FailureRecorded
        await Fails(harness.RunAsync(request with { Key = RawKey + "2", Policy = "remember" }, () => Payload)); // PreviouslyFailed
        await Fails(harness.RunAsync<string>(request with { Key = RawKey + "3", Policy = "buggy" }, () => throw new InvalidOperationException("x"))); // RememberFailurePredicateFailed

        await using (var running = await StartBlockedAsync(harness, request with { Key = RawKey + "4" }))
        {
            await Fails(harness.RunAsync(request with { Key = RawKey + "4" }, () => Payload));           // InProgress
            harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Renew);
            harness.Clock.Advance(TimeSpan.FromSeconds(10));                                             // RenewalFailed
            harness.Clock.Advance(TimeSpan.FromSeconds(20));
            harness.Faults.HealAll();
            await harness.RunAsync(request with { Key = RawKey + "4" }, () => "takeover");               // Executed by another owner
        }                                                                                                // LeaseLost

        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Release, times: 1);
        await Fails(harness.RunAsync<string>(request with { Key = RawKey + "5" }, () => throw new InvalidOperationException("x"))); // ReleaseFailed
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1);
        await harness.RunAsync(request with { Key = RawKey + "6" }, () => Payload);                     // CompletionRetrying
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Complete);
        await harness.AdvanceUntilDoneAsync(harness.RunAsync(request with { Key = RawKey + "6b" }, () => Payload).AsTask()); // CompletionFailed
        harness.Faults.HealAll();
        var cyclic = new Cyclic();
        cyclic.Next = cyclic;
        await harness.RunAsync(request with { Key = RawKey + "6c" }, () => cyclic);                     // SerializationFailed, ResultNotStored
        await Fails(harness.RunAsync(request with { Key = RawKey + "6c" }, () => cyclic));               // ResultNotStoredReplayed
        await Fails(harness.RunAsync(request with { Key = RawKey + "6d", PayloadTooLarge = true }, () => Payload)); // PayloadTooLarge
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => new IOException("connection refused"), times: 2);
        await Fails(harness.RunAsync(request with { Key = RawKey + "7" }, () => Payload));              // StoreUnavailable
        await harness.RunAsync(request with { Key = RawKey + "7", Policy = "open" }, () => Payload);    // FailOpen

        var storeKey = harness.StoreKey("orders", RawKey + "8", RawScope);
        var now = harness.Clock.GetUtcNow();
        await harness.Memory.ClaimAsync(new IdempotencyClaimRequest(storeKey, "w", "fp", now, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), CancellationToken.None);
        await harness.Memory.CompleteAsync(storeKey, "w", new byte[] { 7, 7, 7 }, now, TimeSpan.FromHours(1), CancellationToken.None);
        await Fails(harness.RunAsync(request with { Key = RawKey + "8" }, () => Payload));              // CorruptRecord
    }

    private static async Task<BlockedStringRun> StartBlockedAsync(EngineHarness harness, IdempotencyRequest request)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task.Run(() => harness.Executor.ExecuteAsync(request, async _ =>
        {
            started.SetResult();
            await gate.Task;
            return Payload;
        }, CancellationToken.None).AsTask());
        await started.Task.WaitAsync(Waits.Limit);
        return new BlockedStringRun(task, gate);
    }

    private static async Task Fails<T>(ValueTask<IdempotencyResult<T>> call) => await Assert.ThrowsAnyAsync<Exception>(() => call.AsTask());

    private sealed class Cyclic
    {
        public Cyclic? Next { get; set; }
    }

    private sealed record BlockedStringRun(Task Task, TaskCompletionSource Gate) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Gate.TrySetResult();
            await Task.WaitAsync(Waits.Limit);
        }
    }
}
