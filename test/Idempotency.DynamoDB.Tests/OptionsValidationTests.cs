using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.DynamoDB.Tests;

/// <summary>Options are checked once, at start-up or in the constructor, with every problem named.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class OptionsValidationTests(DynaliteFixture dynalite)
{
    [Theory]
    [InlineData("ab", "TableName must be 3 to 255 characters long.")]
    [InlineData("has space", "TableName may hold only letters, digits, '_', '-' and '.' (DynamoDB's table-name rules).")]
    [InlineData("idem:records", "TableName may hold only letters, digits, '_', '-' and '.' (DynamoDB's table-name rules).")]
    public void Constructor_InvalidTableName_ThrowsNamingIt(string table, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = table }));

        Assert.Equal($"Invalid DynamoDbStoreOptions: {message} (Parameter 'options')", error.Message);
    }

    [Fact]
    public void Constructor_NegativeNativeExpiryDelay_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { NativeExpiryDelay = TimeSpan.FromSeconds(-1) }));

        Assert.Contains("NativeExpiryDelay must be between zero and 365 days.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Defaults_TableNameIdempotencyRecords()
    {
        Assert.Equal("idempotency_records", new DynamoDbIdempotencyStore(dynalite.Client).TableName);
        Assert.Equal(TimeSpan.FromHours(1), new DynamoDbStoreOptions().NativeExpiryDelay);
        Assert.False(new DynamoDbStoreOptions().CreateTableOnStartup);
    }

    [Fact]
    public void AddDynamoDbStore_InvalidOptions_FailsWhenResolvedWithEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(dynalite.Client);
        services.AddIdempotency().AddDynamoDbStore(o =>
        {
            o.TableName = "x";
            o.NativeExpiryDelay = TimeSpan.FromDays(400);
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value);

        Assert.Equal(2, error.Failures.Count());
    }

    [Fact]
    public void AddDynamoDbStore_NoClient_SaysWhatToRegister()
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddDynamoDbStore();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IIdempotencyStore>());

        Assert.StartsWith("AddDynamoDbStore needs an IAmazonDynamoDB in the services", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDynamoDbStore_KeyedClient_UsesIt()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IAmazonDynamoDB>("idempotency", dynalite.Client);
        services.AddIdempotency().AddDynamoDbStore(o =>
        {
            o.ClientServiceKey = "idempotency";
            o.TableName = DynaliteFixture.SharedTable;
        });
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IIdempotencyStore>();

        Assert.IsType<DynamoDbIdempotencyStore>(store);
        Assert.Null(await store.GetAsync($"absent-{Guid.NewGuid():N}", DateTimeOffset.UnixEpoch, default));
    }
}
