using System.Security.Cryptography;
using Idempotency.Testing;
using static Idempotency.DynamoDB.Tests.RawItems;

namespace Idempotency.DynamoDB.Tests;

/// <summary>
/// DynamoDB items stop at 400 KB (SPEC 3.11): a result above it is refused with nothing written, and through the engine
/// the key is never left in progress and the operation never runs again: retries are told the result is not stored.
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class ItemSizeTests(DynaliteFixture dynalite)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CompleteAsync_LargestPayloadThatFits_IsStored()
    {
        var key = Key(nameof(CompleteAsync_LargestPayloadThatFits_IsStored));
        var payload = RandomNumberGenerator.GetBytes(DynamoDbItemSize.MaxPayload(key, "owner-1", "fp"));
        await ClaimAsync(key);

        Assert.True(await dynalite.SharedStore.CompleteAsync(key, "owner-1", payload, Now, TimeSpan.FromHours(1), default));

        Assert.Equal(payload, (await dynalite.SharedStore.GetAsync(key, Now, default))!.Payload.ToArray());
    }

    [Fact]
    public async Task CompleteAsync_OneByteTooMany_ThrowsAndWritesNothing()
    {
        var key = Key(nameof(CompleteAsync_OneByteTooMany_ThrowsAndWritesNothing));
        var length = DynamoDbItemSize.MaxPayload(key, "owner-1", string.Empty) + 1;
        await ClaimAsync(key);

        var refused = await Assert.ThrowsAsync<IdempotencyStorePayloadTooLargeException>(async () =>
            await dynalite.SharedStore.CompleteAsync(key, "owner-1", new byte[length], Now, TimeSpan.FromHours(1), default));

        Assert.Equal(DynamoDbIdempotencyStore.MaxItemSize + 1, refused.RecordSize);
        Assert.Equal(409_600, refused.MaxRecordSize);
        Assert.Null(refused.InnerException); // refused before sending
        var record = await dynalite.SharedStore.GetAsync(key, Now, default);
        Assert.Equal(IdempotencyRecordStatus.InProgress, record!.Status);
        Assert.Equal("owner-1", record.OwnerToken);
    }

    [Fact]
    public async Task CompleteAsync_ServerRefusesSize_ThrowsTooLargeWithServerError()
    {
        // The completion does not know the fingerprint: a long one makes an item the estimate lets through and the
        // server refuses. That answer is the same exception, with nothing written.
        var key = Key(nameof(CompleteAsync_ServerRefusesSize_ThrowsTooLargeWithServerError));
        var fingerprint = new string('f', 2000);
        var length = DynamoDbItemSize.MaxPayload(key, "owner-1", string.Empty);
        await dynalite.SharedStore.ClaimAsync(new(key, "owner-1", fingerprint, Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default);

        var refused = await Assert.ThrowsAsync<IdempotencyStorePayloadTooLargeException>(async () =>
            await dynalite.SharedStore.FailAsync(key, "owner-1", new byte[length], retryable: false, Now, TimeSpan.FromHours(1), default));

        Assert.Contains("maximum allowed size", refused.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await dynalite.SharedStore.GetAsync(key, Now, default))!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_ResultAboveItemLimit_RunsOnceAndRetriesGetResultNotStored()
    {
        var counting = new CountingIdempotencyStore(dynalite.SharedStore);
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "dynamodb-tests" }, counting);
        var request = new IdempotencyRequest("big", Guid.NewGuid().ToString("N"));
        var runs = 0;

        // Random bytes: compression cannot bring them under the limit.
        var first = await executor.ExecuteAsync(request, _ => { runs++; return ValueTask.FromResult(RandomNumberGenerator.GetBytes(500_000)); }, default);
        var retry = await Assert.ThrowsAsync<IdempotencyResultNotStoredException>(async () =>
            await executor.ExecuteAsync(request, _ => { runs++; return ValueTask.FromResult(Array.Empty<byte>()); }, default));

        Assert.Equal(1, runs);
        Assert.Equal(500_000, first.Value.Length);
        Assert.True(first.ResultNotStored);
        Assert.Contains("larger than the 409600 bytes the store holds", retry.Reason, StringComparison.Ordinal);
        Assert.Equal(2, counting.Count(IdempotencyStoreOperation.Complete)); // the refused result, then the marker
        Assert.Equal(0, counting.Count(IdempotencyStoreOperation.Release));
    }

    [Fact]
    public async Task ExecuteAsync_RememberedFailureAboveItemLimit_ReleasesKey()
    {
        var options = new IdempotencyOptions { ServiceName = "dynamodb-tests" };
        options.DefaultPolicy.RememberFailure = _ => true;
        var executor = IdempotencyExecutor.Create(options, dynalite.SharedStore);
        var request = new IdempotencyRequest("big-failure", Guid.NewGuid().ToString("N"));
        var runs = 0;

        // Random text does not compress below the limit either.
        var message = Convert.ToBase64String(RandomNumberGenerator.GetBytes(600_000));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await executor.ExecuteAsync<int>(request, _ => { runs++; throw new InvalidOperationException(message); }, default));
        var retry = await executor.ExecuteAsync(request, _ => { runs++; return ValueTask.FromResult(7); }, default);

        Assert.Equal(2, runs);
        Assert.False(retry.IsReplayed);
        Assert.Equal(7, retry.Value);
    }

    private Task<IdempotencyClaimResult> ClaimAsync(string key) =>
        dynalite.SharedStore.ClaimAsync(new(key, "owner-1", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default).AsTask();
}
