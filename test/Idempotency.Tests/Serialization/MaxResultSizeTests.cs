using System.Buffers.Binary;

namespace Idempotency.Tests.Serialization;

// Found by attack: a stored record's stated uncompressed length was trusted up to 256 MiB, so a hostile record made each
// replay allocate that much. The length is now capped by MaxResultSize (a larger claim is corrupt, before allocating),
// and a result larger than MaxResultSize is not stored, so nothing the engine writes can exceed what it reads back.
public sealed class MaxResultSizeTests
{
    private static readonly IdempotencyRequest Request = new("exports", "k1");

    [Fact]
    public void Decode_CompressedPayloadClaimingMoreThanTheCap_IsCorruptWithoutAllocatingIt()
    {
        var hostile = new byte[Payload.HeaderLength + 4 + 16];
        Payload.WriteHeader(hostile, PayloadKind.Value, flags: 1);
        BinaryPrimitives.WriteInt32LittleEndian(hostile.AsSpan(Payload.HeaderLength), 200 * 1024 * 1024);
        Assert.Throws<IdempotencyRecordCorruptException>(() => Payload.Decode("k", hostile, maxBodyLength: 1024)); // warms the path up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IdempotencyRecordCorruptException>(() => Payload.Decode("k", hostile, maxBodyLength: 16 * 1024 * 1024));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("MaxResultSize", ex.Reason, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 64 * 1024);
    }

    [Fact]
    public async Task BeginAsync_StoredRecordClaimingMoreThanMaxResultSize_IsCorrupt()
    {
        using var harness = new EngineHarness(o => o.MaxResultSize = 4096);
        var body = new byte[8192];
        var payload = Payload.Encode(PayloadKind.Value, body, compressionThreshold: 1); // zeros compress well
        Assert.Equal(1, payload[2]); // stored compressed, stating 8 192 bytes
        await CorruptRecordTests.WriteCompletedAsync(harness, harness.StoreKey("exports", "k1"), payload);

        await using var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.RecordCorrupt, claim.Status);
        Assert.Contains("MaxResultSize", claim.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ResultLargerThanMaxResultSize_IsNotStoredAndNeverRunsTwice()
    {
        using var harness = new EngineHarness(o => o.MaxResultSize = 1024);
        var runs = 0;

        var result = await harness.RunAsync(Request, () =>
        {
            Interlocked.Increment(ref runs);
            return new string('x', 2000);
        });
        await using var retry = await harness.Executor.BeginAsync(Request, CancellationToken.None);

        Assert.True(result.ResultNotStored);
        Assert.Equal(2000, result.Value.Length); // the caller still gets its result
        Assert.Equal(IdempotencyClaimStatus.ResultNotStored, retry.Status);
        Assert.Contains("MaxResultSize", retry.Reason, StringComparison.Ordinal);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task CompleteRawAsync_BodyLargerThanMaxResultSize_IsNotStored()
    {
        using var harness = new EngineHarness(o => o.MaxResultSize = 1024);
        await using (var claim = await harness.Executor.BeginAsync(Request, CancellationToken.None))
        {
            Assert.Equal(IdempotencyCompletion.NotStored, await claim.CompleteRawAsync(new byte[1025], CancellationToken.None));
        }

        await using var retry = await harness.Executor.BeginAsync(Request, CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.ResultNotStored, retry.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1024 * 1024 * 1024 + 1)]
    public void Validator_MaxResultSizeOutOfRange_IsRejected(int size)
    {
        var errors = IdempotencyOptionsValidator.Errors(new IdempotencyOptions { MaxResultSize = size });

        Assert.Contains(errors, e => e.Contains("MaxResultSize", StringComparison.Ordinal));
    }
}
