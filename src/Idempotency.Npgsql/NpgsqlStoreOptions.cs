namespace Idempotency.Npgsql;

/// <summary>Options of <see cref="NpgsqlIdempotencyStore"/>.</summary>
/// <remarks>
/// Connection settings (host, credentials, pool size, timeouts, TLS) belong to the <c>NpgsqlDataSource</c> the application
/// registers; the store only chooses which data source, schema and table it uses, and how expired records are purged.
/// </remarks>
public sealed class NpgsqlStoreOptions
{
    /// <summary>Gets or sets the key of the keyed <c>NpgsqlDataSource</c> service to use; <see langword="null"/> uses the unkeyed one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public object? DataSourceServiceKey { get; set; }

    /// <summary>
    /// Gets or sets the schema of the table: a plain identifier (letters, digits and underscores, not starting with a
    /// digit, at most 63 bytes). Quoted as given, so it is case-sensitive.
    /// </summary>
    /// <value>The default value is <c>public</c>.</value>
    public string SchemaName { get; set; } = NpgsqlStoreDefaults.SchemaName;

    /// <summary>
    /// Gets or sets the table name: a plain identifier (letters, digits and underscores, not starting with a digit) of at
    /// most 48 bytes, as the purge index adds a suffix. Quoted as given, so it is case-sensitive.
    /// </summary>
    /// <value>The default value is <c>idempotency_records</c>.</value>
    public string TableName { get; set; } = NpgsqlStoreDefaults.TableName;

    /// <summary>
    /// Gets or sets a value indicating whether a hosted service creates the schema, table and index at start-up when they
    /// are missing. Otherwise run the shipped script (<see cref="NpgsqlIdempotencyStore.GetCreateTableScript"/>) yourself.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CreateTableOnStartup { get; set; } = NpgsqlStoreDefaults.CreateTableOnStartup;

    /// <summary>
    /// Gets or sets a value indicating whether the store prepares its statements on each physical connection (once per
    /// connection; planning the claim statement costs more than running it). Turn it off behind a pooler that cannot
    /// keep prepared statements, such as PgBouncer in transaction mode before 1.21 or without <c>max_prepared_statements</c>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PrepareStatements { get; set; } = NpgsqlStoreDefaults.PrepareStatements;

    /// <summary>Gets or sets a value indicating whether a hosted service deletes expired records periodically.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PurgeEnabled { get; set; } = NpgsqlStoreDefaults.PurgeEnabled;

    /// <summary>Gets or sets how long the purge service waits between two purges.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan PurgeInterval { get; set; } = NpgsqlStoreDefaults.PurgeInterval;

    /// <summary>
    /// Gets or sets how many expired records one DELETE statement removes at most; a purge repeats batches until a batch
    /// deletes fewer, so each statement holds its row locks only briefly.
    /// </summary>
    /// <value>The default value is 5 000.</value>
    public int PurgeBatchSize { get; set; } = NpgsqlStoreDefaults.PurgeBatchSize;
}
