using Amazon.DynamoDBv2;
using Idempotency;
using Idempotency.DynamoDB;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the DynamoDB store to idempotency.</summary>
public static class DynamoDbIdempotencyBuilderExtensions
{
    /// <summary>
    /// Makes <see cref="DynamoDbIdempotencyStore"/> the <see cref="IIdempotencyStore"/>, over the <see cref="IAmazonDynamoDB"/>
    /// registered in the container, and adds the hosted service that creates the table when asked.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddDynamoDbStore(this IIdempotencyBuilder builder) => builder.AddDynamoDbStore(static _ => { });

    /// <summary>
    /// Makes <see cref="DynamoDbIdempotencyStore"/> the <see cref="IIdempotencyStore"/>, over the <see cref="IAmazonDynamoDB"/>
    /// registered in the container (keyed by <see cref="DynamoDbStoreOptions.ClientServiceKey"/> when set), and adds the
    /// hosted service that creates the table when <see cref="DynamoDbStoreOptions.CreateTableOnStartup"/> is set.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="configure">Configures the store (validated at start-up).</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddDynamoDbStore(this IIdempotencyBuilder builder, Action<DynamoDbStoreOptions> configure)
    {
        builder.AddStore(configure, DynamoDbStoreOptionsValidator.Errors, static (sp, options) =>
        {
            var client = (options.ClientServiceKey is { } key
                ? sp.GetKeyedService<IAmazonDynamoDB>(key)
                : sp.GetService<IAmazonDynamoDB>()) ?? throw DynamoDbStoreErrors.NoClient(options.ClientServiceKey);
            return new DynamoDbIdempotencyStore(client, options, sp.GetService<ILoggerFactory>());
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DynamoDbTableHostedService>());
        return builder;
    }
}
