using System.Text;
using System.Text.Json;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Idempotency.Messaging.Nats.Tests;

// Poison messages never run and are never dropped silently: a conflict, or a message JetStream would not deliver again,
// goes to the dead-letter subject (then is acknowledged) or is terminated.
public sealed class DeadLetterTests(NatsFixture nats) : IClassFixture<NatsFixture>
{
    [Fact]
    public async Task Conflict_PublishedToTheDeadLetterSubjectWithItsReason_ThenAcknowledged()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing");
        var deadLetters = await DeadLetterStreamAsync();
        var runs = new HandlerRuns();
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = "billing";
            o.DeadLetterSubject = deadLetters.Subject;
            o.AddHandler("charge-card", runs.Handler("charge-card"));
        });
        await stream.PublishAsync("evt-1", data: "{\"amount\":10}", messageId: "m-1");
        await stream.PublishAsync("evt-1", data: "{\"amount\":99}", messageId: "m-2"); // same event id, other payload

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 2, TimeSpan.FromSeconds(20));

        Assert.Equal(1, runs.Total);
        Assert.Equal(1, host.Count(MessageOutcome.Conflict));
        var dead = await deadLetters.ReadOneAsync();
        Assert.Contains("\"amount\":99", Encoding.UTF8.GetString(dead.Data!), StringComparison.Ordinal);
        Assert.Equal("Conflict", Header(dead, "Idempotency-Outcome"));
        Assert.Contains("different payload", Header(dead, "Idempotency-Dead-Letter-Reason"), StringComparison.Ordinal);
        Assert.Equal("charge-card", Header(dead, "Idempotency-Handler"));
        Assert.Equal(stream.Name, Header(dead, "Idempotency-Source-Stream"));
        Assert.Equal("2", Header(dead, "Idempotency-Source-Sequence"));
        Assert.Equal(stream.Subject("paid"), Header(dead, "Idempotency-Source-Subject"));
        Assert.Equal("m-2", Header(dead, "Idempotency-Source-Msg-Id"));
        Assert.Equal($"dead-letter:{stream.Name}:2", Header(dead, "Nats-Msg-Id"));
    }

    [Fact]
    public async Task OneHandlerConflicts_AnotherNeedsARetry_RedeliveredUntilItRan_ThenDeadLettered()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c => c.Backoff = [TimeSpan.FromMilliseconds(200)]);
        var deadLetters = await DeadLetterStreamAsync();
        var runs = new HandlerRuns();
        var chargeAttempts = 0;
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = "billing";
            o.DeadLetterSubject = deadLetters.Subject;
            o.AddHandler("audit", runs.Handler("audit"));
            o.AddHandler("charge-card", stream.Subject("paid"), runs.Handler("charge-card", (_, _, _) =>
                Interlocked.Increment(ref chargeAttempts) == 1 ? throw new TimeoutException("card network") : Task.CompletedTask));
        });

        // evt-1 reaches the audit first as a refund; then as a payment with another payload: a conflict for the audit
        // alone, while the charge is new to the card handler, whose first run fails.
        await stream.PublishAsync("evt-1", eventName: "refunded", data: "{\"amount\":10}", messageId: "m-1");
        await stream.PublishAsync("evt-1", eventName: "paid", data: "{\"amount\":99}", messageId: "m-2");

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 2, TimeSpan.FromSeconds(20));

        Assert.Equal(2, chargeAttempts);
        Assert.Equal(1, runs["charge-card", "evt-1"]);
        Assert.Equal(1, runs["audit", "evt-1"]);
        Assert.Equal(2, host.Count(MessageOutcome.Conflict)); // the audit's answer on both deliveries, without running
        var dead = await deadLetters.ReadOneAsync();
        Assert.Equal("Conflict", Header(dead, "Idempotency-Outcome"));
        Assert.Equal("audit", Header(dead, "Idempotency-Handler"));
        Assert.Equal("2", Header(dead, "Idempotency-Deliveries"));
    }

    [Fact]
    public async Task ConflictWithoutADeadLetterSubject_Terminated()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing");
        var runs = new HandlerRuns();
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = "billing";
            o.AddHandler("charge-card", runs.Handler("charge-card"));
        });
        await using var advisories = await nats.Connection.SubscribeCoreAsync<byte[]>($"$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.{stream.Name}.billing");
        await stream.PublishAsync("evt-1", data: "{\"amount\":10}", messageId: "m-1");
        await stream.PublishAsync("evt-1", data: "{\"amount\":99}", messageId: "m-2");

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 2, TimeSpan.FromSeconds(20));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var advisory = await advisories.Msgs.ReadAsync(timeout.Token);
        using var json = JsonDocument.Parse(advisory.Data);
        Assert.Equal(2ul, json.RootElement.GetProperty("stream_seq").GetUInt64());
        Assert.Equal(1, runs.Total);
    }

    [Fact]
    public async Task HandlerFailingOnJetStreamsLastDelivery_DeadLetteredInsteadOfDropped()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c =>
        {
            c.MaxDeliver = 3;
            c.Backoff = [TimeSpan.FromMilliseconds(100)];
        });
        var deadLetters = await DeadLetterStreamAsync();
        var attempts = 0;
        await using var host = new ConsumerHost(
            stream,
            new InMemoryIdempotencyStore(),
            o =>
            {
                o.Consumer = "billing";
                o.DeadLetterSubject = deadLetters.Subject;
                o.AddHandler("charge-card", (_, _, _) =>
                {
                    Interlocked.Increment(ref attempts);
                    throw new InvalidOperationException("always");
                });
            },
            consumer: c => c.MaxDeliveries = 10); // the consumer alone would retry longer than JetStream delivers
        await stream.PublishAsync("evt-1");

        await host.StartAsync();
        await stream.WaitUntilAllAnsweredAsync("billing", 1, TimeSpan.FromSeconds(20));

        Assert.Equal(3, attempts);
        var dead = await deadLetters.ReadOneAsync();
        Assert.Equal("Failed", Header(dead, "Idempotency-Outcome"));
        Assert.Equal("3", Header(dead, "Idempotency-Deliveries"));
        Assert.StartsWith("delivery 3 was the last JetStream makes (MaxDeliver 3) and ended Failed", Header(dead, "Idempotency-Dead-Letter-Reason"), StringComparison.Ordinal);
    }

    private static string Header(INatsJSMsg<byte[]> message, string name) =>
        message.Headers is { } headers && headers.TryGetValue(name, out var value) ? value.ToString() : throw new Xunit.Sdk.XunitException($"no header {name}");

    private async Task<DeadLetterStream> DeadLetterStreamAsync()
    {
        var name = $"D{Guid.NewGuid():N}";
        await nats.JetStream.CreateStreamAsync(new StreamConfig(name, [$"{name}.dead"]));
        return new DeadLetterStream(nats.JetStream, name);
    }

    private sealed class DeadLetterStream(INatsJSContext jetStream, string name)
    {
        public string Subject => $"{name}.dead";

        public async Task<INatsJSMsg<byte[]>> ReadOneAsync()
        {
            var consumer = await jetStream.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("reader"));
            var message = await consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = TimeSpan.FromSeconds(5) });
            return message ?? throw new Xunit.Sdk.XunitException($"nothing on {Subject}");
        }
    }
}
