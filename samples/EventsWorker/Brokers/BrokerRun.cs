using Idempotency;

namespace EventsWorker;

/// <summary>
/// The sample on a real broker (<c>--transport nats|rabbitmq|kafka</c>): the same events and duplicates, published to
/// the broker and consumed by two consumer processes through the broker's adapter, sharing one in-memory store.
/// </summary>
internal static class BrokerRun
{
    public static async Task<int> RunAsync(WorkerSettings settings)
    {
        if (settings.Crash)
        {
            Console.Error.WriteLine("--crash runs on the in-process broker only (the adapters' tests kill real consumer processes with kill -9).");
            return 2;
        }

        await using var transport = BrokerTransport.Create(settings);
        using var outcomes = new OutcomeCounter();
        var store = new InMemoryIdempotencyStore(); // shared by both processes, as Redis or PostgreSQL would be
        var effects = new SideEffects();
        var handlers = new Handlers(effects, failureRate: 0.03, crashAt: 0);
        var (messages, published) = Publisher.Create(settings.Events, settings.Duplicates);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await transport.PrepareAsync(timeout.Token);

        var expected = published.HandlerPairs;
        bool finished;
        await using (var first = await BrokerConsumer.StartAsync(transport, store, handlers))
        await using (var second = await BrokerConsumer.StartAsync(transport, store, handlers))
        {
            await transport.PublishAsync(messages, timeout.Token);
            while (effects.CompletedRuns < expected && !timeout.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }

            finished = effects.CompletedRuns >= expected;
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None); // a late second run would show here
        }

        var exactlyOnce = finished && effects.CompletedRuns == expected && effects.Distinct == expected && effects.RunsAbove(1) == 0;
        Console.WriteLine($"""
            EventsWorker: {transport.Description}
              2 consumer processes (the adapter's hosted consumer each) sharing one in-memory store
              messages published                {messages.Count,6}  ({published.Events} events, {published.Republished} published again, {published.Resent} re-sent as-is)
              distinct events                   {published.Events,6}
              handler × event pairs             {expected,6}  (payment events have two handlers: charge-card, send-receipt)
              handler runs completed            {effects.CompletedRuns,6}
              duplicates skipped (per handler)  {outcomes["duplicate"],6}
              in progress elsewhere, redelivered{outcomes["in_progress"],6}
              failed, released, run again       {effects.TransientFailures,6}
            handler runs == handler × event pairs: {(exactlyOnce ? "yes, every handler ran once per event" : finished ? "NO" : "NO, not every event was handled within 2 minutes")}
            """);
        return exactlyOnce ? 0 : 1;
    }
}
