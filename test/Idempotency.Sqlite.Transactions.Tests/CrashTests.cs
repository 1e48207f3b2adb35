using Idempotency.TestServers;
using Xunit.Abstractions;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>
/// Real child processes on one database file: kill -9 in the middle of transactions, many times, and several processes
/// placing the same orders at once. SQLite rolls back what a dead process left open, and a duplicate from another process
/// waits for the write lock, so no order is ever placed twice and every acknowledged order is there with its id.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const string Child = "Idempotency.Transactions.CrashChild.dll";
    private const int Keys = 150;
    private const int Workers = 4;
    private const int Kills = 12;

    [Fact]
    public async Task ExecuteAsync_ProcessKilledMidTransactionRepeatedly_NoDuplicateOrdersAndNoLostAcknowledgedOrders()
    {
        await using var database = await SqliteOrders.CreateAsync();
        var arguments = database.ChildArguments(Keys, Workers);

        var acknowledged = await AcknowledgingChild.KillRepeatedlyThenFinishAsync(() => AcknowledgingChild.Start(Child, arguments), Kills, TimeSpan.FromMinutes(3));

        output.WriteLine($"{acknowledged.Count} acknowledgements, {Kills} kills");
        Assert.Empty(AcknowledgingChild.ExactlyOnceProblems(database.OrdersByKey(), Keys, acknowledged));
        Assert.Equal(Keys, database.CountRecords("status = 1"));
        Assert.Equal("ok", database.Scalar("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task ExecuteAsync_ThreeProcessesPlaceTheSameOrdersAtOnce_OneOrderPerKey()
    {
        await using var database = await SqliteOrders.CreateAsync();
        var arguments = database.ChildArguments(Keys, Workers);
        var children = Enumerable.Range(0, 3).Select(_ => AcknowledgingChild.Start(Child, arguments)).ToList();
        try
        {
            var acknowledged = (await Task.WhenAll(children.Select(c => c.WaitAsync(TimeSpan.FromMinutes(3))))).SelectMany(a => a).ToList();

            Assert.Equal(3 * Workers * Keys, acknowledged.Count); // every worker acknowledges every key
            Assert.Empty(AcknowledgingChild.ExactlyOnceProblems(database.OrdersByKey(), Keys, acknowledged));
            Assert.Equal(Keys, database.CountRecords("status = 1"));
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }
    }
}
