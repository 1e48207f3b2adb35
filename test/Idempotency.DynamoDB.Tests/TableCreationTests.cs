using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Idempotency.DynamoDB.Tests;

/// <summary>The table creation helper: the documented table, idempotent, and loud about a table it cannot use.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class TableCreationTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task CreateTableAsync_NewTable_HashKeyPkStringOnDemand()
    {
        var store = await dynalite.CreateStoreOnNewTableAsync();

        var table = (await dynalite.Client.DescribeTableAsync(store.TableName)).Table;

        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        var key = Assert.Single(table.KeySchema);
        Assert.Equal("pk", key.AttributeName);
        Assert.Equal(KeyType.HASH, key.KeyType);
        Assert.Equal(ScalarAttributeType.S, Assert.Single(table.AttributeDefinitions).AttributeType);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode ?? BillingMode.PAY_PER_REQUEST);
    }

    [Fact]
    public async Task CreateTableAsync_EndpointWithoutTtl_LogsReadyWithoutClaimingTtl()
    {
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = new LoggerFactory([logs]);
        var store = new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = $"t-{Guid.NewGuid():N}" }, loggerFactory);

        await store.CreateTableAsync(default);

        var records = logs.Collector.GetSnapshot();
        Assert.Equal(LogLevel.Warning, Assert.Single(records, r => r.Id.Id == 2202).Level);
        var ready = Assert.Single(records, r => r.Id.Id == 2201).Message;
        Assert.Contains("native TTL unsupported by this endpoint", ready, StringComparison.Ordinal);
        Assert.DoesNotContain("on attribute", ready, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTableAsync_Twice_KeepsTableAndRecords()
    {
        var store = await dynalite.CreateStoreOnNewTableAsync();
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        await store.ClaimAsync(new("kept", "o", "f", now, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), default);

        await store.CreateTableAsync(default);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.CreateTableAsync(default).AsTask()));

        Assert.Equal("o", (await store.GetAsync("kept", now, default))!.OwnerToken);
    }

    [Fact]
    public async Task CreateTableAsync_ExistingTableWithOtherKey_ThrowsMisconfigured()
    {
        var name = $"other-{Guid.NewGuid():N}";
        await dynalite.Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        var store = new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = name });

        var error = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () => await store.CreateTableAsync(default));
        var claim = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () =>
            await store.ClaimAsync(new("k", "o", "f", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), default));

        Assert.Contains("another key schema (id HASH)", error.Message, StringComparison.Ordinal);
        Assert.Contains("partition key 'pk' of type S", claim.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTableOnStartup_HostStarts_TableExists()
    {
        var name = $"startup-{Guid.NewGuid():N}";
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(dynalite.Client);
        services.AddIdempotency().AddDynamoDbStore(o =>
        {
            o.TableName = name;
            o.CreateTableOnStartup = true;
        });
        await using var provider = services.BuildServiceProvider();

        // What a host does at start-up.
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(default);
        }

        Assert.Equal(TableStatus.ACTIVE, (await dynalite.Client.DescribeTableAsync(name)).Table.TableStatus);
        Assert.Same(provider.GetRequiredService<DynamoDbIdempotencyStore>(), provider.GetRequiredService<IIdempotencyStore>());
    }
}
