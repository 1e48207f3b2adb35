using Idempotency.SecretsAtRest;
using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Npgsql.Tests;

/// <summary>Credentials in a response never reach PostgreSQL: every column of the stored row is read as bytes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSecretsAtRestTests(PostgresServer server)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task StoredRow_ResponseWithCredentials_HoldsNoneOfTheirBytes(int compressionThreshold)
    {
        await using var table = await PostgresTable.CreateAsync(server);
        await using var app = await SecretsApp.StartAsync(
            idempotency =>
            {
                idempotency.Services.AddSingleton(table.DataSource);
                idempotency.AddNpgsqlStore(o => (o.TableName, o.PurgeEnabled) = (table.Options.TableName, false));
            },
            compressionThreshold);
        var key = Guid.NewGuid().ToString("D");

        await SecretResponse.SendTwiceAsync(app.Client, key);
        var raw = await RawRowAsync(table);

        SecretResponse.AssertRecordKeepsNoSecret(raw, await app.RecordAsync(key), compressionThreshold);
    }

    // The one row's text columns as UTF-8 and its payload as stored (bytea), not the hex text of a row cast.
    private static async Task<byte[]> RawRowAsync(PostgresTable table)
    {
        await using var command = table.DataSource.CreateCommand(
            $"SELECT convert_to(store_key || owner_token || fingerprint, 'UTF8') || coalesce(payload, ''::bytea) FROM {table.Name}");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var row = reader.GetFieldValue<byte[]>(0);
        Assert.False(await reader.ReadAsync());
        return row;
    }
}
