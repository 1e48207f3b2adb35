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

    public static IdempotencyStoreUnavailableException Unavailable(string operation, Exception exception)
    {
        var detail = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
        return new IdempotencyStoreUnavailableException($"The PostgreSQL idempotency store failed during {operation} ({detail}).", exception);
    }
}
