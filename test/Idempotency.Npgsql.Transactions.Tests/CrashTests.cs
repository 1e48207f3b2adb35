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
        var tableName = table.Records.Options.TableName;
        var acknowledged = new List<string>();
        for (var kill = 0; kill < Kills; kill++)
        {
            using var child = CrashChildProcess.Start(server.ConnectionString, tableName, table.Orders, Keys, Workers);

            // Kill once it is under way (some acknowledgements), at a random moment after that.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (child.AcknowledgedCount < 1 + kill && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            await Task.Delay(Random.Shared.Next(0, 60));
            acknowledged.AddRange(await child.KillAsync());
        }

        // A last run to the end: every key is acknowledged (most as replays of what the killed runs committed).
        using (var last = CrashChildProcess.Start(server.ConnectionString, tableName, table.Orders, Keys, Workers))
        {
            acknowledged.AddRange(await last.WaitAsync(TimeSpan.FromMinutes(3)));
        }

        var stored = await OrdersByKeyAsync(table);
        output.WriteLine($"{acknowledged.Count} acknowledgements, {stored.Count} orders, {Kills} kills");
        Assert.Equal(Keys, stored.Count);
        Assert.All(stored, s => Assert.Equal(1, s.Value.Count));
        foreach (var line in acknowledged)
        {
            var parts = line.Split(' ');
            Assert.True(stored.TryGetValue(parts[1], out var order), $"acknowledged {parts[1]} is lost");
            Assert.Equal(long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), order.Id);
        }

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
