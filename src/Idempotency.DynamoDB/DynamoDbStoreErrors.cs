using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Idempotency.DynamoDB;

/// <summary>Turns SDK failures into the store contract's typed exceptions: a failure is never reported as "absent".</summary>
internal static class DynamoDbStoreErrors
{
    // AmazonServiceException: errors the service answered (throttling, internal errors, a missing table, validation);
    // AmazonClientException: the SDK could not get an answer (connection refused, DNS, credentials); the rest are
    // transport errors the SDK may let through. Cancellation the caller asked for passes through.
    public static bool IsBackendFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        AmazonServiceException or AmazonClientException or HttpRequestException or SocketException or IOException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>DynamoDB's (and dynalite's) answer to a write whose item would pass 400 KB.</summary>
    public static bool IsItemTooLarge(Exception exception) =>
        exception is AmazonDynamoDBException { ErrorCode: "ValidationException" } validation &&
        validation.Message.Contains("maximum allowed size", StringComparison.OrdinalIgnoreCase);

    public static IdempotencyStoreUnavailableException Unavailable(string operation, Exception exception, string table) => exception switch
    {
        ResourceNotFoundException missing => new IdempotencyStoreMisconfiguredException(
            $"The DynamoDB idempotency table '{table}' does not exist ({missing.Message}). Create it: set " +
            "DynamoDbStoreOptions.CreateTableOnStartup = true under a generic host (a hosted service creates it; a bare " +
            "ServiceProvider, as in a Lambda function without a host, runs no hosted services), call " +
            "DynamoDbIdempotencyStore.CreateTableAsync (the store is registered in DI), or create it as " +
            "docs/stores/dynamodb.md shows (partition key 'pk' of type S, TTL on 'ttl').",
            exception),

        // The table exists but does not fit the store's items (another key schema, for example): every call fails alike.
        AmazonDynamoDBException { ErrorCode: "ValidationException" } invalid => new IdempotencyStoreMisconfiguredException(
            $"DynamoDB refused the idempotency store's {operation} on table '{table}' ({invalid.Message}). The table must " +
            "have the partition key 'pk' of type S and no sort key; see docs/stores/dynamodb.md.",
            exception),

        AmazonServiceException service => new IdempotencyStoreUnavailableException(
            $"DynamoDB failed during {operation} ({service.ErrorCode}: {service.Message}).", exception),
        _ => new IdempotencyStoreUnavailableException($"DynamoDB failed during {operation} ({exception.Message}).", exception),
    };

    /// <summary>What to register when the container has no client for the store: the DI error alone names neither the package nor the option.</summary>
    public static InvalidOperationException NoClient(object? serviceKey) => new(serviceKey is null
        ? "AddDynamoDbStore needs an IAmazonDynamoDB in the services, and none is registered. Register one, e.g. " +
          "services.AddSingleton<IAmazonDynamoDB>(new AmazonDynamoDBClient()) (region and credentials from the environment), " +
          "or services.AddAWSService<IAmazonDynamoDB>() from AWSSDK.Extensions.NETCore.Setup. To use a keyed client instead, " +
          "set DynamoDbStoreOptions.ClientServiceKey to its key."
        : $"AddDynamoDbStore needs the IAmazonDynamoDB registered under the key {Describe(serviceKey)} " +
          "(DynamoDbStoreOptions.ClientServiceKey), and none is. Register it, e.g. " +
          $"services.AddKeyedSingleton<IAmazonDynamoDB>({Describe(serviceKey)}, new AmazonDynamoDBClient()); or leave " +
          "DynamoDbStoreOptions.ClientServiceKey null to use the unkeyed client.");

    private static string Describe(object key) => key is string text ? $"\"{text}\"" : key.ToString() ?? key.GetType().Name;
}
