namespace Idempotency.Sqlite;

/// <summary>Every default value of the SQLite store in one place.</summary>
internal static class SqliteStoreDefaults
{
    public const string TableName = "idempotency_records";
    public const bool CreateTableIfMissing = true;
    public const bool FlushEveryCommit = true;
    public const bool PurgeEnabled = true;
    public const int PurgeBatchSize = 1_000;
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    // SQLite's busy timeout is an int of milliseconds; an hour is far beyond any sensible wait for a write lock.
    public static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromHours(1);

    // The schema version this store writes and reads (Sql/create.sql records it in idempotency_schema).
    public const int SchemaVersion = 1;
    public const string SchemaTable = "idempotency_schema";
    public const string ExpiresIndexSuffix = "_expires_at_idx";

    // A claim repeats only when the record it saw vanished (released or deleted) before it could read it.
    public const int MaxClaimAttempts = 8;

    // Open connections the store keeps for reuse; more are opened under load and closed when returned.
    public const int MaxIdleConnections = 16;
}
