using Idempotency.TestServers;
using Npgsql;

namespace Idempotency.Npgsql.Tests;

/// <summary>A store on a table of its own (so tests never see each other's rows), with its own data source.</summary>
internal sealed class PostgresTable : IAsyncDisposable
{
    private PostgresTable(NpgsqlDataSource dataSource, NpgsqlStoreOptions options)
    {
        DataSource = dataSource;
        Options = options;
        Store = new NpgsqlIdempotencyStore(dataSource, options);
    }

    public NpgsqlDataSource DataSource { get; }

    public NpgsqlStoreOptions Options { get; }

    public NpgsqlIdempotencyStore Store { get; }

    /// <summary>The quoted, schema-qualified name for SQL written by tests.</summary>
    public string Name => Store.TableName;

    public static async Task<PostgresTable> CreateAsync(PostgresServer server, string? connectionExtra = null, Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionExtra is null ? server.ConnectionString : server.ConnectionStringWith(connectionExtra));
        configure?.Invoke(builder);
        var table = new PostgresTable(builder.Build(), new NpgsqlStoreOptions { TableName = "t_" + Guid.NewGuid().ToString("N")[..16] });
        await table.Store.CreateTableAsync(CancellationToken.None);
        return table;
    }

    /// <summary>A second store on the same table through another data source (another connection pool).</summary>
    public NpgsqlIdempotencyStore OtherStore(NpgsqlDataSource dataSource) => new(dataSource, Options);

    public async Task<long> CountAsync(string where = "true")
    {
        await using var command = DataSource.CreateCommand($"SELECT count(*) FROM {Name} WHERE {where}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql.Replace("{table}", Name, StringComparison.Ordinal));
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync("DROP TABLE IF EXISTS {table}");
        }
        catch (NpgsqlException)
        {
            // The server is down (an outage test failed half-way): the whole cluster goes away with the fixture.
        }

        await DataSource.DisposeAsync();
    }
}
