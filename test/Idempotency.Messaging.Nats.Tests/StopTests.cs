namespace Idempotency.Messaging.Nats.Tests;

// A stopping consumer hands back what it holds (nak without delay) instead of letting it sit out the ack wait: another
// instance takes over at once, and a handler cancelled by the shutdown timeout runs again there.
public sealed class StopTests(NatsFixture nats) : IClassFixture<NatsFixture>
{
    [Fact]
    public async Task StopPastTheShutdownTimeout_CancelledAndFetchedMessagesGoToTheNextInstanceAtOnce()
    {
        const int Events = 6;
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c => c.AckWait = TimeSpan.FromMinutes(1)); // far beyond this test
        var store = new InMemoryIdempotencyStore();
        var runs = new HandlerRuns();
        var started = new TaskCompletionSource();
        var cancelled = 0;
        await using var first = new ConsumerHost(stream, store, o =>
        {
            o.Consumer = "billing";
            o.AddHandler("charge-card", runs.Handler("charge-card", async (_, _, ct) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }
            }));
        });
        await using var second = new ConsumerHost(stream, store, o =>
        {
            o.Consumer = "billing";
            o.AddHandler("charge-card", runs.Handler("charge-card"));
        });
        for (var i = 0; i < Events; i++)
        {
            await stream.PublishAsync($"evt-{i}");
        }

        await first.StartAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using (var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await first.StopAsync(shutdownTimeout.Token);
        }

        await second.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", Events, TimeSpan.FromSeconds(15));

        Assert.Equal(1, cancelled);
        Assert.Equal(Events, runs.DistinctEvents("charge-card"));
        Assert.All(runs.CountsOf("charge-card"), n => Assert.Equal(1, n));
    }
}
