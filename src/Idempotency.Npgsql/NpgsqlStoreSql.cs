namespace Idempotency.Npgsql;

/// <summary>
/// The SQL text of every store operation, built once per store for its table. Parameters are positional (<c>$1</c>…),
/// so Npgsql sends the text as is, and every instant comes from a parameter: the database clock never decides expiry.
/// </summary>
internal sealed class NpgsqlStoreSql
{
    /// <summary>The column of <see cref="TransactionalClaim"/> that says whether the key's advisory lock was free.</summary>
    public const int TransactionalClaimLockColumn = 9;

    // Seeds the hash of a store key into its advisory lock id, so the ids differ from a plain hashtextextended(key, 0)
    // an application might use for its own locks.
    private const long AdvisoryLockSeed = 0x4964656D;

    // Columns in the order RecordReader reads them.
    private const string RecordColumns = "status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable";

    public NpgsqlStoreSql(string schemaName, string tableName)
    {
        QuotedSchema = SqlIdentifier.Quote(schemaName);
        Table = QuotedSchema + "." + SqlIdentifier.Quote(tableName);
        ExpiresIndex = SqlIdentifier.Quote(tableName + NpgsqlStoreDefaults.ExpiresIndexSuffix);

        // Read first: a live record is returned without writing or locking anything, so a replay is a pure index read.
        // Otherwise insert, or take over the dead row; the ON CONFLICT guard re-checks liveness on the newest row version,
        // so of concurrent claims exactly one writes. A claim that lost that race sees neither its own row nor (its
        // snapshot predates the winner) the live one; the caller then runs the statement again.
        // A live row in progress with this claim's own owner token is this claim's acquisition: owner tokens are unique
        // per claim, so only a repeat of this very statement (after a connection broke under it) can find one.
        Claim = $"""
            WITH live AS (
                SELECT {RecordColumns} FROM {Table} AS c WHERE c.store_key = $1 AND {Live("c", "$4", "$3")}
            ), claimed AS (
                INSERT INTO {Table} AS r (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
                SELECT $1, 0, $2, $3, $4, $5, $6, NULL, false WHERE NOT EXISTS (SELECT FROM live)
                ON CONFLICT (store_key) DO UPDATE SET status = 0, owner_token = EXCLUDED.owner_token, fingerprint = EXCLUDED.fingerprint,
                    created_at = EXCLUDED.created_at, lease_expires_at = EXCLUDED.lease_expires_at, expires_at = EXCLUDED.expires_at,
                    payload = NULL, retryable = false
                WHERE NOT ({Live("r", "$4", "$3")})
                RETURNING 1
            )
            SELECT EXISTS (SELECT FROM claimed) OR COALESCE(l.status = 0 AND l.owner_token = $2, false), l.*
            FROM (VALUES (1)) AS one (x) LEFT JOIN live AS l ON true
            """;

        // The claim inside a caller's transaction (NpgsqlIdempotencyTransaction). Its row stays uncommitted until the
        // transaction ends, invisible to others, and a plain INSERT of the same key would wait on it until then. So every
        // transactional claim first tries a transaction-scoped advisory lock on the key's 64-bit hash, without waiting:
        // busy means another transaction is claiming the key right now, answered as in progress (last column false);
        // the engine's in-progress policy then decides between 409 and polling, as for any store. The lock is released
        // with the transaction, after its commit is visible, so the next claim sees the completed row.
        TransactionalClaim = $"""
            WITH lock AS MATERIALIZED (
                SELECT pg_try_advisory_xact_lock(hashtextextended($1, {AdvisoryLockSeed})) AS held
            ), live AS (
                SELECT {RecordColumns} FROM {Table} AS c WHERE c.store_key = $1 AND {Live("c", "$4", "$3")}
            ), claimed AS (
                INSERT INTO {Table} AS r (store_key, status, owner_token, fingerprint, created_at, lease_expires_at, expires_at, payload, retryable)
                SELECT $1, 0, $2, $3, $4, $5, $6, NULL, false WHERE (SELECT held FROM lock) AND NOT EXISTS (SELECT FROM live)
                ON CONFLICT (store_key) DO UPDATE SET status = 0, owner_token = EXCLUDED.owner_token, fingerprint = EXCLUDED.fingerprint,
                    created_at = EXCLUDED.created_at, lease_expires_at = EXCLUDED.lease_expires_at, expires_at = EXCLUDED.expires_at,
                    payload = NULL, retryable = false
                WHERE NOT ({Live("r", "$4", "$3")})
                RETURNING 1
            )
            SELECT EXISTS (SELECT FROM claimed), l.*, (SELECT held FROM lock)
            FROM (VALUES (1)) AS one (x) LEFT JOIN live AS l ON true
            """;

        Complete = $"UPDATE {Table} SET status = 1, payload = $3, lease_expires_at = $4, expires_at = $5, retryable = false WHERE {Owned}";
        Fail = $"UPDATE {Table} SET status = 2, payload = $3, retryable = $4, lease_expires_at = $5, expires_at = $6 WHERE {Owned}";
        Release = $"DELETE FROM {Table} WHERE {Owned}";
        Renew = $"UPDATE {Table} SET lease_expires_at = $3, expires_at = GREATEST(expires_at, $3) WHERE {Owned}";
        Get = $"SELECT {RecordColumns} FROM {Table} WHERE store_key = $1 AND expires_at > $2";
        Delete = $"DELETE FROM {Table} WHERE store_key = $1";

        // SKIP LOCKED: rows a claim is taking over, or another purger holds, are left for the next batch, so purgers never
        // wait on claims or on each other. The outer condition is re-checked on the locked row version.
        Purge = $"""
            DELETE FROM {Table} WHERE ctid = ANY (ARRAY (
                SELECT ctid FROM {Table} WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED
            )) AND expires_at <= $1
            """;
        CountByStatus = $"SELECT status, count(*) FROM {Table} WHERE expires_at > $1 GROUP BY status";

        // Keyset paging, newest first: the page starts strictly after the last (created_at, store_key) of the previous
        // one. No index serves this order (the table has the purge index only; an index built by CreateTableAsync on a
        // large existing table would block writes while it builds): each page reads the live rows and keeps the top
        // $5 in a bounded sort. $1 now, $2 status or NULL, $3 and $4 the previous page's last row or NULL.
        List = $"""
            SELECT {RecordColumns}, store_key FROM {Table}
            WHERE expires_at > $1 AND ($2::smallint IS NULL OR status = $2)
              AND ($3::timestamptz IS NULL OR (created_at, store_key) < ($3, $4::text))
            ORDER BY created_at DESC, store_key DESC
            LIMIT $5
            """;
        SchemaExists = "SELECT to_regnamespace($1) IS NOT NULL";
        CreateSchema = $"CREATE SCHEMA IF NOT EXISTS {QuotedSchema}";
    }

    public string QuotedSchema { get; }

    public string Table { get; }

    public string ExpiresIndex { get; }

    public string Claim { get; }

    public string TransactionalClaim { get; }

    public string Complete { get; }

    public string Fail { get; }

    public string Release { get; }

    public string Renew { get; }

    public string Get { get; }

    public string Delete { get; }

    public string Purge { get; }

    public string CountByStatus { get; }

    public string List { get; }

    public string SchemaExists { get; }

    public string CreateSchema { get; }

    // Guards complete, fail, release and renew: only the owner of an in-progress record may change it (fencing).
    private static string Owned => "store_key = $1 AND owner_token = $2 AND status = 0";

    // IdempotencyRecord.BlocksClaim in SQL: until it expires, a row holds the key against a claim with another
    // fingerprint whatever its state. Unknown statuses count as live, so a claim returns the row (and the reader
    // reports it corrupt) rather than silently overwriting data it cannot read.
    private static string Live(string row, string now, string fingerprint) =>
        $"{row}.expires_at > {now} AND ({row}.fingerprint <> {fingerprint} OR {row}.status = 1 " +
        $"OR ({row}.status = 0 AND {row}.lease_expires_at > {now}) OR ({row}.status = 2 AND NOT {row}.retryable) OR {row}.status NOT IN (0, 1, 2))";
}
