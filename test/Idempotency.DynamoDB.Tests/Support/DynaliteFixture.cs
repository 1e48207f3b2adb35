using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Idempotency.TestServers;

namespace Idempotency.DynamoDB.Tests;

/// <summary>One dynalite for the test collection, a client to it, and the shared table most tests use (each test its own keys).</summary>
public sealed class DynaliteFixture : IAsyncLifetime
{
    public const string SharedTable = "idempotency_shared";

    public DynaliteServer Server { get; } = new();

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public DynamoDbIdempotencyStore SharedStore { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Client = CreateClient(Server.ServiceUrl);
        SharedStore = new DynamoDbIdempotencyStore(Client, new DynamoDbStoreOptions { TableName = SharedTable });
        await SharedStore.CreateTableAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A store on a new table of its own, created by the store's own helper.</summary>
    public async Task<DynamoDbIdempotencyStore> CreateStoreOnNewTableAsync(DynamoDbStoreOptions? options = null)
    {
        options ??= new DynamoDbStoreOptions();
        options.TableName = $"t-{Guid.NewGuid():N}";
        var store = new DynamoDbIdempotencyStore(Client, options);
        await store.CreateTableAsync(CancellationToken.None);
        return store;
    }

    /// <summary>
    /// A client for a local endpoint: fixed dummy credentials (dynalite checks only that a request is signed), and few
    /// retries, so an outage test fails within seconds rather than after the SDK's full backoff. A test that disturbs the
    /// network gives the SDK its own HTTP clients (<see cref="LostResponses"/>).
    /// </summary>
    public static AmazonDynamoDBClient CreateClient(string serviceUrl, HttpClientFactory? httpClientFactory = null)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = serviceUrl,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 1,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (httpClientFactory is not null)
        {
            config.HttpClientFactory = httpClientFactory;
        }

        return new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), config);
    }
}

[CollectionDefinition(Name)]
public sealed class DynaliteCollection : ICollectionFixture<DynaliteFixture>
{
    public const string Name = "dynalite";
}
