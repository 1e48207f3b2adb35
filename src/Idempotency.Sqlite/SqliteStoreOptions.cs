namespace Idempotency.Sqlite;

/// <summary>Options of <see cref="SqliteIdempotencyStore"/>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// Gets or sets the Microsoft.Data.Sqlite connection string naming the database file, for example
    /// <c>Data Source=App_Data/idempotency.db</c>. A relative path is relative to the process's current directory. The
    /// file (and its folder) is created when missing. In-memory and read-only databases are refused: use the in-memory store.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: it must be set.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the table name: a plain identifier (letters, digits and underscores, not starting with a digit).
    /// Several stores may share one file with different tables.
    /// </summary>
    /// <value>The default value is <c>idempotency_records</c>.</value>
    public string TableName { get; set; } = SqliteStoreDefaults.TableName;

    /// <summary>
    /// Gets or sets a value indicating whether the store creates its table (the package's <c>Sql/create.sql</c>) when it
    /// is missing — at start-up through the hosted service, or on first use. Otherwise a missing table fails every call
    /// with <see cref="IdempotencyStoreMisconfiguredException"/> until the script has run.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CreateTableIfMissing { get; set; } = SqliteStoreDefaults.CreateTableIfMissing;

    /// <summary>
    /// Gets or sets how long a write waits for another connection or process holding the database's write lock before it
    /// fails with <see cref="IdempotencyStoreUnavailableException"/>. Between 1 millisecond and 1 hour; waits under a
    /// second may last up to a second, as the driver retries in whole seconds.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = SqliteStoreDefaults.BusyTimeout;

    /// <summary>
    /// Gets or sets a value indicating whether every commit is flushed to disk (<c>PRAGMA synchronous = FULL</c>), so a
    /// stored record survives a power loss or an operating-system crash. When <see langword="false"/>
    /// (<c>synchronous = NORMAL</c>) commits are faster and still survive a process crash, but the last ones may be lost
    /// with the machine — and a lost completion lets a retry run the operation again.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FlushEveryCommit { get; set; } = SqliteStoreDefaults.FlushEveryCommit;

    /// <summary>Gets or sets a value indicating whether a hosted service deletes expired records periodically.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PurgeEnabled { get; set; } = SqliteStoreDefaults.PurgeEnabled;

    /// <summary>Gets or sets how long the purge service waits between two purges.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan PurgeInterval { get; set; } = SqliteStoreDefaults.PurgeInterval;

    /// <summary>
    /// Gets or sets how many expired records one DELETE statement removes at most. Each statement holds the database's
    /// write lock while it runs, so small batches let claims in between; a purge repeats batches until one deletes fewer.
    /// </summary>
    /// <value>The default value is 1 000.</value>
    public int PurgeBatchSize { get; set; } = SqliteStoreDefaults.PurgeBatchSize;
}
