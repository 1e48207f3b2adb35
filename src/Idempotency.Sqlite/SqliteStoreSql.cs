namespace Idempotency.Sqlite;

/// <summary>
/// The SQL text of every store operation, built once per store for its table. Every instant is a parameter in Unix
/// milliseconds from the caller's clock: SQLite's clock never decides expiry. The statements run on any connection and
/// inside any transaction, so a caller's own transaction can run them too.
/// </summary>
/// <remarks>
/// Parameters: <c>$key</c> store key, <c>$owner</c> owner token, <c>$fingerprint</c>, <c>$now</c>, <c>$lease</c> lease
/// end, <c>$expires</c> record expiry, <c>$payload</c>, <c>$retryable</c>, <c>$batch</c> purge batch size, and the listing's
/// <c>$status</c>, <c>$after_created</c>, <c>$after_key</c> and <c>$limit</c>.
/// </remarks>
internal sealed class SqliteStoreSql
{
    // Columns in the order SqliteRecordReader reads them.
    private const string RecordColumns = "status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable";

    public SqliteStoreSql(string tableName)
    {
        Name = tableName;
        Table = SqliteIdentifier.Quote(tableName);
        ExpiresIndex = SqliteIdentifier.Quote(tableName + SqliteStoreDefaults.ExpiresIndexSuffix);

        // The claim is a read, then (only when no live record holds the key) one upsert. The read takes no lock, so a
        // replay never waits for the write lock. The upsert is one statement, so it runs under the write lock from its
        // start: its DO UPDATE guard re-checks liveness on the newest row, so of racing claims exactly one writes.
        // RETURNING yields a row only when this claim wrote; a claim that wrote nothing reads the winner's record.
        ReadLive = $"SELECT {RecordColumns} FROM {Table} WHERE store_key = $key AND {Live}";
        Claim = $"""
            INSERT INTO {Table} (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
            VALUES ($key, 0, $owner, $fingerprint, $now, $lease, $expires, NULL, 0)
            ON CONFLICT (store_key) DO UPDATE SET status = 0, owner_token = excluded.owner_token, fingerprint = excluded.fingerprint,
                created_at = excluded.created_at, lease_expires_at = excluded.lease_expires_at, expires_at = excluded.expires_at,
                payload = NULL, retryable = 0
            WHERE NOT ({Live})
            RETURNING 1
            """;

        Complete = $"UPDATE {Table} SET status = 1, payload = $payload, lease_expires_at = $now, expires_at = $expires, retryable = 0 WHERE {Owned}";
        Fail = $"UPDATE {Table} SET status = 2, payload = $payload, retryable = $retryable, lease_expires_at = $now, expires_at = $expires WHERE {Owned}";
        Release = $"DELETE FROM {Table} WHERE {Owned}";
        Renew = $"UPDATE {Table} SET lease_expires_at = $lease, expires_at = max(expires_at, $lease) WHERE {Owned}";
        Get = $"SELECT {RecordColumns} FROM {Table} WHERE store_key = $key AND expires_at > $now";
        Delete = $"DELETE FROM {Table} WHERE store_key = $key";

        // Bounded by rowid through the expiry index, so one statement holds the write lock for at most one batch.
        Purge = $"DELETE FROM {Table} WHERE rowid IN (SELECT rowid FROM {Table} WHERE expires_at <= $now LIMIT $batch)";
        CountByStatus = $"SELECT status, count(*) FROM {Table} WHERE expires_at > $now GROUP BY status";

        // Keyset paging, newest first: the page starts strictly after the last (created_at, store_key) of the previous
        // one. No index serves this order (the schema has the expiry index only, and adding one would tax every claim
        // for an operator's query): each page reads the live rows and keeps the top $limit in SQLite's sorter.
        List = $"""
            SELECT {RecordColumns}, store_key FROM {Table}
            WHERE expires_at > $now AND ($status IS NULL OR status = $status)
              AND ($after_created IS NULL OR created_at < $after_created OR (created_at = $after_created AND store_key < $after_key))
            ORDER BY created_at DESC, store_key DESC
            LIMIT $limit
            """;
        SchemaState = $"""
            SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $table),
                   EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '{SqliteStoreDefaults.SchemaTable}')
            """;
        SchemaVersion = $"SELECT version FROM {SqliteStoreDefaults.SchemaTable} WHERE table_name = $table";
    }

    /// <summary>Gets the table name as configured (unquoted).</summary>
    public string Name { get; }

    /// <summary>Gets the quoted table name, as it appears in the statements.</summary>
    public string Table { get; }

    public string ExpiresIndex { get; }

    public string ReadLive { get; }

    public string Claim { get; }

    public string Complete { get; }

    public string Fail { get; }

    public string Release { get; }

    public string Renew { get; }

    public string Get { get; }

    public string Delete { get; }

    public string Purge { get; }

    public string CountByStatus { get; }

    /// <summary>Gets one page of the listing (<c>$status</c> or NULL, <c>$after_created</c> and <c>$after_key</c> or NULL, <c>$limit</c>); the key is the last column.</summary>
    public string List { get; }

    /// <summary>Gets whether the store table and the schema-version table exist (two 0/1 columns; <c>$table</c> is the unquoted name).</summary>
    public string SchemaState { get; }

    /// <summary>Gets the recorded schema version of the store table (no row when none is recorded).</summary>
    public string SchemaVersion { get; }

    // Guards complete, fail, release and renew: only the owner of an in-progress record may change it (fencing).
    private static string Owned => "store_key = $key AND owner_token = $owner AND status = 0";

    // IdempotencyRecord.BlocksClaim in SQL, on the row's unqualified columns (in DO UPDATE they name the existing row):
    // until it expires, a row holds the key against a claim with another fingerprint whatever its state. Unknown
    // statuses count as live, so a claim returns the row (and the reader reports it corrupt) rather than silently
    // overwriting data it cannot read.
    private static string Live =>
        "expires_at > $now AND (fingerprint <> $fingerprint OR status = 1 OR (status = 0 AND lease_expires_at > $now) " +
        "OR (status = 2 AND retryable = 0) OR status NOT IN (0, 1, 2))";
}
