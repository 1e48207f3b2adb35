using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;

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
}
