using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Idempotency.EntityFrameworkCore;

/// <summary>
/// The core's transactional executor for one attempt, over a transaction the store begins on a given connection (the
/// context's): the same claim, completion and commit as <c>NpgsqlTransactionalExecutor</c> and <c>SqliteTransactionalExecutor</c>.
/// </summary>
internal sealed class ConnectionTransactionExecutor(IIdempotencyExecutor executor, IIdempotencyTransactionFactory transactions, DbConnection connection, ILoggerFactory? loggerFactory)
    : TransactionalIdempotencyExecutor<IIdempotencyTransaction<DbTransaction>, DbTransaction>(executor, ct => AsDatabaseTransactionAsync(transactions.BeginAsync(connection, ct)), loggerFactory)
{
    // The store's BeginAsync made the transaction ambient in the calling flow before this awaits it.
    private static async ValueTask<IIdempotencyTransaction<DbTransaction>> AsDatabaseTransactionAsync(ValueTask<IIdempotencyTransaction> begin)
    {
        var transaction = await begin.ConfigureAwait(false);
        if (transaction is IIdempotencyTransaction<DbTransaction> database)
        {
            return database;
        }

        await transaction.DisposeAsync().ConfigureAwait(false);
        throw new InvalidOperationException($"The store's transaction ({transaction.GetType().Name}) gives no ADO.NET transaction for Entity Framework Core to join.");
    }
}
