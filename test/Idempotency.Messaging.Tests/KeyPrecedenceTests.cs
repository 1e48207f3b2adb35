using System.Text;

namespace Idempotency.Messaging.Tests;

// SPEC §5: header → envelope key → event id → transport message id → content hash, each step configurable; the chosen
// source is on the result and on the messaging counter.
public sealed class KeyPrecedenceTests
{
    private const string Envelope = """{"idempotencyKey":"order-7:charge","eventId":"evt-1","occurredAt":"2026-01-01T00:00:00Z","amount":10}""";

    [Theory]
    [InlineData(true, Envelope, "msg-1", MessageKeySource.Header)]
    [InlineData(false, Envelope, "msg-1", MessageKeySource.EnvelopeKey)]
    [InlineData(false, """{"eventId":"evt-1","amount":10}""", "msg-1", MessageKeySource.EventId)]
    [InlineData(false, """{"event_id":"evt-1","amount":10}""", "msg-1", MessageKeySource.EventId)]
    [InlineData(false, """{"amount":10}""", "msg-1", MessageKeySource.MessageId)]
    [InlineData(false, """{"amount":10}""", null, MessageKeySource.ContentHash)]
    [InlineData(false, "not json at all", null, MessageKeySource.ContentHash)]
    public async Task FirstSourceWithAKey_Wins(bool header, string body, string? messageId, MessageKeySource expected)
    {
        using var harness = new ConsumerHarness();
        var message = new InboundMessage("order.paid", Encoding.UTF8.GetBytes(body))
        {
            MessageId = messageId,
            Headers = header ? new Dictionary<string, string> { ["idempotency-key"] = "explicit-1" } : null,
        };

        var result = await harness.Consumer.ProcessAsync(message, "ship", (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(expected, result.KeySource);
        var counted = Assert.Single(harness.Messages.GetMeasurementSnapshot());
        Assert.Equal("processed", counted.Tags[IdempotencyTelemetry.OutcomeTag]);
        Assert.Equal("order.paid", counted.Tags[IdempotencyTelemetry.OperationTag]);
        Assert.Equal("ship", counted.Tags["idempotency.handler"]);
        Assert.NotNull(counted.Tags["idempotency.key_source"]);
    }

    // Found by fuzzing (test/Idempotency.PropertyTests): a number event id was taken as spelled, so {"eventId":1} and
    // {"eventId":1.0} were two keys, and one event delivered in both spellings ran twice.
    [Theory]
    [InlineData("1")]
    [InlineData("1.0")]
    [InlineData("1e0")]
    [InlineData("10E-1")]
    public void EventId_NumberInAnySpelling_IsOneKey(string spelling)
    {
        var keys = new MessageKeys(new IdempotentConsumerOptions());

        var resolved = keys.Resolve(new InboundMessage("order.paid", Encoding.UTF8.GetBytes($$"""{"eventId":{{spelling}},"amount":10}""")));

        Assert.Equal(("1", MessageKeySource.EventId), resolved);
    }

    [Fact]
    public async Task SourcesCanBeReordered_MessageIdFirst()
    {
        using var harness = new ConsumerHarness(o =>
        {
            o.KeySources.Clear();
            o.KeySources.Add(MessageKeySource.MessageId);
            o.KeySources.Add(MessageKeySource.EventId);
        });
        var runs = 0;

        // One event id, two transport ids: with the message id first, they are two messages.
        await harness.Consumer.ProcessAsync(Message("m-1"), "ship", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);
        var second = await harness.Consumer.ProcessAsync(Message("m-2"), "ship", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageKeySource.MessageId, second.KeySource);
        Assert.Equal(2, runs);

        static InboundMessage Message(string id) => new("order.paid", Encoding.UTF8.GetBytes("""{"eventId":"evt-1"}""")) { MessageId = id };
    }

    [Fact]
    public async Task NoSourceGivesAKey_IsDeadLetteredNeverRun()
    {
        using var harness = new ConsumerHarness(o =>
        {
            o.KeySources.Clear();
            o.KeySources.Add(MessageKeySource.EventId);
        });
        var runs = 0;

        var result = await harness.Consumer.ProcessAsync(new InboundMessage("order.paid", Encoding.UTF8.GetBytes("{}")), "ship", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Failed, result.Outcome);
        Assert.True(result.DeadLetter);
        Assert.Equal(0, runs);
    }
}
