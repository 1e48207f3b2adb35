using Microsoft.Extensions.Logging;
using Npgsql;

namespace Idempotency.Npgsql;

/// <summary>
/// Runs an operation exactly once in effect per key with its database writes in the same PostgreSQL transaction as the
/// idempotency record (<see cref="TransactionalIdempotencyExecutor{TTransaction, TDatabase}.ExecuteAsync{T}"/>): the
/// claim, the operation's writes and the completion commit together, or none of them does.
/// </summary>
/// <remarks>
/// A concurrent duplicate gets the policy's in-progress answer (or waits with <see cref="IdempotencyPolicy.InProgressWait"/>)
/// and then the replay. An operation that throws rolls everything back and the key stays free for a retry; so does a
/// failed commit, reported as <see cref="IdempotencyTransactionNotCommittedException"/>. See docs/transactional.md.
/// </remarks>
/// <param name="executor">The executor, over <paramref name="store"/>.</param>
/// <param name="store">The PostgreSQL store the executor uses: its data source opens the transactions.</param>
/// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
public sealed class NpgsqlTransactionalExecutor(IIdempotencyExecutor executor, NpgsqlIdempotencyStore store, ILoggerFactory? loggerFactory = null)
    : TransactionalIdempotencyExecutor<NpgsqlIdempotencyTransaction, NpgsqlTransaction>(executor, (store ?? throw new ArgumentNullException(nameof(store))).BeginTransactionAsync, loggerFactory);
