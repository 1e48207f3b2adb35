using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>
/// Makes the database ready for the store: WAL journal mode, the table (created from the shipped script when allowed)
/// and a schema version this code reads. Several processes may run it at once: the creation runs under the write lock
/// (BEGIN IMMEDIATE) and creates nothing that exists.
/// </summary>
internal static class SqliteSchema
{
    public static void Ensure(SqliteConnection connection, SqliteStoreSql sql, bool createIfMissing)
    {
        EnsureWal(connection, sql);
        if (Check(connection, null, sql, createIfMissing))
        {
            return;
        }

        // Missing: create it under the write lock, then check again (another process may have won the race, with any version).
        using var transaction = connection.BeginTransaction(deferred: false);
        if (!Check(connection, transaction, sql, createIfMissing))
        {
            using var create = connection.CreateCommand();
            create.Transaction = transaction;
            create.CommandText = SqliteStoreScript.CreateTable(sql);
            create.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    // WAL is a property of the file (it persists), so this is a query after the first time. Readers then never wait
    // for the writer, and a process killed mid-write leaves a WAL that the next opener rolls back or forward.
    private static void EnsureWal(SqliteConnection connection, SqliteStoreSql sql)
    {
        if (string.Equals(Pragma(connection, "PRAGMA journal_mode"), "wal", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var mode = Pragma(connection, "PRAGMA journal_mode = WAL");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw SqliteStoreErrors.NotWal(sql.Table, mode);
        }
    }

    // true: ready. false: missing and creatable. Throws for a table it must not use.
    private static bool Check(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, bool createIfMissing)
    {
        bool tableExists, versionTableExists;
        using (var state = connection.CreateCommand())
        {
            state.Transaction = transaction;
            state.CommandText = sql.SchemaState;
            state.Parameters.AddWithValue("$table", sql.Name);
            using var reader = state.ExecuteReader();
            reader.Read();
            tableExists = reader.GetInt64(0) == 1;
            versionTableExists = reader.GetInt64(1) == 1;
        }

        long? version = null;
        if (versionTableExists)
        {
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = sql.SchemaVersion;
            read.Parameters.AddWithValue("$table", sql.Name);
            version = read.ExecuteScalar() is long value ? value : null;
        }

        return (tableExists, version) switch
        {
            (true, SqliteStoreDefaults.SchemaVersion) => true,
            (true, null) => throw SqliteStoreErrors.NoVersion(sql.Table),
            (_, { } other) when other != SqliteStoreDefaults.SchemaVersion => throw SqliteStoreErrors.UnknownVersion(sql.Table, other),
            _ when createIfMissing => false,
            _ => throw SqliteStoreErrors.TableMissing(sql.Table),
        };
    }

    private static string Pragma(SqliteConnection connection, string text)
    {
        using var command = connection.CreateCommand();
        command.CommandText = text;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
