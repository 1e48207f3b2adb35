using System.Text;

namespace Idempotency.Tests.Serialization;

// SPEC §3.11 and §10: a stored value the engine cannot read is a clear error, never a crash and never a second run.
public sealed class CorruptRecordTests
{
    private static readonly IdempotencyRequest Request = new("orders", "k1");

    public static TheoryData<string, byte[]> CorruptPayloads => new()
    {
        { "empty", [] },
        { "shorter than header", [1, 1] },
        { "garbage", Encoding.UTF8.GetBytes("not an idempotency payload at all") },
        { "unknown revision", [2, 1, 0, (byte)'1'] },
        { "revision zero", [0, 1, 0, (byte)'1'] },
        { "unknown kind", [1, 9, 0, (byte)'1'] },
        { "kind zero", [1, 0, 0, (byte)'1'] },
        { "unknown flags", [1, 1, 2, (byte)'1'] },
        { "compressed but truncated", [1, 1, 1, 5] },
        { "compressed with negative length", [1, 1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3] },
        { "compressed with huge length", [1, 1, 1, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3] },
        { "compressed garbage", [1, 1, 1, 10, 0, 0, 0, 1, 2, 3, 4, 5] },
        { "value not valid json", [1, 1, 0, (byte)'{', (byte)'x'] },
        { "value of another type", [1, 1, 0, .. Encoding.UTF8.GetBytes("\"text\"")] },
        { "completed record holding an error", [1, 4, 0, .. Encoding.UTF8.GetBytes("""{"Type":"X","Message":"m"}""")] },
    };

    [Theory]
    [MemberData(nameof(CorruptPayloads))]
    public async Task ExecuteAsync_CorruptStoredPayload_ThrowsCorruptWithoutRunning(string what, byte[] payload)
    {
        using var harness = new EngineHarness();
        var storeKey = harness.StoreKey("orders", "k1");
        await WriteCompletedAsync(harness, storeKey, payload);
        var runs = 0;

        var ex = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal(storeKey, ex.StoreKey);
        Assert.False(string.IsNullOrWhiteSpace(ex.Reason), what);
        Assert.Contains(harness.Logs.GetSnapshot(), log => log.Id.Name == "CorruptRecord");
        var record = await harness.ReadAsync("orders", "k1");
        Assert.Equal(payload, record!.Payload.ToArray());
    }

    [Fact]
    public async Task ExecuteAsync_CorruptFailedRecord_ThrowsCorruptWithoutRunning()
    {
        using var harness = new EngineHarness();
        var storeKey = harness.StoreKey("orders", "k1");
        await harness.Memory.ClaimAsync(new IdempotencyClaimRequest(storeKey, "writer", string.Empty, harness.Clock.GetUtcNow(), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), CancellationToken.None);
        await harness.Memory.FailAsync(storeKey, "writer", new byte[] { 1, 4, 0, (byte)'x' }, retryable: false, harness.Clock.GetUtcNow(), TimeSpan.FromHours(1), CancellationToken.None);
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
    }

    // Found by fuzzing (test/Idempotency.PropertyTests): a stored failure without its type or message was read with
    // nulls, which reached IdempotencyPreviouslyFailedException's ErrorType and ErrorMessage, declared never null.
    [Theory]
    [InlineData("{}")]
    [InlineData("""{"Type":null,"Message":"m"}""")]
    [InlineData("""{"Type":"T"}""")]
    public async Task ExecuteAsync_FailedRecordWithoutTypeOrMessage_ThrowsCorruptWithoutRunning(string failure)
    {
        using var harness = new EngineHarness();
        var storeKey = harness.StoreKey("orders", "k1");
        await harness.Memory.ClaimAsync(new IdempotencyClaimRequest(storeKey, "writer", string.Empty, harness.Clock.GetUtcNow(), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), CancellationToken.None);
        await harness.Memory.FailAsync(storeKey, "writer", (byte[])[1, 4, 0, .. System.Text.Encoding.UTF8.GetBytes(failure)], retryable: false, harness.Clock.GetUtcNow(), TimeSpan.FromHours(1), CancellationToken.None);
        var runs = 0;

        var error = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Contains("no type or no message", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_FailedRecordHoldingAValue_ThrowsCorruptWithoutRunning()
    {
        using var harness = new EngineHarness();
        var storeKey = harness.StoreKey("orders", "k1");
        await harness.Memory.ClaimAsync(new IdempotencyClaimRequest(storeKey, "writer", string.Empty, harness.Clock.GetUtcNow(), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), CancellationToken.None);
        await harness.Memory.FailAsync(storeKey, "writer", new byte[] { 1, 1, 0, (byte)'1' }, retryable: false, harness.Clock.GetUtcNow(), TimeSpan.FromHours(1), CancellationToken.None);
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => harness.RunAsync(Request, () => Interlocked.Increment(ref runs)).AsTask());

        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task ExecuteAsync_CorruptRecord_IsCountedAsCorrupt()
    {
        using var harness = new EngineHarness();
        await WriteCompletedAsync(harness, harness.StoreKey("orders", "k1"), [9, 9, 9]);

        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => harness.RunAsync(Request, () => 1).AsTask());

        Assert.Equal(1, harness.CountOutcome("corrupt_record"));
    }

    [Fact]
    public async Task ExecuteAsync_CorruptRecordDeletedByOperator_RunsAgain()
    {
        using var harness = new EngineHarness();
        await WriteCompletedAsync(harness, harness.StoreKey("orders", "k1"), [9, 9, 9]);
        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(() => harness.RunAsync(Request, () => 1).AsTask());

        Assert.True(await harness.Administrator.DeleteAsync("orders", "k1", null, CancellationToken.None));
        var result = await harness.RunAsync(Request, () => 2);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(2, result.Value);
    }

    internal static async Task WriteCompletedAsync(EngineHarness harness, string storeKey, byte[] payload)
    {
        var now = harness.Clock.GetUtcNow();
        var claim = await harness.Memory.ClaimAsync(new IdempotencyClaimRequest(storeKey, "foreign-writer", string.Empty, now, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.True(claim.IsAcquired);
        Assert.True(await harness.Memory.CompleteAsync(storeKey, "foreign-writer", payload, now, TimeSpan.FromHours(1), CancellationToken.None));
    }
}
