using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>Turns driver failures into the store contract's typed exceptions: a failure is never reported as "absent".</summary>
internal static class SqliteStoreErrors
{
    // SQLite result codes (https://sqlite.org/rescode.html) the messages explain.
    private const int Busy = 5;
    private const int Locked = 6;

    private const string LockedDetail = "the database stayed locked by another connection or process beyond the busy timeout";

    // SqliteException covers every SQLite error: busy beyond the timeout, I/O errors, a full disk, a file that cannot be
    // opened or is not a database. Cancellation the caller asked for passes through.
    public static bool IsBackendFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        SqliteException or IOException or UnauthorizedAccessException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static IdempotencyStoreUnavailableException Unavailable(string operation, Exception exception, string table)
    {
        if (exception is SqliteException { SqliteErrorCode: 1 } error && error.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return TableMissing(table, error);
        }

        var detail = exception switch
        {
            SqliteException { SqliteErrorCode: Busy or Locked } => LockedDetail,
            SqliteException sqlite => $"SQLite error {sqlite.SqliteExtendedErrorCode}: {sqlite.Message}",
            _ => exception.Message,
        };
        return new IdempotencyStoreUnavailableException($"The SQLite idempotency store failed during {operation} on table {table} ({detail}).", exception);
    }

    /// <summary>This process's own writers held the write lock beyond the busy timeout (a long transactional run, most likely).</summary>
    public static IdempotencyStoreUnavailableException LockedBeyondTimeout(string operation, string table) =>
        new($"The SQLite idempotency store failed during {operation} on table {table} ({LockedDetail}).");

    /// <summary>A store write from inside the work of a transaction that holds the file's only write lock.</summary>
    public static IdempotencyStoreUnavailableException WriteInsideTransaction(string operation, string table) => new(
        $"The SQLite idempotency store cannot {operation} on table {table} from inside the work of its own transaction: that " +
        "transaction holds the database's only write lock until it ends. Run the nested operation before or after the " +
        "transactional one, or on another database file.");

    public static IdempotencyStoreMisconfiguredException TableMissing(string table, Exception? exception = null) => new(
        $"The SQLite idempotency table {table} does not exist. Create it: set SqliteStoreOptions.CreateTableIfMissing = true, " +
        "call SqliteIdempotencyStore.CreateTableAsync, or run the script of SqliteIdempotencyStore.GetCreateTableScript() " +
        "(the package's Sql/create.sql) in your migrations.",
        exception);

    public static IdempotencyStoreMisconfiguredException UnknownVersion(string table, long version) => new(
        $"The SQLite idempotency table {table} has schema version {version}, and this version of Idempotency.Sqlite reads " +
        $"version {SqliteStoreDefaults.SchemaVersion} only" + (version > SqliteStoreDefaults.SchemaVersion
            ? ": it was created by a newer version. Upgrade the package, or point this application at another table or file."
            : ". Recreate the table from the package's Sql/create.sql."));

    public static IdempotencyStoreMisconfiguredException NoVersion(string table) => new(
        $"The SQLite table {table} exists but has no schema version in {SqliteStoreDefaults.SchemaTable}: it was not created " +
        "by the store's script (Sql/create.sql). Use another table name, or drop the table so the store can create it.");

    public static IdempotencyStoreMisconfiguredException NotWal(string table, string mode) => new(
        $"The SQLite database of table {table} could not be switched to WAL journal mode (it reports '{mode}'). The store " +
        "needs WAL for concurrent readers and writers; keep the file on a local file system that supports shared memory.");
}
