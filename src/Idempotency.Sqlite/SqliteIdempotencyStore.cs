using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>
/// An embedded SQLite store: one table in one database file, in WAL mode, safe for several processes on one machine.
/// Reads (replays, <see cref="GetAsync"/>) take no lock; every write is one statement under SQLite's write lock, waiting
/// up to <see cref="SqliteStoreOptions.BusyTimeout"/> for another process holding it. Expired rows are deleted by the
/// purge service (or <see cref="PurgeExpiredAsync"/>).
/// </summary>
/// <remarks>
/// The table is created on first use (or by the hosted service at start-up) unless
/// <see cref="SqliteStoreOptions.CreateTableIfMissing"/> is off; a table with a schema version this package does not
/// read is refused with <see cref="IdempotencyStoreMisconfiguredException"/>. Driver failures surface as
/// <see cref="IdempotencyStoreUnavailableException"/>, unreadable rows as <see cref="IdempotencyRecordCorruptException"/>.
/// </remarks>
public sealed partial class SqliteIdempotencyStore : IIdempotencyStore, IIdempotencyStoreStatistics, IIdempotencyStoreListing, IDisposable
{
    private readonly SqliteStoreSql _sql;
    private readonly SqliteConnectionPool _pool;
    private readonly bool _createIfMissing;
    private readonly TimeSpan _busyTimeout;

    // One writer at a time in this process: writers queue here without blocking a thread, rather than each sleeping in
    // SQLite's busy handler, for at most the busy timeout (a transaction holds it for its whole run). Other processes
    // still meet at SQLite's write lock (the busy timeout).
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Initializes a new instance of the <see cref="SqliteIdempotencyStore"/> class. Nothing is opened until the first call.</summary>
    /// <param name="options">The store options (<see cref="SqliteStoreOptions.ConnectionString"/> is required). Read once, here.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteIdempotencyStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionErrors.ThrowIfAny(options, SqliteStoreOptionsValidator.Errors);
        _sql = new SqliteStoreSql(options.TableName);
        _pool = new SqliteConnectionPool(options);
        _createIfMissing = options.CreateTableIfMissing;
        _busyTimeout = options.BusyTimeout;
    }

    /// <summary>Gets the quoted name of the table, as it appears in the store's SQL.</summary>
    public string TableName => _sql.Table;

    /// <summary>Gets the database file as the connection string names it (for logs).</summary>
    internal string DataSource => _pool.DataSource;

    /// <summary>Returns the DDL that creates the table, its purge index and its schema-version row (the package's <c>Sql/create.sql</c> with the names filled in).</summary>
    /// <param name="options">The store options naming the table; defaults when <see langword="null"/> (the connection string is not needed).</param>
    /// <returns>The SQL script; it creates nothing that exists already. Run it in one transaction.</returns>
    /// <exception cref="ArgumentException">The table name is invalid.</exception>
    public static string GetCreateTableScript(SqliteStoreOptions? options = null)
    {
        var tableName = options?.TableName ?? SqliteStoreDefaults.TableName;
        if (SqliteIdentifier.Problem(tableName, nameof(SqliteStoreOptions.TableName)) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        return SqliteStoreScript.CreateTable(new SqliteStoreSql(tableName));
    }

    /// <summary>Closes the store's connections (WAL content is checkpointed into the database file by the last one to close).</summary>
    public void Dispose()
    {
        _pool.Dispose();
    }

    // Every call: the schema check (once), the write gate for writes, one pooled connection, and the error translation.
    private async ValueTask<T> RunAsync<TState, T>(string operation, bool write, TState state, Func<SqliteConnection, SqliteStoreSql, TState, T> body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(operation, cancellationToken).ConfigureAwait(false);
        }

        if (write)
        {
            await EnterWriteAsync(operation, cancellationToken).ConfigureAwait(false);
        }

        SqliteConnection? connection = null;
        var broken = false;
        try
        {
            connection = _pool.Rent();
            return body(connection, _sql, state);
        }
        catch (Exception ex) when (SqliteStoreErrors.IsBackendFailure(ex, cancellationToken))
        {
            broken = true;
            throw SqliteStoreErrors.Unavailable(operation, ex, _sql.Table);
        }
        finally
        {
            if (connection is not null)
            {
                _pool.Return(connection, broken);
            }

            if (write)
            {
                _writeGate.Release();
            }
        }
    }
}
