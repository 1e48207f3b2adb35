using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>Every problem of the store options, checked at start-up and when a store is created.</summary>
internal static class SqliteStoreOptionsValidator
{
    public static IEnumerable<string> Errors(SqliteStoreOptions options)
    {
        if (ConnectionStringProblem(options.ConnectionString) is { } connection)
        {
            yield return connection;
        }

        if (SqliteIdentifier.Problem(options.TableName, nameof(options.TableName)) is { } table)
        {
            yield return table;
        }

        if (options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout > SqliteStoreDefaults.MaxBusyTimeout)
        {
            yield return $"{nameof(options.BusyTimeout)} must be between 1 millisecond and 1 hour.";
        }

        if (options.PurgeInterval <= TimeSpan.Zero)
        {
            yield return $"{nameof(options.PurgeInterval)} must be positive.";
        }

        if (options.PurgeBatchSize < 1)
        {
            yield return $"{nameof(options.PurgeBatchSize)} must be at least 1.";
        }
    }

    private static string? ConnectionStringProblem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "ConnectionString must name the database file, e.g. \"Data Source=App_Data/idempotency.db\".";
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // The driver's message names the keyword it did not understand; the string itself may hold a password.
            return $"ConnectionString is not a valid SQLite connection string ({ex.Message}).";
        }

        // A memory database vanishes with its last connection (the store closes idle ones), taking every key with it.
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
        {
            return "ConnectionString must name a database file; in-memory SQLite databases lose their records: use the in-memory store instead.";
        }

        return builder.Mode == SqliteOpenMode.ReadOnly ? "ConnectionString must not open the database read-only: the store writes records." : null;
    }
}
