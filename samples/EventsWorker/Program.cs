using EventsWorker;
using Idempotency;
using Idempotency.Messaging;

// The worker sample: events published with duplicates and redeliveries, consumed by two consumer processes sharing one
// store, and a summary that compares handler runs with distinct events. Options:
//   --events N        distinct events to publish (default 1000)
//   --duplicates R    share of events published again, and of publications re-sent as-is (default 0.3)
//   --crash           one consumer process dies halfway through a handler; its claim is recovered after the lease
//   --transport NAME  inproc (default, no broker needed), nats, rabbitmq or kafka (through the broker adapters)
//   --url URL         the broker: nats://127.0.0.1:4222, amqp://guest:guest@127.0.0.1:5672, or Kafka bootstrap servers
//                     (without --url, kafka runs on librdkafka's in-process mock cluster)
var settings = WorkerSettings.Parse(args);
if (settings.Transport != "inproc")
{
    return await BrokerRun.RunAsync(settings);
}

var broker = new InProcessBroker(ackWait: TimeSpan.FromSeconds(3));
var store = new InMemoryIdempotencyStore(); // shared by both processes, as Redis or PostgreSQL would be
var effects = new SideEffects();
var handlers = new Handlers(effects, failureRate: 0.03, crashAt: settings.Crash ? 20 : 0);
var published = Publisher.Publish(broker, settings.Events, settings.Duplicates);

await using var first = new ConsumerProcess("consumer-1", store, broker, handlers);
await using var second = new ConsumerProcess("consumer-2", store, broker, handlers);
using var stop = new CancellationTokenSource();
var redelivery = broker.RedeliverExpiredAsync(stop.Token);
first.Start(workers: 1);
second.Start(workers: 3);

var finished = await Task.WhenAny(broker.Drained, Task.Delay(TimeSpan.FromMinutes(2))) == broker.Drained;
await stop.CancelAsync();
await redelivery.ContinueWith(static _ => { }, TaskScheduler.Default);

int Count(MessageOutcome outcome) => first.Counts[outcome] + second.Counts[outcome];
var expected = published.HandlerPairs;
var exactlyOnce = finished && effects.CompletedRuns == expected && effects.Distinct == expected && effects.RunsAbove(1) == 0;
Console.WriteLine($"""
    EventsWorker: in-process broker, 2 consumer processes sharing one in-memory store
      messages published                {broker.Published,6}  ({published.Events} events, {published.Republished} published again, {published.Resent} re-sent as-is)
      distinct events                   {published.Events,6}
      handler × event pairs             {expected,6}  (payment events have two handlers: charge-card, send-receipt)
      handler runs completed            {effects.CompletedRuns,6}
      duplicates skipped (per handler)  {Count(MessageOutcome.Duplicate),6}
      in progress elsewhere, redelivered{Count(MessageOutcome.InProgress),6}
      failed, released, run again       {effects.TransientFailures,6}
      crashed mid-handler, recovered    {effects.Crashed,6}  {(settings.Crash ? "(claim taken over after its 2 s lease)" : "(--crash kills a consumer mid-handler)")}
      dead-lettered                     {broker.DeadLetters.Count,6}
    handler runs == handler × event pairs: {(exactlyOnce ? "yes, every handler ran once per event" : finished ? "NO" : "NO, the broker did not drain within 2 minutes")}
    """);
return exactlyOnce ? 0 : 1;
