namespace Idempotency.Npgsql;

/// <summary>Every default value of the PostgreSQL store in one place.</summary>
internal static class NpgsqlStoreDefaults
{
    public const string SchemaName = "public";
    public const string TableName = "idempotency_records";
    public const bool CreateTableOnStartup = false;
    public const bool PurgeEnabled = true;
    public const bool PrepareStatements = true;
    public const int PurgeBatchSize = 5_000;
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    // PostgreSQL cuts identifiers at 63 bytes; the purge index is named after the table plus this suffix.
    public const int MaxIdentifierBytes = 63;
    public const string ExpiresIndexSuffix = "_expires_at_idx";
    public const int MaxTableNameBytes = MaxIdentifierBytes - 15;

    // A claim repeats only when another claim for the same key commits between its snapshot and its insert.
    public const int MaxClaimAttempts = 8;
}
