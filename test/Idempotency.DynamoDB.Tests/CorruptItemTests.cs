using Amazon.DynamoDBv2.Model;
using static Idempotency.DynamoDB.Tests.RawItems;

namespace Idempotency.DynamoDB.Tests;

/// <summary>Items this store did not write: reported corrupt by every read, and never overwritten by a claim.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class CorruptItemTests(DynaliteFixture dynalite)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Defects => new()
    {
        { "revision 2", "unknown format revision 2 (this store reads revision 1); it was not written by this store or by a newer version of it" },
        { "status 7", "unknown record status 7" },
        { "owner missing", "the attribute 'owner' is missing" },
        { "expiry as text", "the attribute 'expires_ms' is missing or not a number" },
        { "payload as text", "the attribute 'payload' is not binary" },
        { "retryable as number", "the attribute 'retryable' is not a boolean" },
        { "expiry out of range", "the attribute 'expires_ms' is a time out of range" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task ClaimAndGet_CorruptItem_ThrowCorruptAndLeaveItAlone(string defect, string reason)
    {
        var key = Key("corrupt");
        var item = Valid(key);
        switch (defect)
        {
            case "revision 2": item["rev"] = N(2); break;
            case "status 7": item["status"] = N(7); break;
            case "owner missing": item.Remove("owner"); break;
            case "expiry as text": item["expires_ms"] = S("tomorrow"); break;
            case "payload as text": item["payload"] = S("not bytes"); break;
            case "retryable as number": item["retryable"] = N(1); break;
            case "expiry out of range": item["expires_ms"] = N(long.MaxValue); break;
        }

        await WriteAsync(dynalite, DynaliteFixture.SharedTable, item);
        var store = dynalite.SharedStore;

        var claim = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () =>
            await store.ClaimAsync(new(key, "new-owner", "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default));
        var get = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await store.GetAsync(key, Now, default));

        Assert.Equal(reason, claim.Reason);
        Assert.Equal(reason, get.Reason);
        Assert.Equal(key, claim.StoreKey);
        var after = await ReadAsync(dynalite, DynaliteFixture.SharedTable, key);
        Assert.Equal(item.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(item["status"].N ?? item["status"].S, after["status"].N);
    }

    [Fact]
    public async Task CompleteAsync_ItemOfAnotherRevision_ReportsLeaseLostAndLeavesIt()
    {
        var key = Key("revision");
        var item = Valid(key);
        item["rev"] = N(2);
        await WriteAsync(dynalite, DynaliteFixture.SharedTable, item);

        Assert.False(await dynalite.SharedStore.CompleteAsync(key, "someone", new byte[] { 1 }, Now, TimeSpan.FromHours(1), default));

        var after = await ReadAsync(dynalite, DynaliteFixture.SharedTable, key);
        Assert.Equal("0", after["status"].N);
        Assert.False(after.ContainsKey("payload"));
    }

    [Fact]
    public async Task CountByStatusAsync_UnreadableItems_AreNotCounted()
    {
        var store = await dynalite.CreateStoreOnNewTableAsync();
        var completed = Valid(Key("count"));
        completed["status"] = N(1);
        var otherRevision = Valid(Key("count"));
        otherRevision["status"] = N(1);
        otherRevision["rev"] = N(2);
        var revisionAsText = Valid(Key("count"));
        revisionAsText["rev"] = S("1");
        var ownerMissing = Valid(Key("count"));
        ownerMissing.Remove("owner");
        var ownerAsNumber = Valid(Key("count"));
        ownerAsNumber["owner"] = N(5);
        var unknownStatus = Valid(Key("count"));
        unknownStatus["status"] = N(7);
        foreach (var item in new[] { Valid(Key("count")), completed, otherRevision, revisionAsText, ownerMissing, ownerAsNumber, unknownStatus })
        {
            await WriteAsync(dynalite, store.TableName, item);
        }

        var counts = await store.CountByStatusAsync(Now, default);

        Assert.Equal(1, counts[IdempotencyRecordStatus.InProgress]);
        Assert.Equal(1, counts[IdempotencyRecordStatus.Completed]);
        Assert.Equal(0, counts[IdempotencyRecordStatus.Failed]);
    }

    // A live in-progress item exactly as the store writes it.
    private static Dictionary<string, AttributeValue> Valid(string key) => new()
    {
        ["pk"] = S(key),
        ["rev"] = N(1),
        ["status"] = N(0),
        ["owner"] = S("someone"),
        ["created_ms"] = N(Now.ToUnixTimeMilliseconds()),
        ["lease_expires_ms"] = N((Now + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds()),
        ["expires_ms"] = N((Now + TimeSpan.FromHours(1)).ToUnixTimeMilliseconds()),
        ["ttl"] = N(Now.ToUnixTimeSeconds() + 7200),
    };
}
