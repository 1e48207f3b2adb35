using System.Text;

namespace Idempotency.Messaging.Tests;

// A numeric event id is a number, not a spelling: publishers that write 1, 1.0 or 1e0 (a serializer that emits doubles,
// a re-publish through another language) send one event, and its handler must run once.
public sealed class NumericEventIdTests
{
    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("1", "1e0")]
    [InlineData("1", "10e-1")]
    [InlineData("1.5", "15E-1")]
    [InlineData("100", "1e2")]
    [InlineData("0", "-0.0")]
    [InlineData("12345678901234567890123", "1.2345678901234567890123e22")]
    public async Task NumbersEqualAsNumbers_AreOneEvent_TheHandlerRunsOnce(string first, string again)
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        var processed = await harness.Consumer.ProcessAsync(Message(first), "charge", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);
        var duplicate = await harness.Consumer.ProcessAsync(Message(again), "charge", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, processed.Outcome);
        Assert.Equal(MessageKeySource.EventId, processed.KeySource);
        Assert.Equal(MessageOutcome.Duplicate, duplicate.Outcome);
        Assert.Equal(MessageKeySource.EventId, duplicate.KeySource);
        Assert.Equal(1, runs);
    }

    [Theory]
    [InlineData("9007199254740992", "9007199254740993")] // equal as doubles (2^53 and 2^53 + 1), not as numbers
    [InlineData("1", "1.0000000000000000000001")]
    [InlineData("1", "-1")]
    public async Task NumbersThatDiffer_AreTwoEvents_EvenWhereADoubleCannotTellThemApart(string first, string second)
    {
        using var harness = new ConsumerHarness();
        var runs = 0;

        await harness.Consumer.ProcessAsync(Message(first), "charge", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);
        var other = await harness.Consumer.ProcessAsync(Message(second), "charge", (_, _) => { runs++; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, other.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task NumberBeyondTheCanonicalRange_GivesNoKey_TheNextSourceIsUsed()
    {
        using var harness = new ConsumerHarness();

        var result = await harness.Consumer.ProcessAsync(Message("1e1000000", messageId: "msg-1"), "charge", (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal(MessageOutcome.Processed, result.Outcome);
        Assert.Equal(MessageKeySource.MessageId, result.KeySource);
    }

    private static InboundMessage Message(string eventId, string? messageId = null) =>
        new("payment.charged", Encoding.UTF8.GetBytes($$"""{"eventId":{{eventId}},"occurredAt":"{{Guid.NewGuid():N}}","amount":10}""")) { MessageId = messageId };
}
