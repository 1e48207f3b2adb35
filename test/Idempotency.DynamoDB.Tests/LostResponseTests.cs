using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static Idempotency.DynamoDB.Tests.RawItems;

namespace Idempotency.DynamoDB.Tests;

/// <summary>
/// A write that landed but whose answer was lost: the SDK repeats it, the guard refuses the repeat, and dynalite (like
/// older emulators) does not return the old item. A consistent read-back tells "already done by me" from "taken over".
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class LostResponseTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly DynaliteFixture _dynalite;
    private readonly LostResponses _network = new();
    private readonly AmazonDynamoDBClient _client;

    public LostResponseTests(DynaliteFixture dynalite)
    {
        _dynalite = dynalite;
        _client = _network.CreateClient(dynalite.Server.ServiceUrl);
    }

    [Fact]
    public async Task CompleteAsync_AnswerLostAfterTheWriteLanded_ReportsStored()
    {
        var (store, key) = await ClaimedAsync("owner-1");

        _network.LoseNext("UpdateItem");
        var written = await store.CompleteAsync(key, "owner-1", new byte[] { 7 }, Now, TimeSpan.FromHours(1), default);

        Assert.True(written);
        Assert.Equal(2, _network.Sent("UpdateItem"));
        Assert.Equal(1, _network.Sent("GetItem"));
        var item = await ReadAsync(_dynalite, DynaliteFixture.SharedTable, key);
        Assert.Equal("1", item["status"].N);
        Assert.Equal("owner-1", item["owner"].S);
    }

    [Fact]
    public async Task FailAsync_AnswerLostAfterTheWriteLanded_ReportsStored()
    {
        var (store, key) = await ClaimedAsync("owner-1");

        _network.LoseNext("UpdateItem");

        Assert.True(await store.FailAsync(key, "owner-1", new byte[] { 7 }, retryable: false, Now, TimeSpan.FromHours(1), default));
        Assert.Equal("2", (await ReadAsync(_dynalite, DynaliteFixture.SharedTable, key))["status"].N);
    }

    [Fact]
    public async Task CompleteAsync_TakenOverByAnotherOwner_StillReportsLeaseLost()
    {
        var (store, key) = await ClaimedAsync("owner-1");
        var later = Now + TimeSpan.FromMinutes(1);
        Assert.True((await store.ClaimAsync(new(key, "owner-2", "fp", later, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default)).IsAcquired);

        // Owner 2 completes first; owner 1's late write is refused, read back, and seen to be someone else's.
        Assert.True(await store.CompleteAsync(key, "owner-2", new byte[] { 2 }, later, TimeSpan.FromHours(1), default));
        Assert.False(await store.CompleteAsync(key, "owner-1", new byte[] { 1 }, later, TimeSpan.FromHours(1), default));

        var item = await ReadAsync(_dynalite, DynaliteFixture.SharedTable, key);
        Assert.Equal("owner-2", item["owner"].S);
    }

    [Fact]
    public async Task ExecuteAsync_CompletionAnswerLost_ExecutedOnceStoredAndNoLeaseLostWarning()
    {
        var store = new DynamoDbIdempotencyStore(_client, new DynamoDbStoreOptions { TableName = DynaliteFixture.SharedTable });
        var logs = new FakeLogCollector();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug));
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "dynamodb-tests" }, store, loggerFactory: logging);
        var request = new IdempotencyRequest("lost-answer", Guid.NewGuid().ToString("N"));
        var runs = 0;

        _network.LoseNext("UpdateItem");
        var first = await executor.ExecuteAsync(request, _ => ValueTask.FromResult(++runs), default);
        var retry = await executor.ExecuteAsync(request, _ => ValueTask.FromResult(++runs), default);

        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.False(first.LeaseLost);
        Assert.False(first.ResultNotStored);
        Assert.True(retry.IsReplayed);
        Assert.Equal(1, retry.Value);
        Assert.Equal(1, runs);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name == "LeaseLost");
    }

    public void Dispose()
    {
        _client.Dispose();
        _network.Dispose();
    }

    // A store on the shared table whose requests go through the disturbed network, and a key it holds in progress.
    private async Task<(DynamoDbIdempotencyStore Store, string Key)> ClaimedAsync(string owner)
    {
        var store = new DynamoDbIdempotencyStore(_client, new DynamoDbStoreOptions { TableName = DynaliteFixture.SharedTable });
        var key = Key("lost-answer");
        Assert.True((await store.ClaimAsync(new(key, owner, "fp", Now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default)).IsAcquired);
        return (store, key);
    }
}
