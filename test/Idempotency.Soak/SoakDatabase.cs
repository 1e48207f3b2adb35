using System.Data.Common;
using Idempotency.TestServers;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Idempotency.Soak;

/// <summary>
/// The driver's side of the store: starts the server (Redis with an append-only file fsynced before every reply, so
/// a restart loses nothing acknowledged; PostgreSQL; SQLite is a file), restarts it, and holds the effects table of the
/// transactional mode.
/// </summary>
public sealed class SoakDatabase : IAsyncDisposable
{
    public const string EffectsTable = "soak_effects";
    private readonly RedisServer? _redis;
    private readonly PostgresServer? _postgres;

    private SoakDatabase(SoakStore store, string connectionString, RedisServer? redis, PostgresServer? postgres)
    {
        Store = store;
        ConnectionString = connectionString;
        _redis = redis;
        _postgres = postgres;
    }

    public SoakStore Store { get; }

    /// <summary>Gets the connection string workers use.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets whether there is a server to restart.</summary>
    public bool CanRestart => Store != SoakStore.Sqlite;

    /// <summary>Starts the server (failing with an install hint when its program is missing) and creates the effects table.</summary>
    public static async Task<SoakDatabase> StartAsync(SoakStore store, string directory)
    {
        switch (store)
        {
            case SoakStore.Redis:
                {
                    var redis = new RedisServer { AppendOnly = true };
                    await redis.InitializeAsync();
                    return new SoakDatabase(store, redis.ConnectionString, redis, null);
                }

            case SoakStore.Postgres:
                {
                    var postgres = new PostgresServer();
                    await postgres.InitializeAsync();
                    var database = new SoakDatabase(store, postgres.ConnectionString, null, postgres);
                    await database.CreateEffectsTableAsync();
                    return database;
                }

            default:
                {
                    var database = new SoakDatabase(store, $"Data Source={Path.Combine(directory, "soak.db")}", null, null);
                    await database.CreateEffectsTableAsync();
                    return database;
                }
        }
    }

    /// <summary>Stops the server (Redis: SIGKILL; PostgreSQL: fast shutdown, sessions cut), waits, starts it again.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        if (_redis is not null)
        {
            await _redis.StopAsync();
            await Task.Delay(down);
            await _redis.StartAgainAsync();
        }
        else if (_postgres is not null)
        {
            await _postgres.StopAsync();
            await Task.Delay(down);
            await _postgres.StartAgainAsync();
        }
    }

    /// <summary>Reads every effect row (key, token) of the transactional mode.</summary>
    public async Task<List<(string Key, string Token)>> ReadEffectsAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT key, token FROM {EffectsTable}";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    // No unique constraint on purpose: a duplicate effect must be counted, not refused.
    private async Task CreateEffectsTableAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE IF NOT EXISTS {EffectsTable} (key text NOT NULL, token text NOT NULL)";
        await command.ExecuteNonQueryAsync();
    }

    // Unpooled: a pooled PostgreSQL connection would not outlive the server restarts.
    private DbConnection Open() => Store == SoakStore.Postgres ? new NpgsqlConnection(ConnectionString + ";Pooling=false") : new SqliteConnection(ConnectionString);
}
