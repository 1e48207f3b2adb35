using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Idempotency.Npgsql.Tests;

/// <summary>The shipped DDL, the opt-in creation at start-up, and the DI registration.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TableCreationTests(PostgresServer server)
{
    [Fact]
    public async Task CreateTableOnStartup_CustomSchemaAndTable_RunsExactlyTheShippedScript()
    {
        using var counter = new CommandCounter();
        var builder = new NpgsqlDataSourceBuilder(server.ConnectionString);
        counter.Configure(builder);
        await using var dataSource = builder.Build();
        var schema = "IdemSchema_" + Guid.NewGuid().ToString("N")[..8];
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddIdempotency().AddNpgsqlStore(o =>
        {
            o.SchemaName = schema;
            o.TableName = "Records";
            o.CreateTableOnStartup = true;
            o.PurgeEnabled = false;
        });
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<NpgsqlStoreOptions>>().Value;

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(default);
        }

        // The statements sent are the schema creation plus the shipped file's statements with the names filled in.
        var shipped = ReadResource("repo/create.sql").ReplaceLineEndings("\n");
        var expected = NpgsqlStoreScript.Statements(shipped
            .Replace("{table}", $"\"{schema}\".\"Records\"", StringComparison.Ordinal)
            .Replace("{expires_index}", "\"Records_expires_at_idx\"", StringComparison.Ordinal)).ToList();
        var sent = counter.Statements.Where(s => !s.StartsWith("SELECT", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"CREATE SCHEMA IF NOT EXISTS \"{schema}\"", .. expected], sent);
        Assert.Equal(shipped, NpgsqlStoreScript.CreateTable(new NpgsqlStoreSql("{schema}", "{t}")).Replace("\"{schema}\".\"{t}\"", "{table}", StringComparison.Ordinal).Replace("\"{t}_expires_at_idx\"", "{expires_index}", StringComparison.Ordinal));
        Assert.Equal(NpgsqlIdempotencyStore.GetCreateTableScript(options), NpgsqlStoreScript.CreateTable(new NpgsqlStoreSql(schema, "Records")));

        // The table has the documented shape, and the store works on it.
        Assert.Equal(
            ["store_key text", "status smallint", "owner_token text", "fingerprint text", "created_at timestamp with time zone", "lease_expires_at timestamp with time zone", "expires_at timestamp with time zone", "payload bytea", "retryable boolean"],
            await QueryAsync(dataSource, "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'Records' ORDER BY ordinal_position", schema));
        Assert.Equal(["Records_expires_at_idx", "Records_pkey"], await QueryAsync(dataSource, "SELECT indexname::text FROM pg_indexes WHERE schemaname = $1 ORDER BY 1", schema));
        var executor = provider.GetRequiredService<IIdempotencyExecutor>();
        Assert.False((await executor.ExecuteAsync(new IdempotencyRequest("op", "k"), _ => ValueTask.FromResult(1), default)).IsReplayed);
        Assert.True((await executor.ExecuteAsync(new IdempotencyRequest("op", "k"), _ => ValueTask.FromResult(1), default)).IsReplayed);

        // Starting again (another instance, a restart) changes nothing and does not fail.
        await provider.GetRequiredService<NpgsqlIdempotencyStore>().CreateTableAsync(default);
        await ExecuteAsync(dataSource, $"DROP SCHEMA \"{schema}\" CASCADE");
    }

    [Fact]
    public async Task CreateTableAsync_ManyInstancesAtOnce_AllSucceed()
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        var options = new NpgsqlStoreOptions { TableName = "t_" + Guid.NewGuid().ToString("N")[..16] };

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await new NpgsqlIdempotencyStore(dataSource, options).CreateTableAsync(default))));

        Assert.True((await new NpgsqlIdempotencyStore(dataSource, options).ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);
        await ExecuteAsync(dataSource, $"DROP TABLE \"{options.TableName}\"");
    }

    [Theory]
    [InlineData("", "t")]
    [InlineData("s", "")]
    [InlineData("s", "a_table_name_that_is_longer_than_forty_eight_bytes")]
    [InlineData("s", "tab\nle")]
    [InlineData("s", "x\"; DROP TABLE y; --")]
    [InlineData("s", "t{expires_index}")]
    [InlineData("s{table}", "t")]
    public async Task AddNpgsqlStore_InvalidNames_FailAtStartup(string schema, string table)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddIdempotency().AddNpgsqlStore(o => (o.SchemaName, o.TableName) = (schema, table));
        await using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NpgsqlStoreOptions>>().Value);
        Assert.Throws<ArgumentException>(() => new NpgsqlIdempotencyStore(dataSource, new NpgsqlStoreOptions { SchemaName = schema, TableName = table }));
    }

    [Fact]
    public async Task AddNpgsqlStore_KeyedDataSource_UsesTheKeyedOneAndReplacesTheInMemoryStore()
    {
        await using var table = await PostgresTable.CreateAsync(server);
        var services = new ServiceCollection();
        services.AddKeyedSingleton("idempotency", table.DataSource);
        services.AddIdempotency().AddNpgsqlStore(o =>
        {
            o.DataSourceServiceKey = "idempotency";
            o.TableName = table.Options.TableName;
        });
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<NpgsqlIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        Assert.Same(store, provider.GetRequiredService<NpgsqlIdempotencyStore>());
        Assert.Single(provider.GetServices<IIdempotencyStore>());
        await provider.GetRequiredService<IIdempotencyExecutor>().ExecuteAsync(new IdempotencyRequest("op", "k"), _ => ValueTask.FromResult(1), default);
        Assert.Equal(1, await table.CountAsync());
    }

    [Fact]
    public void Docs_ReproduceTheShippedScript()
    {
        var docs = ReadResource("repo/postgresql.md").ReplaceLineEndings("\n");
        Assert.Contains(NpgsqlIdempotencyStore.GetCreateTableScript().TrimEnd(), docs, StringComparison.Ordinal);
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(TableCreationTests).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The test assembly has no resource {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<List<string>> QueryAsync(NpgsqlDataSource dataSource, string sql, string argument)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = argument });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
