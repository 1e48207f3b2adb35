using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Idempotency.Sqlite;

/// <summary>
/// Runs an operation exactly once in effect per key with its database writes in the same SQLite transaction as the
/// idempotency record (<see cref="TransactionalIdempotencyExecutor{TTransaction, TDatabase}.ExecuteAsync{T}"/>): the
/// claim, the operation's writes and the completion commit together in the store's file, or none of them does.
/// </summary>
/// <remarks>
/// The operation runs while the transaction holds the file's write lock (SQLite has one writer), so every other write to
/// the file waits for it: keep it short. A concurrent duplicate in this process gets the policy's in-progress answer (or
/// waits with <see cref="IdempotencyPolicy.InProgressWait"/>) and then the replay; one in another process waits for the
/// write lock (up to <see cref="SqliteStoreOptions.BusyTimeout"/>) and then replays. An operation that throws rolls
/// everything back and the key stays free for a retry; so does a failed commit, reported as
/// <see cref="IdempotencyTransactionNotCommittedException"/>. See docs/transactional.md.
/// </remarks>
/// <param name="executor">The executor, over <paramref name="store"/>.</param>
/// <param name="store">The SQLite store the executor uses: the transactions run on its database file.</param>
/// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
public sealed class SqliteTransactionalExecutor(IIdempotencyExecutor executor, SqliteIdempotencyStore store, ILoggerFactory? loggerFactory = null)
    : TransactionalIdempotencyExecutor<SqliteIdempotencyTransaction, SqliteTransaction>(executor, (store ?? throw new ArgumentNullException(nameof(store))).BeginTransactionAsync, loggerFactory);
