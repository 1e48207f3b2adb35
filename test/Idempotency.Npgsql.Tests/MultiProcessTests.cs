using Idempotency.TestServers;
using Npgsql;
using Xunit.Abstractions;

namespace Idempotency.Npgsql.Tests;

/// <summary>Several processes, each with its own data source, hammer the same keys: every key runs exactly once in total.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiProcessTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Processes = 4;
    private const int Keys = 200;

    [Fact]
    public async Task ExecuteAsync_FourProcessesOnTheSameKeys_EveryKeyExecutesExactlyOnceInTotal()
    {
        await using var database = await PostgresDatabase.CreateAsync(server);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var store = new NpgsqlIdempotencyStore(dataSource);
        await store.CreateTableAsync(default);

        // A start gate: the table stays locked until all four processes wait on it, so they start hammering together
        // (process start-up alone would spread them over hundreds of milliseconds).
        await using var gate = await dataSource.OpenConnectionAsync();
        await using var transaction = await gate.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {store.TableName} IN ACCESS EXCLUSIVE MODE", gate, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var hammers = Enumerable.Range(0, Processes).Select(_ => HammerProcess.Start(database.ConnectionString, Keys)).ToList();
        try
        {
            await WaitForWaitingSessionsAsync(dataSource, database.Name, Processes);
            await transaction.CommitAsync();

            var results = await Task.WhenAll(hammers.Select(h => h.WaitAsync(TimeSpan.FromMinutes(3))));

            Assert.All(results, r => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Errors}"));
            var executed = results.SelectMany(r => r.Lines).Where(line => line.StartsWith("EXECUTED ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Keys, executed.Count);
            Assert.Equal(Enumerable.Range(0, Keys).Select(i => $"EXECUTED key-{i}").Order(), executed.Order());
            Assert.All(results, r => Assert.Equal(Keys * 3, Done(r.Lines, "executed") + Done(r.Lines, "replayed")));
            Assert.Equal(Keys, results.Sum(r => Done(r.Lines, "executed")));
            output.WriteLine("Executed per process: " + string.Join(", ", results.Select(r => Done(r.Lines, "executed"))));
        }
        finally
        {
            hammers.ForEach(h => h.Dispose());
        }
    }

    private static int Done(string[] lines, string counter)
    {
        var done = lines.Single(line => line.StartsWith("DONE ", StringComparison.Ordinal));
        var part = done.Split(' ').Single(p => p.StartsWith(counter + "=", StringComparison.Ordinal));
        return int.Parse(part[(counter.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitForWaitingSessionsAsync(NpgsqlDataSource dataSource, string database, int sessions)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
            if ((long)(await command.ExecuteScalarAsync())! >= sessions)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Only some of the {sessions} hammer processes reached the database in time.");
            await Task.Delay(50);
        }
    }
}
