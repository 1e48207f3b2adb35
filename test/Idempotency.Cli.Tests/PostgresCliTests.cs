using Idempotency.Npgsql;
using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Idempotency.Cli.Tests;

/// <summary>The tool against a real PostgreSQL whose records the library wrote, in a table of the test's own.</summary>
public sealed class PostgresCliTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly string _table = "cli_" + Guid.NewGuid().ToString("N")[..12];
    private NpgsqlDataSource _dataSource = null!;
    private SeededRecords _seeded = null!;

    private string[] Store => ["--store", "postgres", "--connection", postgres.ConnectionString, "--table", _table, "--service", SeededRecords.Service];

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        _seeded = await SeededRecords.WriteAsync(
            b =>
            {
                b.Services.AddSingleton(_dataSource);
                b.AddNpgsqlStore(options => options.TableName = _table);
            },
            prepare: services => ((NpgsqlIdempotencyStore)services.GetRequiredService<IIdempotencyStore>()).CreateTableAsync(CancellationToken.None).AsTask());
    }

    public async Task DisposeAsync()
    {
        await _seeded.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task Get_Completed_TableAndJson()
    {
        var table = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.CompletedKey])).Exits(0).Stdout;
        Assert.Matches(@"Status\s+│ completed", table);
        Assert.Contains("{\"id\":7,\"password\":\"***\"}", table, StringComparison.Ordinal);

        var failed = (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.FailedKey, "--json"])).Exits(0).Json();
        Assert.Equal("failed", failed.GetProperty("record").GetProperty("status").GetString());
        (await CliRun.RunAsync(["get", .. Store, "--operation", SeededRecords.Operation, "--key", "never-used"])).Exits(1);
    }

    [Fact]
    public async Task Stats_CountsByStatus()
    {
        var json = (await CliRun.RunAsync(["stats", .. Store, "--json"])).Exits(0).Json();

        Assert.Equal(1, json.GetProperty("inProgress").GetInt64());
        Assert.Equal(1, json.GetProperty("completed").GetInt64());
        Assert.Equal(1, json.GetProperty("failed").GetInt64());
    }

    [Fact]
    public async Task Delete_Failed()
    {
        (await CliRun.RunAsync(["delete", .. Store, "--operation", SeededRecords.Operation, "--key", SeededRecords.FailedKey])).Exits(0);
        Assert.Null(await _seeded.Administrator.GetAsync(SeededRecords.Operation, SeededRecords.FailedKey, null, CancellationToken.None));
    }

    [Fact]
    public async Task MissingTable_ExitsThree_AndIsNotCreated()
    {
        (await CliRun.RunAsync("stats", "--store", "postgres", "--connection", postgres.ConnectionString, "--table", "no_such_table")).FailsWith(3, "no_such_table");

        await using var command = _dataSource.CreateCommand("SELECT to_regclass('public.no_such_table') IS NULL");
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task DeadPort_ExitsThree()
    {
        var port = LoopbackPort.GetFree();

        (await CliRun.RunAsync("get", "--store", "postgres", "--connection", $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3", "--store-key", "x")).FailsWith(3, "store unavailable");
    }
}
