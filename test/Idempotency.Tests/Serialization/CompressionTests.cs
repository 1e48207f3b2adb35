using System.Security.Cryptography;

namespace Idempotency.Tests.Serialization;

// SPEC §3.11: results above the threshold are stored compressed (payload byte 2, bit 0) and replay exactly.
public sealed class CompressionTests
{
    [Fact]
    public async Task ExecuteAsync_ResultAboveThreshold_IsStoredCompressedAndReplaysExactly()
    {
        using var harness = new EngineHarness();
        var big = string.Concat(Enumerable.Repeat("the same line of text, again and again; ", 500));
        var runs = 0;

        await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () =>
        {
            Interlocked.Increment(ref runs);
            return big;
        });
        var record = await harness.ReadAsync("reports", "k1");
        var replay = await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => "other");

        Assert.Equal(1, record!.Payload.Span[0]);
        Assert.Equal((byte)PayloadKind.Value, record.Payload.Span[1]);
        Assert.Equal(1, record.Payload.Span[2]);
        Assert.True(record.Payload.Length < big.Length / 10, $"Stored {record.Payload.Length} bytes for a {big.Length}-character result.");
        Assert.Equal(big, replay.Value);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_ResultBelowThreshold_IsStoredPlain()
    {
        using var harness = new EngineHarness();

        await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => new string('a', 100));

        var record = await harness.ReadAsync("reports", "k1");
        Assert.Equal(0, record!.Payload.Span[2]);
    }

    [Fact]
    public async Task ExecuteAsync_CustomThreshold_CompressesAboveIt()
    {
        using var harness = new EngineHarness(o => o.CompressionThreshold = 64);

        await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => new string('a', 200));
        var replay = await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => string.Empty);

        Assert.Equal(1, (await harness.ReadAsync("reports", "k1"))!.Payload.Span[2]);
        Assert.Equal(new string('a', 200), replay.Value);
    }

    [Fact]
    public async Task ExecuteAsync_CompressionDisabled_StoresPlain()
    {
        using var harness = new EngineHarness(o => o.CompressionThreshold = 0);
        var big = new string('a', 100_000);

        await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => big);
        var replay = await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => string.Empty);

        Assert.Equal(0, (await harness.ReadAsync("reports", "k1"))!.Payload.Span[2]);
        Assert.Equal(big, replay.Value);
    }

    [Fact]
    public async Task ExecuteAsync_IncompressibleLargeResult_ReplaysExactly()
    {
        using var harness = new EngineHarness();
        var noise = RandomNumberGenerator.GetBytes(50_000);

        await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => noise);
        var replay = await harness.RunAsync(new IdempotencyRequest("reports", "k1"), () => Array.Empty<byte>());

        Assert.Equal(noise, replay.Value);
    }

    [Fact]
    public async Task ExecuteAsync_LargeRawClaimBody_IsCompressedAndReplayedExactly()
    {
        using var harness = new EngineHarness();
        var body = new byte[20_000];
        Array.Fill(body, (byte)'x');
        await using (var claim = await harness.Executor.BeginAsync(new IdempotencyRequest("http", "k1"), CancellationToken.None))
        {
            await claim.CompleteRawAsync(body, CancellationToken.None);
        }

        await using var replay = await harness.Executor.BeginAsync(new IdempotencyRequest("http", "k1"), CancellationToken.None);

        Assert.Equal(1, (await harness.ReadAsync("http", "k1"))!.Payload.Span[2]);
        Assert.Equal(IdempotencyClaimStatus.Replayed, replay.Status);
        Assert.True(replay.TryGetReplayedRaw(out var raw));
        Assert.Equal(body, raw.ToArray());
    }
}
