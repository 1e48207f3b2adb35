using Idempotency.TestServers;
using Npgsql;

namespace Idempotency.Npgsql.Tests;

/// <summary>A database of its own, for tests where other processes use the store's default table.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly PostgresServer _server;

    private PostgresDatabase(PostgresServer server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync(PostgresServer server)
    {
        var database = new PostgresDatabase(server, "db_" + Guid.NewGuid().ToString("N")[..16]);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {database.Name}", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_server.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server is down: the whole cluster goes away with the fixture.
        }
    }
}
