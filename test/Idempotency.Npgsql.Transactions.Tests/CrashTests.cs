using System.Globalization;
using Idempotency.TestServers;
using Xunit.Abstractions;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>
/// kill -9 in the middle of transactions, many times: the server rolls back what the dead process left open, so no
/// order is ever placed twice and every acknowledged order is in the database with the id it was acknowledged with.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Keys = 150;
    private const int Workers = 4;
    private const int Kills = 12;

    [Fact]
    public async Task ExecuteAsync_ProcessKilledMidTransactionRepeatedly_NoDuplicateOrdersAndNoLostAcknowledgedOrders()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        string[] arguments = ["postgres", server.ConnectionString, table.Records.Options.TableName, table.Orders, Keys.ToString(CultureInfo.InvariantCulture), Workers.ToString(CultureInfo.InvariantCulture)];

        var acknowledged = await AcknowledgingChild.KillRepeatedlyThenFinishAsync(() => AcknowledgingChild.Start("Idempotency.Transactions.CrashChild.dll", arguments), Kills, TimeSpan.FromMinutes(3));

        var stored = await OrdersByKeyAsync(table);
        output.WriteLine($"{acknowledged.Count} acknowledgements, {stored.Count} orders, {Kills} kills");
        Assert.Empty(AcknowledgingChild.ExactlyOnceProblems(stored, Keys, acknowledged));
        Assert.Equal(Keys, await table.Records.CountAsync("status = 1"));
    }

    private static async Task<Dictionary<string, (long Count, long Id)>> OrdersByKeyAsync(OrdersTable table)
    {
        var result = new Dictionary<string, (long, long)>();
        await using var command = table.Records.DataSource.CreateCommand($"SELECT idempotency_key, count(*), min(id) FROM {table.Orders} GROUP BY idempotency_key");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return result;
    }
}
