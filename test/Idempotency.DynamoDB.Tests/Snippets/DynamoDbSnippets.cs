// The snippet shows every using a user needs; here the namespace already brings Idempotency.DynamoDB.
#pragma warning disable IDE0005
#region snippet: dynamodb-without-host
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Idempotency.DynamoDB;
using Microsoft.Extensions.DependencyInjection;
#endregion
#pragma warning restore IDE0005

namespace Idempotency.DynamoDB.Tests.Snippets;

/// <summary>The code blocks of the package README and docs/stores/dynamodb.md, compiled here.</summary>
internal static class DynamoDbSnippets
{
    public static void Register(IServiceCollection services)
    {
        #region snippet: package-dynamodb
        services.AddSingleton<IAmazonDynamoDB>(new AmazonDynamoDBClient());   // region and credentials from the environment
        services
            .AddIdempotency(options => options.ServiceName = "orders-api")
            .AddDynamoDbStore(options => options.CreateTableOnStartup = true);
        #endregion
    }

    public static void RegisterKeyed(IServiceCollection services, AmazonDynamoDBClient idempotencyClient)
    {
        #region snippet: dynamodb-keyed-client
        services.AddKeyedSingleton<IAmazonDynamoDB>("idempotency", idempotencyClient);
        services
            .AddIdempotency(options => options.ServiceName = "orders-api")
            .AddDynamoDbStore(options =>
            {
                options.ClientServiceKey = "idempotency";
                options.TableName = "orders-idempotency";
                options.NativeExpiryDelay = TimeSpan.FromHours(1);
            });
        #endregion
    }

    public static async Task CreateAsync(IAmazonDynamoDB client, CancellationToken cancellationToken)
    {
        #region snippet: dynamodb-create-table
        var store = new DynamoDbIdempotencyStore(client, new DynamoDbStoreOptions { TableName = "idempotency_records" });
        await store.CreateTableAsync(cancellationToken);   // creates it unless it exists, waits until ACTIVE, enables TTL
        #endregion
    }

    public static async Task<IServiceProvider> WithoutHostAsync(CancellationToken cancellationToken)
    {
        #region snippet: dynamodb-without-host
        // A function without a generic host: no hosted service runs, so create the table (once, cheap when it exists) yourself.
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),                          // a local endpoint takes any credentials
            new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:4567" })); // dynalite; leave out for AWS itself
        services.AddIdempotency(options => options.ServiceName = "quests").AddDynamoDbStore();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<DynamoDbIdempotencyStore>().CreateTableAsync(cancellationToken);
        #endregion
        return provider;
    }
}
