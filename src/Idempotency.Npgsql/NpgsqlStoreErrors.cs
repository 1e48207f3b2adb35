using System.Net.Sockets;
using Npgsql;

namespace Idempotency.Npgsql;

/// <summary>Turns driver failures into the store contract's typed exception: a failure is never reported as "absent".</summary>
internal static class NpgsqlStoreErrors
{
    // NpgsqlException covers server errors (PostgresException: shutting down, too many connections, missing table),
    // broken connections, pool exhaustion and command timeouts. Cancellation the caller asked for passes through.
    public static bool IsBackendFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        NpgsqlException or TimeoutException or SocketException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// The connection died under the statement: the server terminated its session (shut down, restarted, crashed) or the
    /// socket broke. Timeouts are not in it (the server may be alive and busy: a second run would only double the wait).
    /// </summary>
    public static bool IsBrokenConnection(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        NpgsqlException { IsTransient: true, InnerException: IOException or SocketException } => true,
        _ => false,
    };

    public static IdempotencyStoreUnavailableException Unavailable(string operation, Exception exception, string table)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } missing)
        {
            return TableMissing(table, missing);
        }

        var detail = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
        return new IdempotencyStoreUnavailableException($"The PostgreSQL idempotency store failed during {operation} ({detail}).", exception);
    }

    /// <summary>What to register when the container has no data source for the store: the DI error alone names neither the package nor the option.</summary>
    public static InvalidOperationException NoDataSource(object? serviceKey) => new(serviceKey is null
        ? "AddNpgsqlStore needs an NpgsqlDataSource in the services, and none is registered. Register one, e.g. " +
          "services.AddNpgsqlDataSource(connectionString) from the Npgsql.DependencyInjection package, or " +
          "services.AddSingleton(NpgsqlDataSource.Create(connectionString)). To use a keyed data source instead, set " +
          "NpgsqlStoreOptions.DataSourceServiceKey to its key."
        : $"AddNpgsqlStore needs the NpgsqlDataSource registered under the key {Describe(serviceKey)} " +
          "(NpgsqlStoreOptions.DataSourceServiceKey), and none is. Register it, e.g. " +
          $"services.AddNpgsqlDataSource(connectionString, serviceKey: {Describe(serviceKey)}) from the Npgsql.DependencyInjection " +
          $"package, or services.AddKeyedSingleton({Describe(serviceKey)}, NpgsqlDataSource.Create(connectionString)); or leave " +
          "NpgsqlStoreOptions.DataSourceServiceKey null to use the unkeyed data source.");

    // Every statement of the store names only its own table, so "undefined table" means that table is missing.
    private static IdempotencyStoreMisconfiguredException TableMissing(string table, PostgresException exception) => new(
        $"The PostgreSQL idempotency table {table} does not exist ({exception.SqlState}: {exception.MessageText}). " +
        "Create it: set NpgsqlStoreOptions.CreateTableOnStartup = true, call NpgsqlIdempotencyStore.CreateTableAsync, or run " +
        "the script of NpgsqlIdempotencyStore.GetCreateTableScript() (the package's Sql/create.sql) in your migrations.",
        exception);

    private static string Describe(object key) => key is string text ? $"\"{text}\"" : key.ToString() ?? key.GetType().Name;
}
