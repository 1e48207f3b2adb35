using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Idempotency.DynamoDB;

public sealed partial class DynamoDbIdempotencyStore
{
    /// <summary>
    /// Creates the table unless it exists — partition key <c>pk</c> (S), no sort key, on-demand billing — waits until it
    /// is active, and enables TTL on the <c>ttl</c> attribute unless it is. Safe to run from several instances at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the table is active.</returns>
    /// <exception cref="IdempotencyStoreMisconfiguredException">A table of that name exists with another key schema, or TTL is on another attribute.</exception>
    /// <exception cref="IdempotencyStoreUnavailableException">DynamoDB failed, or the table did not become active in 5 minutes.</exception>
    /// <remarks>
    /// Needs <c>dynamodb:CreateTable</c>, <c>dynamodb:DescribeTable</c>, <c>dynamodb:DescribeTimeToLive</c> and
    /// <c>dynamodb:UpdateTimeToLive</c>. An endpoint without TTL (dynalite, for tests) is logged as a warning and otherwise ignored.
    /// </remarks>
    public ValueTask CreateTableAsync(CancellationToken cancellationToken) =>
        new(RunAsync("create table", async ct =>
        {
            try
            {
                await _client.CreateTableAsync(TableDefinition(TableName), ct).ConfigureAwait(false);
            }
            catch (ResourceInUseException)
            {
                // It exists (or another instance is creating it): check it below.
            }

            CheckKeySchema(await WaitUntilActiveAsync(ct).ConfigureAwait(false));
            var nativeTtl = await EnableTimeToLiveAsync(ct).ConfigureAwait(false);
            Log.TableReady(_logger, TableName, nativeTtl ? "on attribute 'ttl'" : "unsupported by this endpoint");
            return true;
        }, cancellationToken).AsTask());

    /// <summary>The table the store needs, as a <c>CreateTable</c> request (what <see cref="CreateTableAsync"/> sends).</summary>
    internal static CreateTableRequest TableDefinition(string tableName) => new()
    {
        TableName = tableName,
        KeySchema = [new KeySchemaElement(DynamoDbAttributes.Key, KeyType.HASH)],
        AttributeDefinitions = [new AttributeDefinition(DynamoDbAttributes.Key, ScalarAttributeType.S)],
        BillingMode = BillingMode.PAY_PER_REQUEST,
    };

    private async Task<TableDescription> WaitUntilActiveAsync(CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var table = (await _client.DescribeTableAsync(new DescribeTableRequest { TableName = TableName }, cancellationToken).ConfigureAwait(false)).Table;
            if (table.TableStatus == TableStatus.ACTIVE)
            {
                return table;
            }

            if (waited >= DynamoDbStoreDefaults.TableActiveTimeout)
            {
                throw new IdempotencyStoreUnavailableException($"The DynamoDB table '{TableName}' is still {table.TableStatus} after {waited.TotalMinutes} minutes.");
            }

            await Task.Delay(DynamoDbStoreDefaults.TablePollInterval, cancellationToken).ConfigureAwait(false);
            waited += DynamoDbStoreDefaults.TablePollInterval;
        }
    }

    private void CheckKeySchema(TableDescription table)
    {
        var keys = table.KeySchema ?? [];
        var type = table.AttributeDefinitions?.FirstOrDefault(a => a.AttributeName == DynamoDbAttributes.Key)?.AttributeType;
        if (keys is not [{ AttributeName: DynamoDbAttributes.Key } hash] || hash.KeyType != KeyType.HASH || type != ScalarAttributeType.S)
        {
            throw new IdempotencyStoreMisconfiguredException(
                $"The DynamoDB table '{TableName}' exists with another key schema ({string.Join(", ", keys.Select(k => $"{k.AttributeName} {k.KeyType}"))}). " +
                "The idempotency store needs the partition key 'pk' of type S and no sort key: use another TableName or another table.");
        }
    }

    // false when the endpoint has no TTL (local emulators): records still expire by the application's clock.
    private async Task<bool> EnableTimeToLiveAsync(CancellationToken cancellationToken)
    {
        var current = (await _client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = TableName }, cancellationToken).ConfigureAwait(false)).TimeToLiveDescription;
        if (current?.TimeToLiveStatus == TimeToLiveStatus.ENABLED || current?.TimeToLiveStatus == TimeToLiveStatus.ENABLING)
        {
            if (current.AttributeName == DynamoDbAttributes.Ttl)
            {
                return true;
            }

            throw new IdempotencyStoreMisconfiguredException(
                $"TTL on the DynamoDB table '{TableName}' is on the attribute '{current.AttributeName}'; the idempotency store sets 'ttl'. " +
                "A table has one TTL attribute: use a table of its own for the store.");
        }

        try
        {
            await _client.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = TableName,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = DynamoDbAttributes.Ttl, Enabled = true },
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "UnknownOperationException")
        {
            Log.TimeToLiveUnsupported(_logger, TableName);
            return false;
        }
    }
}
