using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>
/// The store's open connections, each configured once when opened (busy timeout, synchronous mode), so an operation
/// pays for neither opening the file nor the pragmas. A connection serves one operation at a time.
/// </summary>
internal sealed class SqliteConnectionPool : IDisposable
{
    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly ConcurrentQueue<SqliteConnection> _idle = new();
    private int _idleCount;
    private int _disposed;

    public SqliteConnectionPool(SqliteStoreOptions options)
    {
        // The driver's own pool would keep the files open after the store is disposed; this pool is the only one.
        _connectionString = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = false }.ToString();
        DataSource = new SqliteConnectionStringBuilder(_connectionString).DataSource;
        _pragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(options.FlushEveryCommit ? "FULL" : "NORMAL")};");

        // SQLite's busy handler waits for the lock; the driver then retries SQLITE_BUSY itself until the command timeout
        // (whole seconds, 0 = forever). Rounding down (at least 1) keeps the driver from adding a second wait of its own.
        CommandTimeoutSeconds = Math.Max(1, (int)options.BusyTimeout.TotalSeconds);
    }

    /// <summary>Gets the database file as the connection string names it.</summary>
    public string DataSource { get; }

    public int CommandTimeoutSeconds { get; }

    public SqliteConnection Rent()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_idle.TryDequeue(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            return connection;
        }

        return Open();
    }

    /// <summary>Keeps a healthy connection for the next operation; <paramref name="broken"/> ones (a driver error ran on them) are closed.</summary>
    public void Return(SqliteConnection connection, bool broken)
    {
        if (broken || Volatile.Read(ref _disposed) != 0)
        {
            connection.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > SqliteStoreDefaults.MaxIdleConnections)
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }

        _idle.Enqueue(connection);

        // A Dispose that ran meanwhile drained the queue before this connection was in it.
        if (Volatile.Read(ref _disposed) != 0)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Drain();
        }
    }

    private void Drain()
    {
        while (_idle.TryDequeue(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString) { DefaultTimeout = CommandTimeoutSeconds };
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
