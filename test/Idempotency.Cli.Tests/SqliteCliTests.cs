using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Cli.Tests;

/// <summary>The tool against a real SQLite file whose records the library wrote.</summary>
public sealed class SqliteCliTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private SeededRecords _seeded = null!;

    private string Database => _folder.File("idempotency.db");

    private string[] Store => ["--store", "sqlite", "--connection", Database, "--service", SeededRecords.Service];

    public async Task InitializeAsync() => _seeded = await SeededRecords.WriteAsync(b => b.AddSqliteStore("Data Source=" + Database));

    public async Task DisposeAsync() => await _seeded.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Get_Completed_Json_ShowsTheRecordWithThePasswordRedacted()
    {
        var json = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey, "--json"])).Exits(0).Json();

        Assert.True(json.GetProperty("found").GetBoolean());
        Assert.Equal(_seeded.StoreKey(SeededRecords.CompletedKey), json.GetProperty("storeKey").GetString());
        var record = json.GetProperty("record");
        Assert.Equal(_seeded.StoreKey(SeededRecords.CompletedKey), record.GetProperty("storeKey").GetString());
        Assert.Equal("completed", record.GetProperty("status").GetString());
        Assert.Equal("value", record.GetProperty("payloadKind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, record.GetProperty("leaseLeftSeconds").ValueKind);
        Assert.InRange(record.GetProperty("expiresInSeconds").GetDouble(), 23 * 3600, 24 * 3600);
        Assert.InRange(record.GetProperty("ageSeconds").GetDouble(), 0, 600);
        Assert.False(record.GetProperty("retryable").GetBoolean());
        var stored = await _seeded.Store.GetAsync(_seeded.StoreKey(SeededRecords.CompletedKey), TimeProvider.System.GetUtcNow(), CancellationToken.None);
        Assert.Equal(stored!.Payload.Length, record.GetProperty("payloadBytes").GetInt32());
        Assert.Equal("{\"id\":7,\"password\":\"***\"}", record.GetProperty("preview").GetString());
        foreach (var name in new[] { "createdAt", "leaseExpiresAt", "expiresAt" })
        {
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", record.GetProperty(name).GetString());
        }
    }

    [Fact]
    public async Task Get_Completed_Table_ShowsEveryFieldAndNoSecret()
    {
        var run = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey])).Exits(0);

        Assert.Equal(string.Empty, run.Stderr);
        Assert.Contains(_seeded.StoreKey(SeededRecords.CompletedKey), run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Status\s+│ completed", run.Stdout);
        Assert.Matches(@"Lease left\s+│ -", run.Stdout);
        Assert.Matches(@"Expires\s+│ \S+ \S+ \(in 23h 59m\)|Expires\s+│ \S+ \S+ \(in 23h 58m\)", run.Stdout);
        Assert.Matches(@"Payload\s+│ \d+ bytes, value", run.Stdout);
        Assert.Contains("{\"id\":7,\"password\":\"***\"}", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Failed_ShowsTheRememberedError()
    {
        var record = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.FailedKey, "--json"])).Exits(0).Json().GetProperty("record");

        Assert.Equal("failed", record.GetProperty("status").GetString());
        Assert.Equal("error", record.GetProperty("payloadKind").GetString());
        Assert.Equal("{\"Type\":\"System.InvalidOperationException\",\"Message\":\"card declined\"}", record.GetProperty("preview").GetString());
    }

    [Fact]
    public async Task Get_InProgress_ShowsTheLeaseLeft()
    {
        var record = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.InProgressKey, "--json"])).Exits(0).Json().GetProperty("record");

        Assert.Equal("in-progress", record.GetProperty("status").GetString());
        Assert.Equal("empty", record.GetProperty("payloadKind").GetString());
        Assert.Equal(0, record.GetProperty("payloadBytes").GetInt32());
        Assert.InRange(record.GetProperty("leaseLeftSeconds").GetDouble(), 1, 60);
    }

    [Fact]
    public async Task Get_ByStoreKey_FindsTheSameRecord()
    {
        var json = (await CliRun.RunAsync(["get", .. Store, "--store-key", _seeded.StoreKey(SeededRecords.CompletedKey), "--json"])).Exits(0).Json();

        Assert.Equal("completed", json.GetProperty("record").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Get_Absent_ExitsOne()
    {
        var run = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", "never-used"])).Exits(1);
        Assert.Equal($"No record under {_seeded.StoreKey("never-used")} (absent or expired).\n", run.Stdout);

        var json = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", "never-used", "--json"])).Exits(1).Json();
        Assert.False(json.GetProperty("found").GetBoolean());
        Assert.False(json.TryGetProperty("record", out _));
    }

    [Fact]
    public async Task Get_AnotherService_DoesNotSeeTheRecord()
    {
        (await CliRun.RunAsync("get", "--store", "sqlite", "--connection", Database, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey)).Exits(1);
    }

    [Fact]
    public async Task Delete_Failed_LetsTheKeyRunAgain()
    {
        var json = (await CliRun.RunAsync(["delete", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.FailedKey, "--json"])).Exits(0).Json();
        Assert.True(json.GetProperty("deleted").GetBoolean());

        Assert.Null(await _seeded.Administrator.GetAsync(SeededRecords.Operation, SeededRecords.FailedKey, null, CancellationToken.None));
        (await CliRun.RunAsync(["delete", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.FailedKey])).Exits(1);
        await _seeded.CompleteAsync(SeededRecords.FailedKey);
    }

    [Fact]
    public async Task Stats_CountsByStatus()
    {
        var json = (await CliRun.RunAsync(["stats", .. Store, "--json"])).Exits(0).Json();
        Assert.Equal(1, json.GetProperty("inProgress").GetInt64());
        Assert.Equal(1, json.GetProperty("completed").GetInt64());
        Assert.Equal(1, json.GetProperty("failed").GetInt64());
        Assert.Equal(3, json.GetProperty("total").GetInt64());

        var table = (await CliRun.RunAsync(["stats", .. Store])).Exits(0).Stdout;
        Assert.Matches(@"in-progress\s+│\s+1 │", table);
        Assert.Matches(@"completed\s+│\s+1 │", table);
        Assert.Matches(@"failed\s+│\s+1 │", table);
        Assert.Matches(@"total\s+│\s+3 │", table);
    }

    [Fact]
    public async Task Purge_DeletesEveryExpiredRecordInBatches_AndNoLiveOne()
    {
        // Five records written two days ago with the default 24-hour TTL: expired now.
        var past = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-2));
        await using (var old = await SeededRecords.OpenAsync(b => b.AddSqliteStore("Data Source=" + Database), clock: past))
        {
            for (var i = 0; i < 5; i++)
            {
                await old.CompleteAsync($"old-{i}");
            }
        }

        var json = (await CliRun.RunAsync(["purge", .. Store, "--batch-size", "2", "--json"])).Exits(0).Json();
        Assert.Equal(5, json.GetProperty("deleted").GetInt64());
        Assert.Equal(3, json.GetProperty("batches").GetInt32());
        Assert.True(json.GetProperty("complete").GetBoolean());

        var again = (await CliRun.RunAsync(["purge", .. Store])).Exits(0);
        Assert.Equal("Purged 0 expired records in 1 batch; none left.\n", again.Stdout);
        Assert.Equal(3, (await CliRun.RunAsync(["stats", .. Store, "--json"])).Exits(0).Json().GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Purge_StopsAtMaxBatches()
    {
        var past = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-2));
        await using (var old = await SeededRecords.OpenAsync(b => b.AddSqliteStore("Data Source=" + Database), clock: past))
        {
            for (var i = 0; i < 3; i++)
            {
                await old.CompleteAsync($"old-{i}");
            }
        }

        var run = (await CliRun.RunAsync(["purge", .. Store, "--batch-size", "1", "--max-batches", "2"])).Exits(0);
        Assert.Equal("Purged 2 expired records in 2 batches; stopped at --max-batches, more may be left.\n", run.Stdout);
    }

    [Fact]
    public async Task List_NewestFirst_PagesAndFilters()
    {
        var all = (await CliRun.RunAsync(["list", .. Store, "--json"])).Exits(0).Json();
        var keys = all.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("storeKey").GetString()).ToList();
        Assert.Equal(3, keys.Count);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, all.GetProperty("continuation").ValueKind);

        var first = (await CliRun.RunAsync(["list", .. Store, "--limit", "2", "--json"])).Exits(0).Json();
        var continuation = first.GetProperty("continuation").GetString();
        Assert.NotNull(continuation);
        var second = (await CliRun.RunAsync(["list", .. Store, "--limit", "2", "--continuation", continuation, "--json"])).Exits(0).Json();
        var paged = first.GetProperty("records").EnumerateArray().Concat(second.GetProperty("records").EnumerateArray()).Select(r => r.GetProperty("storeKey").GetString()).ToList();
        Assert.Equal(keys, paged);

        var failed = (await CliRun.RunAsync(["list", .. Store, "--status", "failed", "--json"])).Exits(0).Json().GetProperty("records");
        Assert.Equal(_seeded.StoreKey(SeededRecords.FailedKey), Assert.Single(failed.EnumerateArray()).GetProperty("storeKey").GetString());

        var table = (await CliRun.RunAsync(["list", .. Store])).Exits(0).Stdout;
        Assert.Contains(_seeded.StoreKey(SeededRecords.InProgressKey), table, StringComparison.Ordinal);
        Assert.Contains("value: {\"id\":7,\"password\":\"***\"}", table, StringComparison.Ordinal);
        Assert.EndsWith("3 records; no more pages.\n", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unstick_RefusesALiveLease_UnlessForced()
    {
        string[] key = ["--operation", SeededRecords.Operation, "--key", SeededRecords.InProgressKey];
        var refused = (await CliRun.RunAsync(["unstick", .. Store, .. key, "--json"])).Exits(5).Json();
        Assert.Equal("lease-live", refused.GetProperty("outcome").GetString());

        var released = (await CliRun.RunAsync(["unstick", .. Store, .. key, "--force"])).Exits(0);
        Assert.Equal($"Released {_seeded.StoreKey(SeededRecords.InProgressKey)}: the next call with the key runs the operation.\n", released.Stdout);
        (await CliRun.RunAsync(["get", .. Store, .. key])).Exits(1);
        await _seeded.CompleteAsync(SeededRecords.InProgressKey);
    }

    [Fact]
    public async Task Unstick_CompletedOrAbsent_IsRefusedOrNotFound()
    {
        var completed = (await CliRun.RunAsync(["unstick", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey, "--json"])).Exits(5).Json();
        Assert.Equal("not-in-progress", completed.GetProperty("outcome").GetString());
        (await CliRun.RunAsync(["unstick", .. Store, "--operation", SeededRecords.Operation, "--key", "never-used"])).Exits(1);
    }

    [Fact]
    public async Task MissingTable_ExitsThree_AndIsNotCreated()
    {
        var run = await CliRun.RunAsync(["stats", .. Store, "--table", "no_such_table"]);

        run.FailsWith(3, "no_such_table");
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'no_such_table'";
        Assert.Equal(0L, (long)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task MissingFile_ExitsThree_AndIsNotCreated()
    {
        var missing = _folder.File("typo.db");

        (await CliRun.RunAsync("get", "--store", "sqlite", "--connection", missing, "--store-key", "x")).FailsWith(3, "unable to open database file");
        Assert.False(File.Exists(missing));
    }
}
