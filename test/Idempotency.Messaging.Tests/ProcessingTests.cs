using System.Collections.Concurrent;
using System.Text;
using Idempotency.Testing;

namespace Idempotency.Messaging.Tests;

// SPEC §5: a handler runs once per event and handler however often the broker delivers it; every other delivery gets an
// outcome value that says what to tell the broker.
public sealed class ProcessingTests
{
    [Fact]
    public async Task ThousandEventsWithThirtyPercentRedeliveries_InParallel_HandlerRunsOncePerDistinctEvent()
    {
        using var harness = new ConsumerHarness();
        var runs = new ConcurrentDictionary<string, int>();
        var deliveries = Enumerable.Range(0, 1000).Select(i => $"evt-{i}")
            .Concat(Enumerable.Range(0, 300).Select(i => $"evt-{i * 3 % 1000}"))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

        var results = await Task.WhenAll(deliveries.Select(id => Task.Run(async () =>
        {
            while (true)
            {
                var result = await harness.Consumer.ProcessAsync(ConsumerHarness.Event(id), "charge", (m, _) =>
                {
                    runs.AddOrUpdate(id, 1, (_, n) => n + 1);
                    return ValueTask.FromResult("receipt-" + id);
                }, CancellationToken.None);
                if (result.Outcome != MessageOutcome.InProgress)
                {
                    return (Id: id, Result: result); // a broker redelivers an in-progress message later; this loop does the same
                }

                await Task.Delay(5);
            }
        })));

        Assert.Equal(1000, runs.Count);
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        Assert.Equal(1000, results.Count(r => r.Result.Outcome == MessageOutcome.Processed));
        Assert.Equal(300, results.Count(r => r.Result.Outcome == MessageOutcome.Duplicate));
        Assert.All(results, r => Assert.True(r.Result.ShouldAcknowledge));
        Assert.All(results, r => Assert.Equal("receipt-" + r.Id, r.Result.Value)); // duplicates carry the cached result
    }

    [Fact]
    public async Task Duplicate_ReturnsTheCachedResultWithoutRunning()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        var first = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => ValueTask.FromResult($"receipt-{Interlocked.Increment(ref runs)}"), CancellationToken.None);
        var again = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => ValueTask.FromResult($"receipt-{Interlocked.Increment(ref runs)}"), CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, first.Outcome);
        Assert.True(first.Recorded);
        Assert.Equal(MessageOutcome.Duplicate, again.Outcome);
        Assert.True(again.HasValue);
        Assert.Equal("receipt-1", again.Value);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task DuplicateInThrowMode_ThrowsCarryingTheCachedResult()
    {
        using var harness = new ConsumerHarness(o => o.Duplicates = DuplicateHandling.Throw);
        await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => ValueTask.FromResult(42), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<DuplicateMessageException>(async () =>
            await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => ValueTask.FromResult(43), CancellationToken.None));

        Assert.Equal(42, ex.CachedResult);
        Assert.Equal("payment.charged", ex.EventType);
    }

    [Fact]
    public async Task HandlerThrows_FailedAndReleased_RedeliveryRunsOnceMore()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        var failed = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("card declined");
        }, CancellationToken.None);
        var redelivered = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", attempt: 2), "charge", (_, _) =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        var third = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", attempt: 3), "charge", (_, _) =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Failed, failed.Outcome);
        Assert.False(failed.ShouldAcknowledge);
        Assert.False(failed.DeadLetter);
        Assert.IsType<InvalidOperationException>(failed.Exception);
        Assert.Equal(MessageOutcome.Processed, redelivered.Outcome);
        Assert.Equal(MessageOutcome.Duplicate, third.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task HandlerFailsOnTheLastAllowedDelivery_IsDeadLettered()
    {
        using var harness = new ConsumerHarness(o => o.MaxDeliveries = 3);

        var result = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", attempt: 3), "charge", (_, _) => throw new InvalidOperationException("boom"), CancellationToken.None);

        Assert.Equal(MessageOutcome.Failed, result.Outcome);
        Assert.True(result.DeadLetter);
        Assert.Contains("delivery 3 of at most 3", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RememberedFailure_IsDeadLetteredWithoutRunning()
    {
        using var harness = new ConsumerHarness(engine: o => o.DefaultPolicy.RememberFailure = ex => ex is ArgumentException);
        var runs = 0;
        await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) =>
        {
            Interlocked.Increment(ref runs);
            throw new ArgumentException("invalid account");
        }, CancellationToken.None);

        var redelivered = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", attempt: 2), "charge", (_, _) =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Failed, redelivered.Outcome);
        Assert.True(redelivered.DeadLetter);
        Assert.Contains("invalid account", redelivered.Reason, StringComparison.Ordinal);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task SameKeyDifferentPayload_IsAConflictNeverRun()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;
        await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", "{\"amount\":10}"), "charge", (_, _) => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);

        var conflict = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", "{\"amount\":99}"), "charge", (_, _) => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);

        Assert.Equal(MessageOutcome.Conflict, conflict.Outcome);
        Assert.True(conflict.DeadLetter);
        Assert.False(conflict.ShouldAcknowledge);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task RepublishedWithANewTimestamp_IsStillADuplicate()
    {
        using var harness = new ConsumerHarness();
        var first = ConsumerHarness.Event("e1");
        await Task.Delay(5);
        var republished = ConsumerHarness.Event("e1"); // occurredAt differs, a volatile property

        await harness.Consumer.ProcessAsync(first, "charge", (_, _) => ValueTask.CompletedTask, CancellationToken.None);
        var result = await harness.Consumer.ProcessAsync(republished, "charge", (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(MessageOutcome.Duplicate, result.Outcome);
    }

    [Fact]
    public async Task TwoHandlersOfOneEvent_EachRunOnce()
    {
        using var harness = new ConsumerHarness();
        var charge = 0;
        var email = 0;

        for (var delivery = 0; delivery < 3; delivery++)
        {
            await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => { Interlocked.Increment(ref charge); return ValueTask.CompletedTask; }, CancellationToken.None);
            await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "send-receipt", (_, _) => { Interlocked.Increment(ref email); return ValueTask.CompletedTask; }, CancellationToken.None);
        }

        Assert.Equal(1, charge);
        Assert.Equal(1, email);
    }

    [Fact]
    public async Task TwoServicesOnOneStore_EachRunOnce()
    {
        var store = new InMemoryIdempotencyStore();
        var runs = new ConcurrentDictionary<string, int>();
        foreach (var service in new[] { "billing", "shipping", "billing", "shipping" })
        {
            var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IIdempotencyStore>(services, store);
            Microsoft.Extensions.DependencyInjection.IdempotentConsumerBuilderExtensions.AddIdempotentConsumer(
                Microsoft.Extensions.DependencyInjection.IdempotencyServiceCollectionExtensions.AddIdempotency(services, o => o.ServiceName = service));
            await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
            var consumer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IIdempotentConsumer>(provider);

            await consumer.ProcessAsync(ConsumerHarness.Event("e1"), "on-payment", (_, _) => { runs.AddOrUpdate(service, 1, (_, n) => n + 1); return ValueTask.CompletedTask; }, CancellationToken.None);
        }

        Assert.Equal(1, runs["billing"]);
        Assert.Equal(1, runs["shipping"]);
    }

    [Fact]
    public async Task ConcurrentDelivery_WhileTheFirstRuns_IsInProgressWithARetryDelay()
    {
        using var harness = new ConsumerHarness();
        var release = new TaskCompletionSource();
        var running = new TaskCompletionSource();
        var first = harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", async (_, _) =>
        {
            running.SetResult();
            await release.Task;
        }, CancellationToken.None).AsTask();
        await running.Task;

        var concurrent = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => ValueTask.CompletedTask, CancellationToken.None);
        release.SetResult();
        var done = await first;

        Assert.Equal(MessageOutcome.InProgress, concurrent.Outcome);
        Assert.False(concurrent.ShouldAcknowledge);
        Assert.True(concurrent.RetryAfter > TimeSpan.Zero);
        Assert.Equal(MessageOutcome.Processed, done.Outcome);
    }

    [Fact]
    public async Task StoreDown_NothingRunsNothingAcknowledged_ThenResumes()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);

        var down = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => { Interlocked.Increment(ref runs); return ValueTask.CompletedTask; }, CancellationToken.None);
        harness.Faults.HealAll();
        var back = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", attempt: 2), "charge", (_, _) => { Interlocked.Increment(ref runs); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.StoreUnavailable, down.Outcome);
        Assert.False(down.ShouldAcknowledge);
        Assert.IsType<IdempotencyStoreUnavailableException>(down.Exception);
        Assert.Equal(MessageOutcome.Processed, back.Outcome);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task CompletionNotCommitted_StoreUnavailableAndNotAcknowledged()
    {
        // The handler ran in a database transaction that did not commit (the store says so at the completion): its
        // writes are gone with the record, so the message was not processed and must come again.
        using var harness = new ConsumerHarness();
        harness.Faults.Throw(IdempotencyStoreOperation.Complete, () => new IdempotencyTransactionNotCommittedException(null));

        var result = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(MessageOutcome.StoreUnavailable, result.Outcome);
        Assert.False(result.ShouldAcknowledge);
        Assert.False(result.Recorded);
        Assert.IsType<IdempotencyTransactionNotCommittedException>(result.Exception);
        Assert.True(result.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task StoreDownWithFailOpenPolicy_RunsUnprotectedAndSaysSo()
    {
        using var harness = new ConsumerHarness(engine: o => o.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailOpen);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        var runs = 0;

        var result = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", (_, _) => { Interlocked.Increment(ref runs); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, result.Outcome);
        Assert.True(result.Unprotected);
        Assert.False(result.Recorded);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task LongHandler_SendsTheBrokersProgressSignal()
    {
        using var harness = new ConsumerHarness(o => o.ProgressInterval = TimeSpan.FromMilliseconds(20));
        var signals = 0;
        var message = new InboundMessage("payment.charged", Encoding.UTF8.GetBytes("{\"eventId\":\"e1\"}"))
        {
            SignalProgress = _ =>
            {
                Interlocked.Increment(ref signals);
                return ValueTask.CompletedTask;
            },
        };

        await harness.Consumer.ProcessAsync(message, "charge", async (_, ct) => await Task.Delay(300, ct), CancellationToken.None);
        var after = Volatile.Read(ref signals);
        await Task.Delay(100);

        Assert.InRange(after, 1, 20); // 20 ms ticks over a 300 ms handler; a loaded machine may fire few of them
        Assert.Equal(after, Volatile.Read(ref signals)); // stopped with the handler
    }

    [Fact]
    public async Task ConsumerStopping_HandlerCancelled_IsReleasedSoTheRedeliveryRuns()
    {
        using var harness = new ConsumerHarness();
        using var stopping = new CancellationTokenSource();
        var runs = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1"), "charge", async (_, ct) =>
        {
            Interlocked.Increment(ref runs);
            await stopping.CancelAsync();
            await Task.Delay(Timeout.Infinite, ct);
        }, stopping.Token));
        var redelivered = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("e1", attempt: 2), "charge", (_, _) => { Interlocked.Increment(ref runs); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, redelivered.Outcome);
        Assert.Equal(2, runs);
    }
}
