using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite.Tests;

/// <summary>A database file in a temporary folder of its own, deleted (with its WAL and shared-memory files) at the end.</summary>
public sealed class SqliteFile : IDisposable
{
    public SqliteFile()
    {
        Folder = Directory.CreateTempSubdirectory("idempotency-sqlite-").FullName;
        Path = System.IO.Path.Combine(Folder, "idempotency.db");
    }

    public string Folder { get; }

    public string Path { get; }

    public string ConnectionString => $"Data Source={Path}";

    public SqliteIdempotencyStore CreateStore(Action<SqliteStoreOptions>? configure = null)
    {
        var options = new SqliteStoreOptions { ConnectionString = ConnectionString };
        configure?.Invoke(options);
        return new SqliteIdempotencyStore(options);
    }

    /// <summary>Opens a plain connection of the test's own (no pooling, so disposing it closes the file).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString + ";Pooling=False");
        connection.Open();
        return connection;
    }

    public int Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    public object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed by a test may still be releasing the file; the temporary folder is left behind.
        }
    }
}
