namespace Idempotency.Tests.Keys;

// SPEC §3.9: 1-255 printable ASCII characters by default, configurable; invalid keys are rejected without echoing them.
public sealed class KeyValidationTests
{
    public static TheoryData<string> InvalidKeys => new()
    {
        new string('k', 256),
        "secret-with-newline\n",
        "secret-with-tab\t",
        "secret-with-nul\0",
        "secret-with-del\u007f",
        "secret-café",
        "secret-emoji-\U0001F600",
        "secret-nbsp\u00a0",
    };

    [Theory]
    [InlineData("a")]
    [InlineData(" ")]
    [InlineData("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~")]
    [InlineData("8f14e45f-ceea-467a-9b36-1a2b3c4d5e6f")]
    public async Task ExecuteAsync_PrintableAsciiKey_IsAccepted(string key)
    {
        using var harness = new EngineHarness();

        var result = await harness.RunAsync(new IdempotencyRequest("orders", key), () => 1);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_255PrintableAsciiCharacters_IsAccepted()
    {
        using var harness = new EngineHarness();
        var key = string.Concat(Enumerable.Range(0, 255).Select(i => (char)(' ' + (i % 95))));
        Assert.Equal(255, key.Length);

        var first = await harness.RunAsync(new IdempotencyRequest("orders", key), () => 1);
        var replay = await harness.RunAsync(new IdempotencyRequest("orders", key), () => 2);

        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(1, replay.Value);
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task ExecuteAsync_InvalidKey_ThrowsKeyInvalidWithoutEchoingKeyOrCallingStore(string key)
    {
        using var harness = new EngineHarness();
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => harness.RunAsync(new IdempotencyRequest("orders", key), () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal(0, harness.Calls.TotalCount);
        Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kkkkkkkk", ex.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
        Assert.Equal(1, harness.CountOutcome("key_invalid"));
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), log => log.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_CustomMaxKeyLength_AppliesIt()
    {
        using var harness = new EngineHarness(o => o.MaxKeyLength = 10);

        var ok = await harness.RunAsync(new IdempotencyRequest("orders", "0123456789"), () => 1);
        var ex = await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => harness.RunAsync(new IdempotencyRequest("orders", "0123456789A"), () => 1).AsTask());

        Assert.Equal(IdempotencyOutcome.Executed, ok.Outcome);
        Assert.Contains("10", ex.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789A", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_LongerMaxKeyLength_AcceptsLongKeys()
    {
        using var harness = new EngineHarness(o => o.MaxKeyLength = 1000);
        var key = new string('k', 1000);

        var result = await harness.RunAsync(new IdempotencyRequest("orders", key), () => 1);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.True(harness.StoreKey("orders", key).Length <= StoreKey.MaxLength);
    }

    [Fact]
    public async Task ExecuteAsync_CustomValidator_RejectsWhatItRejects()
    {
        using var harness = new EngineHarness(o => o.KeyValidator = key => Guid.TryParseExact(key, "D", out _));

        var ok = await harness.RunAsync(new IdempotencyRequest("orders", "8f14e45f-ceea-467a-9b36-1a2b3c4d5e6f"), () => 1);
        var ex = await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => harness.RunAsync(new IdempotencyRequest("orders", "secret-not-a-uuid"), () => 1).AsTask());

        Assert.Equal(IdempotencyOutcome.Executed, ok.Outcome);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_CustomValidator_ReplacesTheAsciiCheck()
    {
        // The validator defines the key format: it may admit characters the default check would refuse.
        using var harness = new EngineHarness(o => o.KeyValidator = _ => true);

        var result = await harness.RunAsync(new IdempotencyRequest("orders", "clé-unicode"), () => 1);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_CustomValidator_StillBoundedByMaxKeyLength()
    {
        using var harness = new EngineHarness(o => o.KeyValidator = _ => true);

        await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => harness.RunAsync(new IdempotencyRequest("orders", new string('k', 256)), () => 1).AsTask());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("has:colon")]
    [InlineData("é")]
    public async Task ExecuteAsync_InvalidOperationName_ThrowsArgumentException(string operation)
    {
        using var harness = new EngineHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.RunAsync(new IdempotencyRequest(operation, "k1"), () => 1).AsTask());

        Assert.Equal(0, harness.Calls.TotalCount);
    }
}
