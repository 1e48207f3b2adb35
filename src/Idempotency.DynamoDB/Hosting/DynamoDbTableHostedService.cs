using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Idempotency.DynamoDB;

/// <summary>Creates the table at start-up when <see cref="DynamoDbStoreOptions.CreateTableOnStartup"/> is set; a failure stops the host.</summary>
internal sealed class DynamoDbTableHostedService(DynamoDbIdempotencyStore store, IOptions<DynamoDbStoreOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CreateTableOnStartup)
        {
            await store.CreateTableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
