using System.Text;

namespace Idempotency.Messaging.Tests;

// Found by attack and by trying the package as a user: messages that threw out of ProcessAsync (and stalled a Kafka
// partition for good), and keys that collided or hid a better one. Each now gets an outcome.
public sealed class HostileMessageTests
{
    [Fact]
    public async Task LoneSurrogateEscapeInTheEventId_FallsBackToTheNextSource_AndRuns()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;
        var message = new InboundMessage("payment.charged", Encoding.UTF8.GetBytes("{\"eventId\":\"\\ud800\",\"amount\":1}")) { MessageId = "msg-1" };

        var result = await harness.Consumer.ProcessAsync(message, "charge", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, result.Outcome);
        Assert.Equal(MessageKeySource.MessageId, result.KeySource);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task LoneSurrogateEscape_WithNoOtherSource_IsHashedAsBytes_AndRunsOnce()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;
        var body = Encoding.UTF8.GetBytes("{\"a\":1,\"\\ud800\":2}");

        var first = await harness.Consumer.ProcessAsync(new InboundMessage("t", body), "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);
        var again = await harness.Consumer.ProcessAsync(new InboundMessage("t", body), "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, first.Outcome);
        Assert.Equal(MessageKeySource.ContentHash, first.KeySource);
        Assert.Equal(MessageOutcome.Duplicate, again.Outcome);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task EventTypeLongerThan200Characters_IsDeadLettered_NeverThrows()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        var result = await harness.Consumer.ProcessAsync(ConsumerHarness.Event("evt-1", eventType: new string('x', 201)), "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Failed, result.Outcome);
        Assert.True(result.DeadLetter);
        Assert.Contains("200", result.Reason, StringComparison.Ordinal);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task EmptyBodiesWithoutAnyOtherKey_AreNotOneSharedKey_TheyAreDeadLettered()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        var first = await harness.Consumer.ProcessAsync(new InboundMessage("t", Array.Empty<byte>()), "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);
        var second = await harness.Consumer.ProcessAsync(new InboundMessage("t", Array.Empty<byte>()), "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Failed, first.Outcome);
        Assert.True(first.DeadLetter);
        Assert.Equal(MessageOutcome.Failed, second.Outcome);
        Assert.NotEqual(MessageOutcome.Duplicate, second.Outcome);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task EmptyBodyWithAMessageId_RunsOncePerMessageId()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        var a = await harness.Consumer.ProcessAsync(new InboundMessage("t", Array.Empty<byte>()) { MessageId = "m-1" }, "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);
        var b = await harness.Consumer.ProcessAsync(new InboundMessage("t", Array.Empty<byte>()) { MessageId = "m-2" }, "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, a.Outcome);
        Assert.Equal(MessageOutcome.Processed, b.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task CloudEventRepublishedWithANewTime_IsADuplicate_NotAConflict()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        await harness.Consumer.ProcessAsync(new InboundMessage("t", Encoding.UTF8.GetBytes("{\"id\":\"ce-1\",\"data\":1,\"time\":\"2026-11-30T10:00:00Z\"}")), "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);
        var again = await harness.Consumer.ProcessAsync(new InboundMessage("t", Encoding.UTF8.GetBytes("{\"id\":\"ce-1\",\"data\":1,\"time\":\"2026-11-30T10:05:00Z\"}")), "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Duplicate, again.Outcome);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task NullEventId_DoesNotHideTheCloudEventsId()
    {
        using var harness = new ConsumerHarness();

        var result = await harness.Consumer.ProcessAsync(new InboundMessage("t", Encoding.UTF8.GetBytes("{\"eventId\":null,\"id\":\"A\"}")), "h", (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, result.Outcome);
        Assert.Equal(MessageKeySource.EventId, result.KeySource);
    }

    // Found by attack: a key the engine refuses (not printable ASCII) dead-lettered the message although a valid key came
    // next in the precedence. It now gives way to the next source.
    [Fact]
    public async Task NonAsciiEventId_GivesWayToTheMessageId()
    {
        using var harness = new ConsumerHarness();
        var runs = 0;
        var message = new InboundMessage("t", Encoding.UTF8.GetBytes("{\"eventId\":\"commande-\u00e9-1\",\"v\":1}")) { MessageId = "msg-1" };

        var result = await harness.Consumer.ProcessAsync(message, "h", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, result.Outcome);
        Assert.Equal(MessageKeySource.MessageId, result.KeySource);
        Assert.Equal(1, runs);
    }
}
